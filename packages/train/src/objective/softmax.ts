/** Multiclass softmax cross-entropy; hessian 2p(1−p) as XGBoost's multi:softprob. */
import { softmaxInto, type Objective } from './objective.js';

const HESS_FLOOR = 1e-16;

export class SoftmaxObjective implements Objective {
  readonly name = 'multi:softprob';

  constructor(readonly nOutputs: number) {}

  /** Log class priors, centred: the model starts at the training class frequencies. */
  baseScores(labels: Float64Array, weights?: Float64Array): Float64Array {
    const k = this.nOutputs;
    const counts = new Float64Array(k);
    let total = 0;
    for (let i = 0; i < labels.length; i++) {
      const w = weights ? weights[i]! : 1;
      counts[labels[i]!]! += w;
      total += w;
    }
    const base = new Float64Array(k);
    let mean = 0;
    for (let j = 0; j < k; j++) {
      // a class absent from these rows gets a floor, not -Infinity
      base[j] = Math.log(Math.max(counts[j]!, 0.5) / total);
      mean += base[j]! / k;
    }
    for (let j = 0; j < k; j++) base[j] = Math.fround(base[j]! - mean);
    return base;
  }

  gradients(scores: Float64Array, labels: Float64Array, grad: Float64Array, hess: Float64Array): void {
    const k = this.nOutputs;
    const n = labels.length;
    const p = new Float64Array(k);
    for (let r = 0; r < n; r++) {
      softmaxInto(scores, r * k, k, p);
      const y = labels[r]!;
      for (let j = 0; j < k; j++) {
        const pj = p[j]!;
        grad[j * n + r] = j === y ? pj - 1 : pj;
        hess[j * n + r] = Math.max(2 * pj * (1 - pj), HESS_FLOOR);
      }
    }
  }

  /** Mean multiclass log loss. */
  loss(scores: Float64Array, labels: Float64Array): number {
    const k = this.nOutputs;
    const p = new Float64Array(k);
    let total = 0;
    for (let r = 0; r < labels.length; r++) {
      softmaxInto(scores, r * k, k, p);
      total -= Math.log(Math.max(p[labels[r]!]!, 1e-15));
    }
    return total / labels.length;
  }
}
