/**
 * Inner randomized hyperparameter search (docs/behaviour.md §5): `nIter` draws from a space, each
 * scored by macro-F1 (classification) or −RMSE (regression) over inner folds grouped by study;
 * the best draw's parameters are returned. Draws use their own seeded PRNG.
 */
import type { FeatureMatrix } from '@msc/features';
import { MscError, Random } from '@msc/core';
import type { BoosterParams, Task } from '../params.js';
import { crossValidate } from './cross-validate.js';
import { groupKFold } from './folds.js';

export type ParamDistribution =
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'log-uniform'; min: number; max: number }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'choice'; values: readonly number[] };

export type SearchSpace = Partial<Record<keyof BoosterParams, ParamDistribution>>;

/** The original's XGBoost space. */
export const DEFAULT_SEARCH_SPACE: SearchSpace = {
  learning_rate: { kind: 'log-uniform', min: 1e-4, max: 0.3 },
  max_depth: { kind: 'int', min: 3, max: 9 },
  min_child_weight: { kind: 'int', min: 1, max: 4 },
  gamma: { kind: 'log-uniform', min: 1e-4, max: 0.1 },
  subsample: { kind: 'choice', values: [0.5] },
};

export function drawParams(space: SearchSpace, rnd: Random): Partial<BoosterParams> {
  const out: Partial<Record<keyof BoosterParams, number>> = {};
  // fixed key order, so a seed gives the same draws whatever order the space was written in
  for (const key of Object.keys(space).sort() as (keyof BoosterParams)[]) {
    const d = space[key]!;
    switch (d.kind) {
      case 'uniform':
        out[key] = d.min + rnd.next() * (d.max - d.min);
        break;
      case 'log-uniform':
        out[key] = Math.exp(Math.log(d.min) + rnd.next() * (Math.log(d.max) - Math.log(d.min)));
        break;
      case 'int':
        out[key] = d.min + rnd.int(d.max - d.min + 1);
        break;
      case 'choice':
        out[key] = d.values[rnd.int(d.values.length)]!;
        break;
    }
  }
  return out;
}

export interface SearchTrial {
  params: Partial<BoosterParams>;
  score: number;
}

export interface RandomSearchOptions {
  task: Task;
  classNames?: readonly string[];
  /** Parameters every draw starts from (n_estimators, seed, ...). */
  base?: Partial<BoosterParams>;
  space?: SearchSpace;
  nIter: number;
  innerFolds?: number;
  seed?: number;
}

export function randomSearch(
  matrix: FeatureMatrix,
  labels: ArrayLike<number>,
  groups: readonly string[],
  options: RandomSearchOptions,
): { best: Partial<BoosterParams>; trials: SearchTrial[] } {
  if (options.nIter < 1) throw new MscError('E_USAGE', '--n-iter must be at least 1');
  const seed = options.seed ?? 42;
  const rnd = new Random(seed ^ 0x5eed);
  const innerFolds = options.innerFolds ?? 5;
  const folds = groupKFold(groups, innerFolds, seed + 1);
  const trials: SearchTrial[] = [];
  for (let i = 0; i < options.nIter; i++) {
    const params = { ...options.base, ...drawParams(options.space ?? DEFAULT_SEARCH_SPACE, rnd) };
    const cv = crossValidate(matrix, labels, folds, innerFolds, {
      task: options.task,
      ...(options.classNames ? { classNames: options.classNames } : {}),
      params,
    });
    const score = options.task === 'classification' ? cv.classification!.macroF1 : -cv.regression!.rmse;
    trials.push({ params, score });
  }
  // first best wins ties: deterministic
  const best = trials.reduce((a, b) => (b.score > a.score ? b : a));
  return { best: best.params, trials };
}
