import { normalizeColumnName } from './format.js';

/**
 * Indexes of the columns to keep, in file order: all when `wanted` is undefined, else those whose
 * normalised name is wanted (absent ones are simply not there; callers check what they need).
 */
export function projectColumns(header: readonly string[], wanted: readonly string[] | undefined): number[] {
  if (!wanted) return header.map((_, index) => index);
  const set = new Set(wanted.map(normalizeColumnName));
  const picked: number[] = [];
  header.forEach((name, index) => {
    if (set.has(name)) picked.push(index);
  });
  return picked;
}
