/**
 * Fold scheduling: with two threads whole folds train on the fold thread (fold-thread.ts, the
 * built fold-worker.js) while this thread trains others, and an odd last fold uses both threads;
 * the boosters must be those of one thread, bit for bit, and every fold's rounds reported.
 */
import { MscError } from '@msc/core';
import { describe, expect, it } from 'vitest';
import { blobProblem } from '../test-support/data.js';
import type { RoundInfo } from '../boosting/gbdt.js';
import { crossValidate } from './cross-validate.js';

describe('crossValidate fold scheduling', () => {
  it('trains the same boosters on one thread and on two (folds on the fold thread, the last on both)', () => {
    const { matrix, labels } = blobProblem(1000, 3, 6, 7, 0.05);
    const folds = Int32Array.from({ length: matrix.nRows }, (_, r) => r % 5);
    const run = (n_threads: number) => {
      const rounds: string[] = [];
      const cv = crossValidate(matrix, labels, folds, 5, {
        task: 'classification',
        params: { n_estimators: 6, max_depth: 4, n_threads },
        onRound: (fold: number, info: RoundInfo) => rounds.push(`${fold}:${info.round}`),
      });
      return { cv, rounds };
    };
    const one = run(1);
    const two = run(2);
    expect(two.cv.folds.map((f) => f.fold)).toEqual([0, 1, 2, 3, 4]);
    expect(two.cv.folds.map((f) => f.booster)).toEqual(one.cv.folds.map((f) => f.booster));
    expect(two.cv.folds.map((f) => f.params.seed)).toEqual([42, 43, 44, 45, 46]);
    expect(two.cv.outOfFold).toEqual(one.cv.outOfFold);
    expect(two.rounds.sort()).toEqual(one.rounds.sort());
    expect(two.rounds).toHaveLength(5 * 6);
  });

  it('reports an error of a fold trained on the fold thread as the same MscError', () => {
    const { matrix, labels } = blobProblem(200, 2, 3, 1);
    // fold 0 trains on the fold thread; its training rows (fold 1) hold class 1 only
    const folds = Int32Array.from({ length: matrix.nRows }, (_, r) => (labels[r] === 0 ? 0 : Math.floor(r / 2) % 2));
    const train = () => crossValidate(matrix, labels, folds, 2, { task: 'classification', params: { n_estimators: 2, n_threads: 2 } });
    expect(train).toThrow(MscError);
    expect(train).toThrow(/only one class/);
  });
});
