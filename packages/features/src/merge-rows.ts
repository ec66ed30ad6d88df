/** Rows of coded columns merged into distinct rows (featurize.ts `featureRows` with `merge`). */

/**
 * Rows with the same code in every column merged: `rowOf[r]` is row r's group, `first[g]` the
 * first row of group g, groups numbered in order of their first row. Each row's codes are hashed
 * (column by column), and a row joins a group only when every code equals the group's first
 * row's: exact, with one Map operation per row (a Map per column was 60K × 60 lookups).
 */
export function mergeRows(nRows: number, columns: readonly { codes: Int32Array }[]): { first: Int32Array; rowOf: Int32Array } {
  const hashes = new Int32Array(nRows).fill(-2128831035);
  for (const { codes } of columns) for (let r = 0; r < nRows; r++) hashes[r] = Math.imul(hashes[r]! ^ codes[r]!, 16777619);
  const rowOf = new Int32Array(nRows);
  const firsts: number[] = [];
  /** Hash → its latest group; `sameHash[g]` the group before it with that hash (-1: none). */
  const byHash = new Map<number, number>();
  const sameHash: number[] = [];
  const same = (a: number, b: number) => {
    for (let c = 0; c < columns.length; c++) if (columns[c]!.codes[a] !== columns[c]!.codes[b]) return false;
    return true;
  };
  for (let r = 0; r < nRows; r++) {
    const hash = hashes[r]!;
    const latest = byHash.get(hash);
    let group = latest ?? -1;
    while (group >= 0 && !same(firsts[group]!, r)) group = sameHash[group]!;
    if (group < 0) {
      group = firsts.length;
      firsts.push(r);
      sameHash.push(latest ?? -1);
      byHash.set(hash, group);
    }
    rowOf[r] = group;
  }
  return { first: Int32Array.from(firsts), rowOf };
}
