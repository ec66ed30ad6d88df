import { createFeatureMatrix } from '@msc/features';
import { describe, expect, it } from 'vitest';
import { buildBinnedDataset } from '../dataset/binned-dataset.js';
import { Random } from '../random.js';
import { buildHistogram, leafTotals, newHistogram, subtractHistogram } from './histogram.js';

function dataset() {
  const rnd = new Random(3);
  const n = 500;
  const cols = 6;
  const m = createFeatureMatrix(n, cols);
  for (let r = 0; r < n; r++) {
    m.data[r * cols] = rnd.int(10); // dense small integer
    m.data[r * cols + 1] = rnd.next() < 0.1 ? Number.NaN : rnd.next();
    for (let c = 2; c < cols; c++) m.data[r * cols + c] = rnd.next() < 0.05 ? 1 : 0; // sparse binary
  }
  const grad = Float64Array.from({ length: n }, () => rnd.next() - 0.5);
  const hess = Float64Array.from({ length: n }, () => rnd.next());
  return { ds: buildBinnedDataset(m, 255), grad, hess, n };
}

/** Reference: visit every cell of every row. */
function denseHistogram(ds: ReturnType<typeof buildBinnedDataset>, rows: Uint32Array, grad: Float64Array, hess: Float64Array) {
  const h = newHistogram(ds);
  for (const r of rows) {
    for (let f = 0; f < ds.nFeatures; f++) {
      const s = 3 * (ds.binOffset[f]! + ds.bins[f * ds.nRows + r]!);
      h[s]! += grad[r]!;
      h[s + 1]! += hess[r]!;
      h[s + 2]! += 1;
    }
  }
  return h;
}

describe('histograms', () => {
  it('stores only non-default cells and rebuilds default bins from leaf totals', () => {
    const { ds, grad, hess, n } = dataset();
    expect(ds.slots.length).toBeLessThan(n * ds.nFeatures / 2);
    const rows = Uint32Array.from({ length: n }, (_, i) => i).filter((r) => r % 3 !== 0);
    const hist = newHistogram(ds);
    buildHistogram(hist, ds, rows, grad, hess, leafTotals(rows, grad, hess));
    const ref = denseHistogram(ds, rows, grad, hess);
    for (let i = 0; i < hist.length; i++) expect(hist[i]).toBeCloseTo(ref[i]!, 10);
  });

  it('derives a sibling by subtraction', () => {
    const { ds, grad, hess, n } = dataset();
    const all = Uint32Array.from({ length: n }, (_, i) => i);
    const left = all.filter((r) => r < 200);
    const right = all.filter((r) => r >= 200);
    const parent = newHistogram(ds);
    buildHistogram(parent, ds, all, grad, hess, leafTotals(all, grad, hess));
    const small = newHistogram(ds);
    buildHistogram(small, ds, left, grad, hess, leafTotals(left, grad, hess));
    subtractHistogram(parent, small);
    const ref = denseHistogram(ds, right, grad, hess);
    for (let i = 0; i < parent.length; i++) expect(parent[i]).toBeCloseTo(ref[i]!, 10);
  });
});
