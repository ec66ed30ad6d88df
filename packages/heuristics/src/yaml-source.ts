/**
 * YAML text → its value and a `locate` that turns a path inside it (`['models', 'x', 'filters']`)
 * into ` (line L, column C)`, for configuration errors that point into the file. Syntax errors
 * are `E_CONFIG` with their line and column.
 */
import { createRequire } from 'node:module';
import { MscError, errorMessage } from '@msc/core';

/**
 * The YAML parser, loaded on the first parse: a program that reads no YAML (msc-predict with the
 * default rules off) no longer pays for its twenty modules at start-up.
 */
let yaml: typeof import('yaml') | undefined;
const yamlParser = (): typeof import('yaml') => (yaml ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

/** Where a value sits in the source file, for error messages: ` (line L, column C)` or ''. */
export type Locate = (path: readonly (string | number)[]) => string;

export interface YamlSource {
  value: unknown;
  locate: Locate;
}

export function parseYamlSource(text: string, source: string): YamlSource {
  const { LineCounter, isNode, parseDocument } = yamlParser();
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const { line, col } = lineCounter.linePos(first.pos[0]);
    throw new MscError('E_CONFIG', `${source}: not valid YAML at line ${line}, column ${col}: ${first.message.split('\n')[0]}`, {
      hint: 'check indentation and quoting around that line',
    });
  }
  const locate: Locate = (path) => {
    // Walk up to the nearest node that exists (an unknown key's parent, a missing field's owner).
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) {
        const { line, col } = lineCounter.linePos(node.range[0]);
        return ` (line ${line}, column ${col})`;
      }
    }
    return '';
  };
  let value: unknown;
  // A bounded alias budget: nested aliases ("billion laughs") fail instead of expanding to gigabytes.
  try {
    value = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new MscError('E_CONFIG', `${source}: ${errorMessage(error)}`, { hint: 'YAML aliases are limited to 100 per file' });
  }
  return { value, locate };
}
