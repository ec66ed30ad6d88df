/**
 * Tag dropout: training rows augmented with copies in which informative columns are blank, so
 * that a model learns every class from more than one tag (an export that leaves TemporalResolution
 * or ImageType empty must not erase DCE or ADC). Copies keep their source's study_uid, so grouped
 * cross-validation puts them in their source's fold and they never leak across folds; trainModel
 * trains on them and scores only original rows.
 */
import { isMissing, MscError, Random, type Row } from '@msc/core';

/**
 * `each`: every informative column of a copy blank with `probability` (at least one);
 * `one`: exactly one informative column blank per copy, chosen uniformly.
 */
export type TagDropout = { mode: 'each'; probability: number; copies?: number } | { mode: 'one'; copies?: number };

export interface AugmentedRows {
  rows: Row[];
  /** Per row of `rows`: the index of its source row, or -1 for an original. */
  sourceOf: Int32Array;
}

export function checkTagDropout(dropout: TagDropout): void {
  if (dropout.mode === 'each' && !(dropout.probability > 0 && dropout.probability < 1))
    throw new MscError('E_USAGE', `tag dropout probability must be in (0, 1), not ${dropout.probability}`, { hint: '--tag-dropout 0.2 or --tag-dropout one' });
  const copies = dropout.copies ?? 1;
  if (!Number.isInteger(copies) || copies < 1) throw new MscError('E_USAGE', `tag dropout copies must be a whole number ≥ 1, not ${copies}`);
}

/**
 * Originals followed by `copies` copies of each row with informative `columns` blanked (null).
 * A row with no informative value gets no copy. Deterministic given the seed.
 */
export function tagDropoutRows(rows: readonly Row[], columns: readonly string[], dropout: TagDropout, seed: number): AugmentedRows {
  checkTagDropout(dropout);
  const rnd = new Random(seed ^ 0x7a9d);
  const out: Row[] = [...rows];
  const sourceOf: number[] = rows.map(() => -1);
  rows.forEach((row, index) => {
    const informative = columns.filter((column) => !isMissing(row[column]));
    if (informative.length === 0) return;
    for (let copy = 0; copy < (dropout.copies ?? 1); copy++) {
      let blank: string[];
      if (dropout.mode === 'one') blank = [informative[rnd.int(informative.length)]!];
      else {
        blank = informative.filter(() => rnd.next() < dropout.probability);
        if (blank.length === 0) blank = [informative[rnd.int(informative.length)]!];
      }
      const copied: Row = { ...row };
      for (const column of blank) copied[column] = null;
      out.push(copied);
      sourceOf.push(index);
    }
  });
  return { rows: out, sourceOf: Int32Array.from(sourceOf) };
}
