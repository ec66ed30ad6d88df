/**
 * Rule sets from YAML: a built-in name (`prostate_mpmri`) or a path to a user's file.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { MscError, errorReason } from '@msc/core';
import { validateRuleSet, type RuleSet } from './rule-schema.js';
import { parseYamlSource } from './yaml-source.js';

const BUILT_IN_DIR = fileURLToPath(new URL('../rules/', import.meta.url));

/** Names of the rule sets shipped with the package. */
export const BUILT_IN_RULE_SETS = ['prostate_mpmri'] as const;

/** Parses and validates rule-set YAML text; `source` names it in errors. */
export function parseRuleSet(text: string, source: string): RuleSet {
  const { value, locate } = parseYamlSource(text, source);
  return validateRuleSet(value, source, locate);
}

/** Loads a built-in rule set by name, or a YAML file by path. */
export async function loadRuleSet(nameOrPath: string): Promise<RuleSet> {
  const builtIn = (BUILT_IN_RULE_SETS as readonly string[]).includes(nameOrPath);
  const path = builtIn ? `${BUILT_IN_DIR}${nameOrPath}.yaml` : nameOrPath;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new MscError('E_INPUT_NOT_FOUND', `cannot read heuristics file ${path}: ${errorReason(error)}`, {
      path,
      hint: `give a built-in rule set (${BUILT_IN_RULE_SETS.join(', ')}) or the path to a YAML rule file`,
    });
  }
  return parseRuleSet(text, path);
}
