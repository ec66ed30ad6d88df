/**
 * The production histogram path (HistogramWorkspace with kernels.ts, on this thread and with the
 * worker thread of histogram-worker.ts) against references computed from the rows directly.
 * The worker runs the built module (`pnpm test` builds first).
 */
import { Random } from '@msc/core';
import { createFeatureMatrix } from '@msc/features';
import { afterEach, describe, expect, it } from 'vitest';
import { buildBinnedDataset, type BinnedDataset } from '../dataset/binned-dataset.js';
import { completeSparseBins, leafTotals } from './histogram.js';
import { accumulateKernel } from './kernels.js';
import { HistogramWorkspace } from './histogram-workspace.js';
import type { SplitConstraints } from './split-finder.js';

/** Enough rows for the two-thread path (leaves of ≥ 512 rows are shared with the worker). */
const N = 2000;

function dataset() {
  const rnd = new Random(3);
  const cols = 8;
  const m = createFeatureMatrix(N, cols);
  for (let r = 0; r < N; r++) {
    m.data[r * cols] = rnd.int(10); // dense small integer
    m.data[r * cols + 1] = rnd.next() < 0.1 ? Number.NaN : rnd.next();
    for (let c = 2; c < cols; c++) m.data[r * cols + c] = rnd.next() < 0.05 ? 1 : 0; // sparse binary
  }
  // Shared memory, as the booster allocates them, so the worker can read them.
  const grad = new Float64Array(new SharedArrayBuffer(8 * N));
  const hess = new Float64Array(new SharedArrayBuffer(8 * N));
  for (let r = 0; r < N; r++) {
    grad[r] = rnd.next() - 0.5;
    hess[r] = rnd.next();
  }
  return { ds: buildBinnedDataset(m, 255), grad, hess };
}

