/**
 * Outer cross-validation: one booster per fold, trained on the other folds and scored on its
 * own; the fold boosters together are the saved model (docs/behaviour.md §5).
 */
import { selectRows, type FeatureMatrix } from '@msc/features';
import { trainBooster, type RoundInfo } from '../boosting/gbdt.js';
import { classificationMetrics, regressionMetrics, rocAucOneVsRest, type ClassificationMetrics, type RegressionMetrics } from '../metrics/classification.js';
import { argmaxRows, predictProba, predictRaw, type Booster } from '../model/booster.js';
import type { BoosterParams, Task } from '../params.js';
import { foldRows, groupKFold, type FoldAssignment } from './folds.js';

export interface CrossValidateOptions {
  task: Task;
  classNames?: readonly string[];
  params?: Partial<BoosterParams>;
  /** Group (study) of each row: early stopping holds out whole groups of the training part. */
  groups?: readonly string[];
  onRound?: (fold: number, info: RoundInfo) => void;
  /** Per-fold parameter choice from the fold's training rows (nested search); merged over `params`. */
  tune?: (fold: number, trainRows: Uint32Array) => Partial<BoosterParams>;
  /** Rows that are validated and scored (1); others (augmented copies) only train. Default: every row. */
  scored?: Uint8Array;
  /** Sample weight per row for training (default 1); validation metrics count rows, not weights. */
  weights?: ArrayLike<number>;
}

export interface FoldResult {
  fold: number;
  booster: Booster;
  /** Parameters the fold trained with (after tuning). */
  params: Partial<BoosterParams>;
  validRows: Uint32Array;
  classification?: ClassificationMetrics;
  /** One-vs-rest AUC per class on the fold's validation rows (NaN when a class is absent). */
  aucOvr?: number[];
  regression?: RegressionMetrics;
}

export interface CrossValidationResult {
  folds: FoldResult[];
  /** Out-of-fold predictions: probabilities [n × k] or values [n]. */
  outOfFold: Float32Array;
  classification?: ClassificationMetrics;
  regression?: RegressionMetrics;
}

/** Share of training groups held out for early stopping inside a fold. */
const EARLY_STOP_FOLDS = 10;

export function crossValidate(
  matrix: FeatureMatrix,
  labels: ArrayLike<number>,
  folds: FoldAssignment,
  nFolds: number,
  options: CrossValidateOptions,
): CrossValidationResult {
  const k = options.task === 'classification' ? (options.classNames?.length ?? maxLabel(labels) + 1) : 1;
  const outOfFold = new Float32Array(matrix.nRows * k);
  const results: FoldResult[] = [];
  const seed = options.params?.seed ?? 42;
  for (let f = 0; f < nFolds; f++) {
    const rows = foldRows(folds, f);
    const train = rows.train;
    const valid = options.scored ? rows.valid.filter((r) => options.scored![r] === 1) : rows.valid;
    if (valid.length === 0 || train.length === 0) continue;
    const params = { ...options.params, ...options.tune?.(f, train) };
    let fitRows = train;
    let stopRows: Uint32Array | undefined;
    if ((params.early_stopping_rounds ?? 0) > 0 && options.groups) {
      const trainGroups = Array.from(train, (r) => options.groups![r]!);
      const inner = groupKFold(trainGroups, Math.min(EARLY_STOP_FOLDS, new Set(trainGroups).size), seed + f);
      fitRows = train.filter((_, i) => inner[i] !== 0);
      stopRows = train.filter((_, i) => inner[i] === 0);
    }
    const weights = options.weights;
    const pick = (rows: Uint32Array) => ({
      matrix: selectRows(matrix, rows),
      labels: Array.from(rows, (r) => labels[r]!),
      ...(weights ? { weights: Array.from(rows, (r) => weights[r]!) } : {}),
    });
    const { booster } = trainBooster(pick(fitRows), {
      task: options.task,
      ...(options.classNames ? { classNames: options.classNames } : {}),
      params: { ...params, seed: seed + f },
      ...(stopRows ? { validation: pick(stopRows) } : {}),
      ...(options.onRound ? { onRound: (info: RoundInfo) => options.onRound!(f, info) } : {}),
    });
    const validMatrix = selectRows(matrix, valid);
    const validLabels = Array.from(valid, (r) => labels[r]!);
    const result: FoldResult = { fold: f, booster, params: { ...params, seed: seed + f }, validRows: valid };
    if (options.task === 'classification') {
      // the booster's own class count (class names) is k; labels index it
      const probs = predictProba(booster, validMatrix);
      valid.forEach((r, i) => outOfFold.set(probs.subarray(i * k, (i + 1) * k), r * k));
      result.classification = classificationMetrics(validLabels, argmaxRows(probs, k), k);
      result.aucOvr = Array.from({ length: k }, (_, c) => rocAucOneVsRest(validLabels, probs, k, c));
    } else {
      const pred = predictRaw(booster, validMatrix);
      valid.forEach((r, i) => (outOfFold[r] = pred[i]!));
      result.regression = regressionMetrics(validLabels, pred);
    }
    results.push(result);
  }
  const scored = Array.from({ length: matrix.nRows }, (_, r) => r).filter((r) => !options.scored || options.scored[r] === 1);
  const all = scored.map((r) => labels[r]!);
  if (options.task === 'classification') {
    const predicted = argmaxRows(outOfFold, k);
    return {
      folds: results,
      outOfFold,
      classification: classificationMetrics(
        all,
        scored.map((r) => predicted[r]!),
        k,
      ),
    };
  }
  return {
    folds: results,
    outOfFold,
    regression: regressionMetrics(
      all,
      Float32Array.from(scored, (r) => outOfFold[r]!),
    ),
  };
}

function maxLabel(labels: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < labels.length; i++) max = Math.max(max, labels[i]!);
  return max;
}
