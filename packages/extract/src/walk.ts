/**
 * Finding candidate files: folders walked to any depth (or `maxDepth`), entries in sorted order
 * so runs are reproducible, names filtered by an optional glob; DICOMDIR files skipped.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** A glob on file names (`*`, `?`, `[...]`), as the original's `--pattern '*dcm'`. */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) source += '\\[';
      else {
        source += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += ch.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export interface WalkOptions {
  pattern?: string;
  /** Folder levels below each input to descend; undefined = unlimited. */
  maxDepth?: number;
}

export async function* walkFiles(inputs: readonly string[], options: WalkOptions = {}): AsyncGenerator<string> {
  const match = options.pattern ? globToRegExp(options.pattern) : undefined;
  const keep = (path: string) => basename(path).toUpperCase() !== 'DICOMDIR' && (!match || match.test(basename(path)));
  async function* walk(dir: string, depth: number): AsyncGenerator<string> {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (options.maxDepth === undefined || depth < options.maxDepth) yield* walk(path, depth + 1);
      } else if (entry.isFile() && keep(path)) yield path;
    }
  }
  for (const input of inputs) {
    const info = await stat(input);
    if (info.isDirectory()) yield* walk(input, 0);
    else if (keep(input)) yield input;
  }
}
