/**
 * The hot loops, one module that the main thread and the histogram worker thread
 * (histogram-worker.ts) both import, so both run the very same code (a model must not depend on
 * the thread count):
 * - accumulateKernel: add rows' gradients/hessians/counts into histogram slots;
 * - accumulateSumsKernel: the same without the counts (a histogram of every row takes the
 *   dataset's own counts instead);
 * - subtractKernel: sibling histogram = parent − smaller child, over a slot range;
 * - scanSplitsKernel: best threshold over a range of the sampled features.
 */

/**
 * Rows rows[start..end); row r's cells are slots[rowBegin[r] .. rowEnd[r + endShift]), so one
 * CSR serves the whole row (begin = rowPtr, end = rowPtr, shift 1) or one thread's feature range
 * (begin/end = rowPtr or rowMid). Gradients are read at gradOffset + row.
 */
export function accumulateKernel(
  hist: Float64Array,
  rowBegin: Uint32Array,
  rowEnd: Uint32Array,
  endShift: number,
  slots: Uint32Array,
  rows: Uint32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
  gradOffset: number,
): void {
  for (let i = start; i < end; i++) {
    const r = rows[i]!;
    const g = grad[gradOffset + r]!;
    const h = hess[gradOffset + r]!;
    const stop = rowEnd[r + endShift]!;
    for (let k = rowBegin[r]!; k < stop; k++) {
      const s = slots[k]!;
      hist[s]! += g;
      hist[s + 1]! += h;
      hist[s + 2]! += 1;
    }
  }
}

/**
 * accumulateKernel without the counts: gradient and hessian sums only, in the same order. A loop
 * of its own rather than a flag, which the hottest loop would test on every cell.
 */
export function accumulateSumsKernel(
  hist: Float64Array,
  rowBegin: Uint32Array,
  rowEnd: Uint32Array,
  endShift: number,
  slots: Uint32Array,
  rows: Uint32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
  gradOffset: number,
): void {
  for (let i = start; i < end; i++) {
    const r = rows[i]!;
    const g = grad[gradOffset + r]!;
    const h = hess[gradOffset + r]!;
    const stop = rowEnd[r + endShift]!;
    for (let k = rowBegin[r]!; k < stop; k++) {
      const s = slots[k]!;
      hist[s]! += g;
      hist[s + 1]! += h;
    }
  }
}

/** parent[from..to) −= child[from..to). */
export function subtractKernel(parent: Float64Array, child: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) parent[i]! -= child[i]!;
}

/** Layout of the scan result written by scanSplitsKernel. */
export const SCAN = { found: 0, raw: 1, position: 2, bin: 3, defaultLeft: 4, grad: 5, hess: 6, count: 7, size: 8 } as const;

/**
 * Scans features[fStart..fEnd). Candidates are compared on sL + sR (s = G²/(H+λ)) against
 * bestRaw; the first strictly better one wins, so splitting the range and keeping the earlier
 * range's result on ties gives the sequential answer. Writes `SCAN`'s layout to out:
 * [found, raw, featurePosition, bin, defaultLeft, leftGrad, leftHess, leftCount].
 */
export function scanSplitsKernel(
  hist: Float64Array,
  binOffset: Uint32Array,
  nValueBins: Int32Array,
  missingBin: Int32Array,
  features: Uint32Array,
  fStart: number,
  fEnd: number,
  G: number,
  H: number,
  N: number,
  lambda: number,
  minCount: number,
  minHess: number,
  bestRaw: number,
  out: Float64Array,
): void {
  out[0] = 0;
  for (let fi = fStart; fi < fEnd; fi++) {
    const f = features[fi]!;
    const nv = nValueBins[f]!;
    const off = 3 * binOffset[f]!;
    let mg = 0,
      mh = 0,
      mc = 0;
    const mb = missingBin[f]!;
    if (mb >= 0) {
      const m = off + 3 * mb;
      mg = hist[m]!;
      mh = hist[m + 1]!;
      mc = hist[m + 2]!;
    }
    const hasMissing = mc > 0;
    if (nv < 2 && !hasMissing) continue;
    let lg = 0,
      lh = 0,
      lc = 0;
    // with missing rows, "all values left, missing right" is a candidate too
    const lastBin = hasMissing ? nv : nv - 1;
    for (let b = 0; b < lastBin; b++) {
      const s = off + 3 * b;
      const cnt = hist[s + 2]!;
      lg += hist[s]!;
      lh += hist[s + 1]!;
      lc += cnt;
      if (cnt === 0) continue; // same partition as the previous threshold
      // missing right: this right side only shrinks as b grows and is the larger of the two
      // right sides, so once it is too small no later threshold passes
      const rh = H - lh;
      const rc = N - lc;
      if (rc < minCount || rh < minHess) break;
      if (lc >= minCount && lh >= minHess) {
        const rg = G - lg;
        const raw = (lg * lg) / (lh + lambda) + (rg * rg) / (rh + lambda);
        if (raw > bestRaw) {
          bestRaw = raw;
          out[0] = 1;
          out[1] = raw;
          out[2] = fi;
          out[3] = b;
          // without missing rows here, missing values follow the heavier child
          out[4] = hasMissing ? 0 : lh >= rh ? 1 : 0;
          out[5] = lg;
          out[6] = lh;
          out[7] = lc;
        }
      }
      if (hasMissing && b < nv - 1) {
        const xg = lg + mg,
          xh = lh + mh,
          xc = lc + mc;
        const yg = G - xg,
          yh = H - xh,
          yc = N - xc;
        if (xc >= minCount && yc >= minCount && xh >= minHess && yh >= minHess) {
          const raw = (xg * xg) / (xh + lambda) + (yg * yg) / (yh + lambda);
          if (raw > bestRaw) {
            bestRaw = raw;
            out[0] = 1;
            out[1] = raw;
            out[2] = fi;
            out[3] = b;
            out[4] = 1;
            out[5] = xg;
            out[6] = xh;
            out[7] = xc;
          }
        }
      }
    }
  }
}
