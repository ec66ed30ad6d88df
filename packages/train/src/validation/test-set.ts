/**
 * Scores fold models on a held-out test set the way the original reports it (docs/behaviour.md §6):
 * every fold alone (`test`), the folds' majority vote (`test_consensus`, ties to the lowest
 * class index) and the mean of their probabilities (`test_ensemble`, what the ONNX file outputs).
 */
import type { FeatureMatrix } from '@msc/features';
import { classificationMetrics, regressionMetrics, rocAucOneVsRest, type ClassificationMetrics, type RegressionMetrics } from '../metrics/classification.js';
import { argmaxRows, predictEnsemble, predictProba, predictRaw, type Booster } from '../model/booster.js';

export interface TestSetReport {
  perFold: (ClassificationMetrics | RegressionMetrics)[];
  consensus?: ClassificationMetrics;
  ensemble: ClassificationMetrics | RegressionMetrics;
  /** One-vs-rest AUC per class of the ensemble probabilities. */
  ensembleAucOvr?: number[];
  /** The ensemble's output per row: probabilities [n × k] (classification) or values [n]. */
  ensembleOutput: Float32Array;
}

export function evaluateTestSet(folds: readonly Booster[], matrix: FeatureMatrix, labels: ArrayLike<number>): TestSetReport {
  const first = folds[0]!;
  if (first.task === 'regression') {
    const values = predictEnsemble(folds, matrix);
    return {
      perFold: folds.map((b) => regressionMetrics(labels, predictRaw(b, matrix))),
      ensemble: regressionMetrics(labels, values),
      ensembleOutput: values,
    };
  }
  const k = first.nOutputs;
  const votes = new Int32Array(matrix.nRows * k);
  const perFold = folds.map((b) => {
    const pred = argmaxRows(predictProba(b, matrix), k);
    pred.forEach((c, r) => votes[r * k + c]!++);
    return classificationMetrics(labels, pred, k);
  });
  const probs = predictEnsemble(folds, matrix);
  return {
    perFold,
    consensus: classificationMetrics(labels, argmaxRows(votes, k), k),
    ensemble: classificationMetrics(labels, argmaxRows(probs, k), k),
    ensembleAucOvr: Array.from({ length: k }, (_, c) => rocAucOneVsRest(labels, probs, k, c)),
    ensembleOutput: probs,
  };
}
