/**
 * Splitting a table into parts by study (the original's split_data / train_all_models.smk
 * `split_data` rule): every row of a study lands in the same part, so a test set never holds a
 * series of a study the model was trained on. Deterministic: the same studies, fractions and seed
 * give the same parts whatever the row order.
 */
import { MscError, Random } from '@msc/core';

/**
 * Part index (0-based) of every row. Distinct studies are sorted, shuffled with the seed and cut
 * in the given proportions (rounded, the last part taking the remainder), so with fractions
 * 0.8/0.2 a 500-study table gives 400 and 100 studies.
 */
export function splitByStudy(studies: readonly string[], fractions: readonly number[], seed: number): Int32Array {
  if (fractions.length < 2) throw new MscError('E_USAGE', `a split needs at least two parts, got ${fractions.length}`);
  if (!fractions.every((f) => Number.isFinite(f) && f > 0)) {
    throw new MscError('E_USAGE', `split fractions must be numbers > 0, got ${fractions.join(', ')}`);
  }
  const total = fractions.reduce((sum, f) => sum + f, 0);
  const distinct = new Random(seed).shuffle([...new Set(studies)].sort());
  const partOf = new Map<string, number>();
  let start = 0;
  let cumulative = 0;
  fractions.forEach((fraction, part) => {
    cumulative += fraction;
    const end = part === fractions.length - 1 ? distinct.length : Math.round((cumulative / total) * distinct.length);
    for (let i = start; i < end; i++) partOf.set(distinct[i]!, part);
    start = end;
  });
  return Int32Array.from(studies, (study) => partOf.get(study)!);
}
