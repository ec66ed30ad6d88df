/**
 * Rule sets from YAML: a built-in name (`prostate_mpmri`) or a path to a user's file.
 */
import { fileURLToPath } from 'node:url';
import { readInputFile } from '@msc/core';
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
  const text = await readInputFile(
    path,
    {
      code: 'E_INPUT_NOT_FOUND',
      what: 'heuristics file',
      hint: `give a built-in rule set (${BUILT_IN_RULE_SETS.join(', ')}) or the path to a YAML rule file`,
      maxBytes: 16 * 2 ** 20,
    },
    'utf8',
  );
  return parseRuleSet(text, path);
}
