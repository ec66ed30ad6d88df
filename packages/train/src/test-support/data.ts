/** Synthetic learning problems for the booster tests (seeded, so every run sees the same data). */
import { createFeatureMatrix, type FeatureMatrix } from '@msc/features';
import { Random } from '@msc/core';

export interface Problem {
  matrix: FeatureMatrix;
  labels: Float64Array;
}

/** XOR of the signs of two features, plus `noise` irrelevant features; `missingRate` NaNs. */
export function xorProblem(n: number, seed: number, noise = 3, missingRate = 0): Problem {
  const rnd = new Random(seed);
  const cols = 2 + noise;
  const m = createFeatureMatrix(n, cols);
  const labels = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const a = rnd.next() * 2 - 1;
    const b = rnd.next() * 2 - 1;
    labels[r] = a > 0 !== b > 0 ? 1 : 0;
    m.data[r * cols] = a;
    m.data[r * cols + 1] = b;
    for (let c = 2; c < cols; c++) m.data[r * cols + c] = rnd.next() < missingRate ? Number.NaN : rnd.next();
  }
  return { matrix: m, labels };
}

/**
 * `k` Gaussian-ish blobs in `dims` dimensions, some cells missing. The centres depend on `k` and
 * `dims` only, so train and test sets drawn with different seeds share them.
 */
export function blobProblem(n: number, k: number, dims: number, seed: number, missingRate = 0): Problem {
  const centreRnd = new Random(1000 * k + dims);
  const centres = Array.from({ length: k }, () => Array.from({ length: dims }, () => centreRnd.next() * 20 - 10));
  const rnd = new Random(seed);
  const m = createFeatureMatrix(n, dims);
  const labels = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const y = r % k;
    labels[r] = y;
    for (let d = 0; d < dims; d++) {
      const v = centres[y]![d]! + (rnd.next() + rnd.next() + rnd.next() - 1.5);
      m.data[r * dims + d] = rnd.next() < missingRate ? Number.NaN : v;
    }
  }
  return { matrix: m, labels };
}

/** Class depends on whether feature 0 is missing (tests the learned missing direction). */
export function missingnessProblem(n: number, seed: number): Problem {
  const rnd = new Random(seed);
  const m = createFeatureMatrix(n, 2);
  const labels = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const missing = rnd.next() < 0.4;
    labels[r] = missing ? 1 : 0;
    m.data[r * 2] = missing ? Number.NaN : rnd.next() * 10;
    m.data[r * 2 + 1] = rnd.next();
  }
  return { matrix: m, labels };
}

export function errorRate(pred: ArrayLike<number>, labels: ArrayLike<number>): number {
  let wrong = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] !== labels[i]) wrong++;
  return wrong / labels.length;
}