/** Reference: visit every cell of every row. */
function denseHistogram(ds: BinnedDataset, rows: Uint32Array, grad: Float64Array, hess: Float64Array): Float64Array {
  const h = new Float64Array(3 * ds.binOffset[ds.nFeatures]!);
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

const open: HistogramWorkspace[] = [];
afterEach(() => open.splice(0).forEach((workspace) => workspace.dispose()));

function workspaceFor(ds: BinnedDataset, threads: number, grad: Float64Array, hess: Float64Array): HistogramWorkspace {
  const workspace = new HistogramWorkspace(ds, threads, 8);
  workspace.setGradients(grad, hess);
  open.push(workspace);
  return workspace;
}

/** The workspace's histogram of `rows` (placed at the start of its row buffer). */
function built(workspace: HistogramWorkspace, rows: Uint32Array, grad: Float64Array, hess: Float64Array): Float64Array {
  workspace.rows.set(rows);
  const hist = workspace.take();
  workspace.build(hist, 0, rows.length, 0, leafTotals(rows, grad, hess));
  return hist;
}

const all = Uint32Array.from({ length: N }, (_, i) => i);

describe('histograms (HistogramWorkspace and its kernels)', () => {
  it('store only non-default cells, rebuild default bins from leaf totals, and match with 1 and 2 threads bit for bit', () => {
    const { ds, grad, hess } = dataset();
    expect(ds.slots.length).toBeLessThan((N * ds.nFeatures) / 2);
    const rows = all.filter((r) => r % 3 !== 0);
    const reference = denseHistogram(ds, rows, grad, hess);
    const one = built(workspaceFor(ds, 1, grad, hess), rows, grad, hess);
    for (let i = 0; i < one.length; i++) expect(one[i]).toBeCloseTo(reference[i]!, 10);
    const two = built(workspaceFor(ds, 2, grad, hess), rows, grad, hess);
    expect(two).toEqual(one);
  });

  it("of every row take the dataset's counts and sum gradients exactly as the counting kernel does, with 1 and 2 threads", () => {
    const { ds, grad, hess } = dataset();
    const rows = Uint32Array.from(all).reverse();
    const reference = new Float64Array(3 * ds.binOffset[ds.nFeatures]!);
    accumulateKernel(reference, ds.rowPtr, ds.rowPtr, 1, ds.slots, rows, 0, N, grad, hess, 0);
    completeSparseBins(reference, ds, leafTotals(rows, grad, hess));
    for (const threads of [1, 2]) expect(built(workspaceFor(ds, threads, grad, hess), rows, grad, hess), `${threads} thread(s)`).toEqual(reference);
  });

  it('derive a sibling by subtraction, with 1 and 2 threads', () => {
    const { ds, grad, hess } = dataset();
    const left = all.filter((r) => r < 700);
    const reference = denseHistogram(
      ds,
      all.filter((r) => r >= 700),
      grad,
      hess,
    );
    const results = [1, 2].map((threads) => {
      const workspace = workspaceFor(ds, threads, grad, hess);
      const parent = built(workspace, all, grad, hess);
      const child = built(workspace, left, grad, hess);
      workspace.subtract(parent, child);
      return parent;
    });
    for (let i = 0; i < reference.length; i++) expect(results[0]![i]).toBeCloseTo(reference[i]!, 10);
    expect(results[1]).toEqual(results[0]);
  });

  it('find the best split that trying every partition of the rows finds, with 1 and 2 threads', () => {
    const { ds, grad, hess } = dataset();
    const c: SplitConstraints = { reg_lambda: 1, gamma: 0, min_child_weight: 1, min_samples_leaf: 20 };
    const rows = all.filter((r) => r % 5 !== 1);
    const totals = leafTotals(rows, grad, hess);
    const features = Uint32Array.from({ length: ds.nFeatures }, (_, f) => f);
    const expected = bruteForceSplit(ds, rows, grad, hess, c);
    for (const threads of [1, 2]) {
      const workspace = workspaceFor(ds, threads, grad, hess);
      const split = workspace.findBestSplit(built(workspace, rows, grad, hess), totals, features, c)!;
      expect({ feature: split.feature, bin: split.bin, defaultLeft: split.defaultLeft }, `${threads} thread(s)`).toEqual({
        feature: expected.feature,
        bin: expected.bin,
        defaultLeft: expected.defaultLeft,
      });
      expect(split.gain).toBeCloseTo(expected.gain, 9);
      expect(split.left.count + split.right.count).toBe(rows.length);
    }
  });
});

/** Every threshold of every feature, missing rows sent right then left, gains from the rows' own sums. */
function bruteForceSplit(ds: BinnedDataset, rows: Uint32Array, grad: Float64Array, hess: Float64Array, c: SplitConstraints) {
  const score = (g: number, h: number) => (g * g) / (h + c.reg_lambda);
  const total = leafTotals(rows, grad, hess);
  let best = { feature: -1, bin: -1, defaultLeft: false, gain: 0 };
  for (let f = 0; f < ds.nFeatures; f++) {
    const nv = ds.nValueBins[f]!;
    const missing = ds.missingBins[f]!;
    const binOf = (r: number) => ds.bins[f * ds.nRows + r]!;
    const hasMissing = missing >= 0 && rows.some((r) => binOf(r) === missing);
    for (let b = 0; b < nv; b++) {
      for (const missingLeft of hasMissing ? [false, true] : [false]) {
        let g = 0,
          h = 0,
          n = 0;
        for (const r of rows) {
          const bin = binOf(r);
          if (bin === missing ? missingLeft : bin <= b) {
            g += grad[r]!;
            h += hess[r]!;
            n += 1;
          }
        }
        const rn = total.count - n;
        const rh = total.hess - h;
        if (n === 0 || rn === 0 || n < c.min_samples_leaf || rn < c.min_samples_leaf || h < c.min_child_weight || rh < c.min_child_weight) continue;
        const gain = 0.5 * (score(g, h) + score(total.grad - g, rh) - score(total.grad, total.hess)) - c.gamma;
        // Strictly better only, in the kernel's order: the first of equal partitions wins.
        if (gain > best.gain + 1e-12) best = { feature: f, bin: b, defaultLeft: missingLeft || (!hasMissing && h >= rh), gain };
      }
    }
  }
  return best;
}
