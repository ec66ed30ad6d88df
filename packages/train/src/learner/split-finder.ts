/**
 * Best split of one leaf from its histogram: for every allowed feature, every threshold between
 * value bins, with the missing bin sent left and right (XGBoost's sparsity-aware split). The scan
 * itself is kernels.ts's scanSplitsKernel (run by HistogramWorkspace, shared with the worker thread);
 * this turns its result into a SplitInfo.
 */
import type { BinnedDataset } from '../dataset/binned-dataset.js';
import type { LeafTotals } from './histogram.js';
import { SCAN } from './kernels.js';

export interface SplitConstraints {
  reg_lambda: number;
  gamma: number;
  min_child_weight: number;
  min_samples_leaf: number;
}

export interface SplitInfo {
  feature: number;
  /** Rows with bin <= bin go left. */
  bin: number;
  /** float32 threshold: x <= threshold goes left. */
  threshold: number;
  /** Missing values go left. */
  defaultLeft: boolean;
  /** Loss reduction, gamma already subtracted; > 0 for a usable split. */
  gain: number;
  left: LeafTotals;
  right: LeafTotals;
}

/** sL + sR a split must beat: gain 0.5 (sL + sR − parent) − gamma > 0. */
export function startingBar(totals: LeafTotals, c: SplitConstraints): number {
  return score(totals.grad, totals.hess, c.reg_lambda) + 2 * c.gamma;
}

/** The SplitInfo a scan result describes, or undefined when the scan found none. */
export function splitFromScan(out: Float64Array, ds: BinnedDataset, features: Uint32Array, totals: LeafTotals, c: SplitConstraints): SplitInfo | undefined {
  if (out[SCAN.found] !== 1) return undefined;
  const feature = features[out[SCAN.position]!]!;
  const bin = out[SCAN.bin]!;
  const lg = out[SCAN.grad]!;
  const lh = out[SCAN.hess]!;
  const lc = out[SCAN.count]!;
  return {
    feature,
    bin,
    threshold: ds.mappers[feature]!.upper[bin]!,
    defaultLeft: out[SCAN.defaultLeft] === 1,
    gain: 0.5 * (out[SCAN.raw]! - score(totals.grad, totals.hess, c.reg_lambda)) - c.gamma,
    left: { grad: lg, hess: lh, count: lc },
    right: { grad: totals.grad - lg, hess: totals.hess - lh, count: totals.count - lc },
  };
}

function score(g: number, h: number, lambda: number): number {
  return (g * g) / (h + lambda);
}
