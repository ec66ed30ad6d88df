/** Squared error regression (XGBoost reg:squarederror). */
import type { Objective } from './objective.js';

export class L2Objective implements Objective {
  readonly name = 'reg:squarederror';
  readonly nOutputs = 1;

  baseScores(labels: Float64Array, weights?: Float64Array): Float64Array {
    let sum = 0;
    let total = 0;
    for (let i = 0; i < labels.length; i++) {
      const w = weights ? weights[i]! : 1;
      sum += w * labels[i]!;
      total += w;
    }
    return Float64Array.of(Math.fround(total > 0 ? sum / total : 0));
  }

  gradients(scores: Float64Array, labels: Float64Array, grad: Float64Array, hess: Float64Array): void {
    for (let r = 0; r < labels.length; r++) {
      grad[r] = scores[r]! - labels[r]!;
      hess[r] = 1;
    }
  }

  /** Root mean squared error. */
  loss(scores: Float64Array, labels: Float64Array): number {
    let total = 0;
    for (let r = 0; r < labels.length; r++) total += (scores[r]! - labels[r]!) ** 2;
    return Math.sqrt(total / Math.max(labels.length, 1));
  }
}
