import { createFeatureMatrix, selectRows } from '@msc/features';
import { describe, expect, it } from 'vitest';
import { argmaxRows, predictProba, predictRaw } from '../model/booster.js';
import { Random } from '@msc/core';
import { blobProblem, errorRate, missingnessProblem, xorProblem } from '../test-support/data.js';
import { trainBooster } from './gbdt.js';

describe('trainBooster', () => {
  it('trains a row of weight 2 as two copies of it, and ignores rows of weight 0', () => {
    // whole numbers 0…9 (duplicating rows moves no bin boundary) and noisy labels (no two splits tie in gain)
    const rnd = new Random(11);
    const base = { matrix: createFeatureMatrix(300, 3), labels: new Float64Array(300) };
    for (let r = 0; r < 300; r++) {
      for (let c = 0; c < 3; c++) base.matrix.data[r * 3 + c] = Math.floor(rnd.next() * 10);
      const score = base.matrix.data[r * 3]! + 0.5 * base.matrix.data[r * 3 + 1]! + rnd.next() * 6;
      base.labels[r] = score < 6 ? 0 : score < 10 ? 1 : 2;
    }
    const doubled = Array.from({ length: base.matrix.nRows }, (_, r) => r % 4 === 0);
    const copies = [
      ...Array.from({ length: base.matrix.nRows }, (_, r) => r),
      ...Array.from({ length: base.matrix.nRows }, (_, r) => r).filter((r) => doubled[r]),
    ];
    const params = { n_estimators: 15, max_depth: 3, n_threads: 1 };
    const options = { task: 'classification' as const, classNames: ['a', 'b', 'c'], params };
    const duplicated = trainBooster({ matrix: selectRows(base.matrix, copies), labels: copies.map((r) => base.labels[r]!) }, options).booster;
    const weighted = trainBooster({ ...base, weights: doubled.map((d) => (d ? 2 : 1)) }, options).booster;
    const unweighted = trainBooster(base, options).booster;
    expect(weighted.trees.map((t) => Array.from(t.threshold))).toEqual(duplicated.trees.map((t) => Array.from(t.threshold)));
    const a = predictProba(weighted, base.matrix);
    const b = predictProba(duplicated, base.matrix);
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
    // the weights change the model (else the comparison above proves nothing)
    expect(Array.from(predictProba(unweighted, base.matrix))).not.toEqual(Array.from(a));
    // weight 0: the row trains nothing
    const kept = Array.from({ length: base.matrix.nRows }, (_, r) => r).filter((r) => r % 5 !== 0);
    const dropped = trainBooster({ matrix: selectRows(base.matrix, kept), labels: kept.map((r) => base.labels[r]!) }, options).booster;
    const zero = trainBooster({ ...base, weights: Array.from({ length: base.matrix.nRows }, (_, r) => (r % 5 === 0 ? 0 : 1)) }, options).booster;
    const c = predictProba(zero, base.matrix);
    const d = predictProba(dropped, base.matrix);
    for (let i = 0; i < c.length; i++) expect(c[i]).toBeCloseTo(d[i]!, 5);
  });

  it('learns an XOR interaction that no single split separates', () => {
    const train = xorProblem(2000, 1);
    const test = xorProblem(1000, 2);
    const { booster } = trainBooster(train, { task: 'classification', params: { n_estimators: 60, max_depth: 3, learning_rate: 0.3 } });
    const pred = argmaxRows(predictProba(booster, test.matrix), 2);
    expect(errorRate(pred, test.labels)).toBeLessThan(0.03);
  });

  it('separates multiclass blobs with missing cells to near-zero error', () => {
    const train = blobProblem(1500, 5, 4, 3, 0.1);
    const test = blobProblem(500, 5, 4, 4, 0.1);
    const { booster } = trainBooster(train, { task: 'classification', classNames: ['a', 'b', 'c', 'd', 'e'], params: { n_estimators: 40 } });
    expect(booster.trees).toHaveLength(40 * 5);
    const pred = argmaxRows(predictProba(booster, test.matrix), 5);
    expect(errorRate(pred, test.labels)).toBeLessThan(0.01);
  });

  it('learns to route missing values by the learned default direction', () => {
    const train = missingnessProblem(1000, 5);
    const test = missingnessProblem(500, 6);
    const { booster } = trainBooster(train, { task: 'classification', params: { n_estimators: 10 } });
    const pred = argmaxRows(predictProba(booster, test.matrix), 2);
    expect(errorRate(pred, test.labels)).toBe(0);
  });

  it('fits a known regression function', () => {
    const rnd = new Random(7);
    const make = (n: number) => {
      const m = createFeatureMatrix(n, 2);
      const y = new Float64Array(n);
      for (let r = 0; r < n; r++) {
        const a = rnd.next() * 4 - 2;
        const b = rnd.next() * 4 - 2;
        m.data[2 * r] = a;
        m.data[2 * r + 1] = b;
        y[r] = Math.sin(2 * a) + b * b;
      }
      return { matrix: m, labels: y };
    };
    const train = make(3000);
    const test = make(500);
    const { booster } = trainBooster(train, { task: 'regression', params: { n_estimators: 300, max_depth: 4, learning_rate: 0.1 } });
    const pred = predictRaw(booster, test.matrix);
    let se = 0;
    let variance = 0;
    const mean = test.labels.reduce((s, v) => s + v, 0) / test.labels.length;
    for (let i = 0; i < test.labels.length; i++) {
      se += (pred[i]! - test.labels[i]!) ** 2;
      variance += (test.labels[i]! - mean) ** 2;
    }
    expect(1 - se / variance).toBeGreaterThan(0.98);
  });

  it('is deterministic for a seed, and the seed matters with subsampling', () => {
    const train = blobProblem(600, 3, 6, 8, 0.05);
    const params = { n_estimators: 15, subsample: 0.7, colsample_bytree: 0.5 };
    const a = trainBooster(train, { task: 'classification', params: { ...params, seed: 1 } }).booster;
    const b = trainBooster(train, { task: 'classification', params: { ...params, seed: 1 } }).booster;
    const c = trainBooster(train, { task: 'classification', params: { ...params, seed: 2 } }).booster;
    expect(predictRaw(a, train.matrix)).toEqual(predictRaw(b, train.matrix));
    expect(a.trees.map((t) => Array.from(t.threshold))).toEqual(b.trees.map((t) => Array.from(t.threshold)));
    expect(a.trees.map((t) => Array.from(t.threshold))).not.toEqual(c.trees.map((t) => Array.from(t.threshold)));
  });

  it('grows bit-identical trees with 1 and 2 threads (large leaves split across a worker)', () => {
    const train = blobProblem(12000, 3, 8, 11, 0.1);
    const params = { n_estimators: 4, max_depth: 4, subsample: 0.9 };
    const one = trainBooster(train, { task: 'classification', params: { ...params, n_threads: 1 } }).booster;
    const two = trainBooster(train, { task: 'classification', params: { ...params, n_threads: 2 } }).booster;
    expect(two.trees.map((t) => [Array.from(t.threshold), Array.from(t.value), Array.from(t.gain)])).toEqual(
      one.trees.map((t) => [Array.from(t.threshold), Array.from(t.value), Array.from(t.gain)]),
    );
  });

  it('stops early when the validation loss stops improving and keeps the best rounds', () => {
    // labels are pure noise: validation loss gets worse almost at once
    const rnd = new Random(9);
    const noisy = (n: number) => {
      const m = createFeatureMatrix(n, 5);
      for (let i = 0; i < m.data.length; i++) m.data[i] = rnd.next();
      return { matrix: m, labels: Float64Array.from({ length: n }, () => rnd.int(2)) };
    };
    const rounds: number[] = [];
    const result = trainBooster(noisy(500), {
      task: 'classification',
      validation: noisy(300),
      params: { n_estimators: 500, early_stopping_rounds: 5, learning_rate: 0.3 },
      onRound: (info) => rounds.push(info.round),
    });
    expect(rounds.length).toBeLessThan(100);
    expect(rounds.length).toBe(result.bestRound + 1 + 5);
    expect(result.booster.nRounds).toBe(result.bestRound + 1);
    expect(result.booster.trees).toHaveLength(2 * (result.bestRound + 1));
    const best = Math.min(...result.validLoss);
    expect(result.validLoss[result.bestRound]).toBe(best);
  });

  it('respects max_leaves, min_samples_leaf and gamma', () => {
    const train = blobProblem(400, 2, 3, 10);
    const small = trainBooster(train, { task: 'classification', params: { n_estimators: 3, max_depth: 0, max_leaves: 4 } }).booster;
    for (const t of small.trees) expect(Array.from(t.feature).filter((f) => f < 0).length).toBeLessThanOrEqual(4);
    const minLeaf = trainBooster(train, { task: 'regression', params: { n_estimators: 3, min_samples_leaf: 150 } }).booster;
    for (const t of minLeaf.trees) expect(t.feature.length).toBeLessThanOrEqual(3);
    const stump = trainBooster(train, { task: 'regression', params: { n_estimators: 2, gamma: 1e9 } }).booster;
    for (const t of stump.trees) expect(t.feature.length).toBe(1);
  });

  it('rejects one class only, label/row mismatch and bad parameters', () => {
    const m = createFeatureMatrix(3, 1, Float32Array.of(1, 2, 3));
    expect(() => trainBooster({ matrix: m, labels: [0, 0, 0] }, { task: 'classification' })).toThrow(/only one class/);
    expect(() => trainBooster({ matrix: m, labels: [0, 1] }, { task: 'classification' })).toThrow(/2 labels for 3 rows/);
    expect(() => trainBooster({ matrix: m, labels: [0, 1, 0] }, { task: 'classification', params: { subsample: 2 } })).toThrow(/subsample/);
  });
});
