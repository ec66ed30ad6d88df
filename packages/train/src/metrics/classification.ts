/** Classification and regression metrics, computed from class indexes / values. */

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Rows of this class. */
  support: number;
}

export interface ClassificationMetrics {
  accuracy: number;
  macroF1: number;
  perClass: ClassMetrics[];
  /** confusion[true][pred] row counts. */
  confusion: number[][];
}

export function confusionMatrix(truth: ArrayLike<number>, pred: ArrayLike<number>, k: number): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < truth.length; i++) m[truth[i]!]![pred[i]!]!++;
  return m;
}

/**
 * Accuracy, per-class precision/recall/F1 and macro-F1. A class never predicted has precision
 * 0 (sklearn's zero_division=0); a class absent from `truth` still counts in the macro mean.
 */
export function classificationMetrics(truth: ArrayLike<number>, pred: ArrayLike<number>, k: number): ClassificationMetrics {
  const confusion = confusionMatrix(truth, pred, k);
  let correct = 0;
  const perClass: ClassMetrics[] = [];
  for (let c = 0; c < k; c++) {
    const tp = confusion[c]![c]!;
    correct += tp;
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < k; j++) {
      predicted += confusion[j]![c]!;
      actual += confusion[c]![j]!;
    }
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = actual === 0 ? 0 : tp / actual;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass.push({ precision, recall, f1, support: actual });
  }
  return {
    accuracy: truth.length === 0 ? 0 : correct / truth.length,
    macroF1: perClass.reduce((s, m) => s + m.f1, 0) / k,
    perClass,
    confusion,
  };
}

export interface RegressionMetrics {
  rmse: number;
  r2: number;
}

export function regressionMetrics(truth: ArrayLike<number>, pred: ArrayLike<number>): RegressionMetrics {
  const n = truth.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i]! / n;
  let se = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    se += (truth[i]! - pred[i]!) ** 2;
    total += (truth[i]! - mean) ** 2;
  }
  return { rmse: Math.sqrt(se / Math.max(n, 1)), r2: total === 0 ? 0 : 1 - se / total };
}

/**
 * One-vs-rest ROC AUC of class c from scores (Mann–Whitney with tie correction);
 * NaN when the class or its complement is absent.
 */
export function rocAucOneVsRest(truth: ArrayLike<number>, scores: ArrayLike<number>, k: number, c: number): number {
  const n = truth.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a * k + c]! - scores[b * k + c]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]! * k + c] === scores[order[i]! * k + c]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) {
      if (truth[order[t]!] === c) {
        pos++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
