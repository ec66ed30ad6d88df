/**
 * Gradient/hessian/count histograms over every feature's bins, interleaved in one Float64Array
 * (slot s at 3s: gradient sum, 3s+1: hessian sum, 3s+2: row count) so one row touches one cache
 * line per cell. They are built by HistogramWorkspace with the kernels of kernels.ts.
 */
import type { BinnedDataset } from '../dataset/binned-dataset.js';

export interface LeafTotals {
  grad: number;
  hess: number;
  count: number;
}

/** Sums of the rows' gradients and hessians (read at gradOffset + row). */
export function leafTotals(rows: Uint32Array, grad: Float64Array, hess: Float64Array, gradOffset = 0): LeafTotals {
  let g = 0;
  let h = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = gradOffset + rows[i]!;
    g += grad[r]!;
    h += hess[r]!;
  }
  return { grad: g, hess: h, count: rows.length };
}

/** Sets each sparse feature's omitted bin to the leaf totals minus its other bins. */
export function completeSparseBins(hist: Float64Array, ds: BinnedDataset, totals: LeafTotals): void {
  const { binOffset, omittedBin, sparseFeatures } = ds;
  for (let i = 0; i < sparseFeatures.length; i++) {
    const f = sparseFeatures[i]!;
    const start = binOffset[f]!;
    const end = binOffset[f + 1]!;
    let g = 0;
    let h = 0;
    let c = 0;
    for (let s = start; s < end; s++) {
      g += hist[3 * s]!;
      h += hist[3 * s + 1]!;
      c += hist[3 * s + 2]!;
    }
    const d = 3 * (start + omittedBin[f]!);
    hist[d] = totals.grad - g;
    hist[d + 1] = totals.hess - h;
    hist[d + 2] = totals.count - c;
  }
}
