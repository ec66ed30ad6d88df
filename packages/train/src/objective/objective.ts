/**
 * An objective turns current raw scores into per-row gradients and hessians (LightGBM's
 * ObjectiveFunction): it knows nothing about trees.
 *
 * Scores are row-major (score[r * nOutputs + k]); gradients are output-major
 * (grad[k * nRows + r]) so each tree reads one contiguous slice.
 */
export interface Objective {
  readonly name: string;
  /** Raw outputs per row: number of classes, or 1 for regression. */
  readonly nOutputs: number;
  /** Starting raw score per output (LightGBM BoostFromScore); rows count by their weight when given. */
  baseScores(labels: Float64Array, weights?: Float64Array): Float64Array;
  gradients(scores: Float64Array, labels: Float64Array, grad: Float64Array, hess: Float64Array): void;
  /** Validation loss for early stopping; lower is better. */
  loss(scores: Float64Array, labels: Float64Array): number;
}

/** Numerically stable softmax of scores[offset .. offset+k) into out[0..k). */
export function softmaxInto(scores: ArrayLike<number>, offset: number, k: number, out: Float64Array): void {
  let max = -Infinity;
  for (let j = 0; j < k; j++) max = Math.max(max, scores[offset + j]!);
  let sum = 0;
  for (let j = 0; j < k; j++) {
    const e = Math.exp(scores[offset + j]! - max);
    out[j] = e;
    sum += e;
  }
  for (let j = 0; j < k; j++) out[j]! /= sum;
}
