/**
 * Rule sets from YAML: a built-in name (`prostate_mpmri`) or a path to a user's file.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { LineCounter, isNode, parseDocument } from 'yaml';
import { MscError } from '@msc/core';
import { validateRuleSet, type RuleSet } from './rule-schema.js';

const BUILT_IN_DIR = fileURLToPath(new URL('../rules/', import.meta.url));

/** Names of the rule sets shipped with the package. */
export const BUILT_IN_RULE_SETS = ['prostate_mpmri'] as const;

/** Parses and validates rule-set YAML text; `source` names it in errors. */
export function parseRuleSet(text: string, source: string): RuleSet {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const { line, col } = lineCounter.linePos(first.pos[0]);
    throw new MscError('E_CONFIG', `${source}: not valid YAML at line ${line}, column ${col}: ${first.message.split('\n')[0]}`, {
      hint: 'check indentation and quoting around that line',
    });
  }
  const locate = (path: readonly (string | number)[]) => {
    // Walk up to the nearest node that exists (an unknown key's parent, a missing field's rule).
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) {
        const { line, col } = lineCounter.linePos(node.range[0]);
        return ` (line ${line}, column ${col})`;
      }
    }
    return '';
  };
  return validateRuleSet(document.toJS(), source, locate);
}

/** Loads a built-in rule set by name, or a YAML file by path. */
export async function loadRuleSet(nameOrPath: string): Promise<RuleSet> {
  const builtIn = (BUILT_IN_RULE_SETS as readonly string[]).includes(nameOrPath);
  const path = builtIn ? `${BUILT_IN_DIR}${nameOrPath}.yaml` : nameOrPath;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new MscError('E_INPUT_NOT_FOUND', `cannot read heuristics file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      path,
      hint: `give a built-in rule set (${BUILT_IN_RULE_SETS.join(', ')}) or the path to a YAML rule file`,
    });
  }
  return parseRuleSet(text, path);
}
