/**
 * Outer cross-validation folds over groups (studies): a group never has rows in both the
 * training and the validation part of a fold (docs/behaviour.md §5).
 */
import { MscError, Random } from '@msc/core';

/** Fold index (0..k-1) of every row. */
export type FoldAssignment = Int32Array;

/**
 * Grouped k-fold: groups are shuffled with the seed, then, largest first, each goes to the fold
 * with the fewest rows so far (sklearn GroupKFold's balancing, made seed-dependent).
 */
export function groupKFold(groups: readonly string[], k: number, seed: number): FoldAssignment {
  if (!Number.isInteger(k) || k < 2) throw new MscError('E_USAGE', `cross-validation needs at least 2 folds, got ${k}`);
  const sizes = new Map<string, number>();
  for (const g of groups) sizes.set(g, (sizes.get(g) ?? 0) + 1);
  if (sizes.size < k) {
    throw new MscError('E_BAD_DATA', `${sizes.size} studies cannot fill ${k} folds`, { hint: 'use fewer folds or more studies' });
  }
  const order = new Random(seed).shuffle([...sizes.keys()].sort());
  // stable sort keeps the shuffled order among groups of equal size
  order.sort((a, b) => sizes.get(b)! - sizes.get(a)!);
  const load = new Float64Array(k);
  const foldOf = new Map<string, number>();
  for (const g of order) {
    let best = 0;
    for (let f = 1; f < k; f++) if (load[f]! < load[best]!) best = f;
    foldOf.set(g, best);
    load[best]! += sizes.get(g)!;
  }
  return Int32Array.from(groups, (g) => foldOf.get(g)!);
}

export interface LeaveOneGroupOut {
  folds: FoldAssignment;
  /** Group name of each fold, in fold order (sorted). */
  groupNames: string[];
}

/**
 * Leave-one-group-out from a study → group mapping (e.g. centre): one fold per group.
 * Every study must be mapped; at least two groups are needed.
 */
export function leaveOneGroupOut(studies: readonly string[], groupOfStudy: Readonly<Record<string, string>>): LeaveOneGroupOut {
  const missing = [...new Set(studies.filter((s) => !Object.hasOwn(groupOfStudy, s)))];
  if (missing.length > 0) {
    throw new MscError('E_BAD_DATA', `${missing.length} studies have no group in the group file (first: ${missing[0]})`, {
      hint: 'the JSON must map every study_uid of the table to a group',
    });
  }
  const groupNames = [...new Set(studies.map((s) => groupOfStudy[s]!))].sort();
  if (groupNames.length < 2) throw new MscError('E_BAD_DATA', 'leave-one-group-out needs at least two groups');
  const index = new Map(groupNames.map((g, i) => [g, i]));
  return { folds: Int32Array.from(studies, (s) => index.get(groupOfStudy[s]!)!), groupNames };
}

/** Row indexes of the training and validation parts of fold `f`. */
export function foldRows(folds: FoldAssignment, f: number): { train: Uint32Array; valid: Uint32Array } {
  const train: number[] = [];
  const valid: number[] = [];
  for (let r = 0; r < folds.length; r++) (folds[r] === f ? valid : train).push(r);
  return { train: Uint32Array.from(train), valid: Uint32Array.from(valid) };
}
