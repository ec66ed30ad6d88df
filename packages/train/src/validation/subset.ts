/**
 * `--subset` for learning curves (docs/behaviour.md §5–6): keep a fraction (0 < x ≤ 1) or a count
 * (x > 1) of the *studies*, drawn with the seed, so a subset never splits a study.
 */
import { MscError, Random } from '@msc/core';

/** Indexes of the rows kept, ascending. */
export function subsetByStudy(studies: readonly string[], subset: number, seed: number): Uint32Array {
  if (!(subset > 0) || !Number.isFinite(subset)) {
    throw new MscError('E_USAGE', `--subset must be a fraction in (0, 1] or a count of studies, got ${subset}`);
  }
  const distinct = [...new Set(studies)].sort();
  const keep = subset <= 1 ? Math.max(1, Math.round(subset * distinct.length)) : Math.min(Math.floor(subset), distinct.length);
  const chosen = new Set(Array.from(new Random(seed).sample(distinct.length, keep), (i) => distinct[i]!));
  const rows: number[] = [];
  studies.forEach((s, r) => {
    if (chosen.has(s)) rows.push(r);
  });
  return Uint32Array.from(rows);
}
