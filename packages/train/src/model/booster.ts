/**
 * A trained booster: trees, the output each tree adds to, base scores and class names.
 * `predictRaw` / `predictProba` are the pure-TypeScript reference predictor; they mirror how
 * ONNX Runtime's TreeEnsemble evaluates the exported model (float32 thresholds and float32
 * accumulation per output in tree order), so the two agree to float32 rounding.
 */
import type { FeatureMatrix } from '@msc/features';
import { MscError } from '@msc/core';
import type { Task } from '../params.js';
import { leafIndex, type Tree } from './tree.js';

export interface Booster {
  readonly task: Task;
  readonly nFeatures: number;
  /** Class names in output order (classification); empty for regression. */
  readonly classNames: readonly string[];
  /** Raw outputs per row: number of classes, or 1. */
  readonly nOutputs: number;
  /** float32 base score per output. */
  readonly baseScores: Float32Array;
  readonly trees: readonly Tree[];
  /** Output (class) index each tree adds to. */
  readonly treeOutput: Int32Array;
  /** Rounds kept (after early stopping). */
  readonly nRounds: number;
}

function checkWidth(booster: Booster, matrix: FeatureMatrix): void {
  if (matrix.nCols !== booster.nFeatures) {
    throw new MscError('E_MODEL', `model expects ${booster.nFeatures} features, input has ${matrix.nCols}`);
  }
}

/** Raw scores, row-major [nRows × nOutputs]. */
export function predictRaw(booster: Booster, matrix: FeatureMatrix): Float32Array {
  checkWidth(booster, matrix);
  const k = booster.nOutputs;
  const out = new Float32Array(matrix.nRows * k);
  const acc = new Float32Array(k);
  const { trees, treeOutput, baseScores } = booster;
  for (let r = 0; r < matrix.nRows; r++) {
    acc.fill(0);
    const offset = r * matrix.nCols;
    for (let t = 0; t < trees.length; t++) {
      const tree = trees[t]!;
      // Float32Array stores round each partial sum to float32, as ONNX Runtime's float scores do.
      acc[treeOutput[t]!]! += tree.value[leafIndex(tree, matrix.data, offset)]!;
    }
    for (let j = 0; j < k; j++) out[r * k + j] = acc[j]! + baseScores[j]!;
  }
  return out;
}

/** Class probabilities [nRows × nClasses] (softmax of raw scores, in float32 like ONNX Softmax). */
export function predictProba(booster: Booster, matrix: FeatureMatrix): Float32Array {
  if (booster.task !== 'classification') throw new MscError('E_MODEL', 'predictProba needs a classification model');
  const raw = predictRaw(booster, matrix);
  softmaxRowsInPlace(raw, booster.nOutputs);
  return raw;
}

function softmaxRowsInPlace(values: Float32Array, k: number): void {
  for (let o = 0; o < values.length; o += k) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, values[o + j]!);
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp(values[o + j]! - max);
      values[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < k; j++) values[o + j]! /= sum;
  }
}

/** Mean of the fold models' probabilities (classification) or predictions (regression). */
export function predictEnsemble(folds: readonly Booster[], matrix: FeatureMatrix): Float32Array {
  const first = folds[0];
  if (!first) throw new MscError('E_MODEL', 'an ensemble needs at least one model');
  const k = first.nOutputs;
  const sum = new Float64Array(matrix.nRows * k);
  for (const booster of folds) {
    const p = booster.task === 'classification' ? predictProba(booster, matrix) : predictRaw(booster, matrix);
    for (let i = 0; i < sum.length; i++) sum[i]! += p[i]!;
  }
  return Float32Array.from(sum, (v) => v / folds.length);
}

/** Index of the largest value in each row (first on ties, like ONNX ArgMax). */
export function argmaxRows(values: ArrayLike<number>, k: number): Int32Array {
  const n = values.length / k;
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (values[r * k + j]! > values[r * k + best]!) best = j;
    out[r] = best;
  }
  return out;
}
