/**
 * Grows one tree leaf-wise (best-first, as LightGBM): repeatedly split the leaf whose best split
 * gains most, until the leaf limit, the depth limit or no split gains more than gamma.
 * Only the smaller child's histogram is built; the larger one is parent − smaller.
 */
import type { BinnedDataset } from '../dataset/binned-dataset.js';
import { TreeBuilder, type Tree } from '../model/tree.js';
import { leafTotals, type LeafTotals } from './histogram.js';
import { HistogramWorkspace } from './histogram-workspace.js';
import type { SplitConstraints, SplitInfo } from './split-finder.js';

export interface TreeLearnerOptions extends SplitConstraints {
  learning_rate: number;
  /** 0 = unlimited. */
  max_depth: number;
  max_leaves: number;
}

interface OpenLeaf {
  node: number;
  start: number;
  count: number;
  depth: number;
  totals: LeafTotals;
  hist: Float64Array | undefined;
  split: SplitInfo | undefined;
}

/** Rows [start, start + count) of the last grown tree's `rows` array reach leaf `node`. */
export interface LeafRange {
  node: number;
  start: number;
  count: number;
}

export class TreeLearner {
  /** Leaves of the last grown tree with their row ranges (lets the booster update scores without traversal). */
  lastLeaves: LeafRange[] = [];
  private readonly scratch: Uint32Array;

  private readonly histograms: HistogramWorkspace;
  private grad: Float64Array = new Float64Array(0);
  private hess: Float64Array = new Float64Array(0);

  /** `nThreads` = 2 shares histogram building, subtraction and split scans with a worker (same trees). */
  constructor(
    private readonly ds: BinnedDataset,
    private readonly opts: TreeLearnerOptions,
    nThreads = 1,
  ) {
    this.scratch = new Uint32Array(ds.nRows);
    // live histograms: one per open leaf plus the two being split
    this.histograms = new HistogramWorkspace(ds, nThreads, opts.max_leaves + 3);
  }

  /**
   * Gradient and hessian arrays the next trees read, output-major (a tree reads
   * grad[gradOffset + row]). SharedArrayBuffer-backed arrays let a worker thread help.
   */
  setGradients(grad: Float64Array, hess: Float64Array): void {
    this.grad = grad;
    this.hess = hess;
    this.histograms.setGradients(grad, hess);
  }

  /**
   * Grows a tree on `input` rows (left partitioned by leaf, see lastLeaves), reading gradients at
   * gradOffset + row, considering only `features` (ascending, as Random.sample gives) for splits.
   */
  grow(input: Uint32Array, gradOffset: number, features: Uint32Array): Tree {
    const { opts, grad, hess } = this;
    const rows = this.histograms.rows.subarray(0, input.length);
    rows.set(input);
    const builder = new TreeBuilder();
    const totals = leafTotals(rows, grad, hess, gradOffset);
    const root: OpenLeaf = {
      node: builder.addLeaf(this.leafValue(totals), totals.hess),
      start: 0,
      count: rows.length,
      depth: 0,
      totals,
      hist: undefined,
      split: undefined,
    };
    let nLeaves = 1;
    const leaves = new Map<number, OpenLeaf>([[root.node, root]]);
    const open: OpenLeaf[] = [];
    if (this.canSplit(root, nLeaves)) {
      root.hist = this.takeHistogram();
      this.histograms.build(root.hist, 0, rows.length, gradOffset, totals);
      root.split = this.histograms.findBestSplit(root.hist, totals, features, opts);
      if (root.split) open.push(root);
      else this.release(root);
    }
    while (open.length > 0 && nLeaves < opts.max_leaves) {
      // best gain first; ties go to the older leaf, so growth is deterministic
      let bi = 0;
      for (let i = 1; i < open.length; i++) if (open[i]!.split!.gain > open[bi]!.split!.gain) bi = i;
      const leaf = open.splice(bi, 1)[0]!;
      const split = leaf.split!;
      const nLeft = this.partition(rows, leaf, split);
      const left: OpenLeaf = {
        node: builder.addLeaf(this.leafValue(split.left), split.left.hess),
        start: leaf.start,
        count: nLeft,
        depth: leaf.depth + 1,
        totals: split.left,
        hist: undefined,
        split: undefined,
      };
      const right: OpenLeaf = {
        node: builder.addLeaf(this.leafValue(split.right), split.right.hess),
        start: leaf.start + nLeft,
        count: leaf.count - nLeft,
        depth: leaf.depth + 1,
        totals: split.right,
        hist: undefined,
        split: undefined,
      };
      builder.setSplit(leaf.node, split.feature, split.threshold, split.defaultLeft, split.gain, left.node, right.node);
      nLeaves++;
      leaves.delete(leaf.node);
      leaves.set(left.node, left);
      leaves.set(right.node, right);

      const [small, large] = left.count <= right.count ? [left, right] : [right, left];
      const wantSmall = this.canSplit(small, nLeaves);
      const wantLarge = this.canSplit(large, nLeaves);
      if (wantSmall || wantLarge) {
        small.hist = this.takeHistogram();
        this.histograms.build(small.hist, small.start, small.count, gradOffset, small.totals);
        if (wantLarge) {
          this.histograms.subtract(leaf.hist!, small.hist);
          large.hist = leaf.hist;
          leaf.hist = undefined;
        }
      }
      this.release(leaf);
      if (!wantSmall) this.release(small);
      for (const child of [left, right]) {
        if (child.hist) {
          child.split = this.histograms.findBestSplit(child.hist, child.totals, features, opts);
          if (child.split) open.push(child);
          else this.release(child);
        }
      }
    }
    for (const leaf of open) this.release(leaf);
    this.lastLeaves = [...leaves.values()].map(({ node, start, count }) => ({ node, start, count }));
    input.set(rows);
    return builder.build();
  }

  /** Stops the histogram worker, if one was started. */
  dispose(): void {
    this.histograms.dispose();
  }

  private canSplit(leaf: OpenLeaf, nLeaves: number): boolean {
    const { opts } = this;
    return (
      nLeaves < opts.max_leaves &&
      (opts.max_depth === 0 || leaf.depth < opts.max_depth) &&
      leaf.count >= 2 * opts.min_samples_leaf &&
      leaf.totals.hess >= 2 * opts.min_child_weight
    );
  }

  private leafValue(t: LeafTotals): number {
    return (-t.grad / (t.hess + this.opts.reg_lambda)) * this.opts.learning_rate;
  }

  /** Stable in-place partition of the leaf's rows; returns how many went left. */
  private partition(rows: Uint32Array, leaf: OpenLeaf, split: SplitInfo): number {
    const { ds } = this;
    const mapper = ds.mappers[split.feature]!;
    const base = split.feature * ds.nRows;
    const bins = ds.bins;
    const missing = mapper.missingBin;
    const scratch = this.scratch;
    let nl = leaf.start;
    let nr = 0;
    const end = leaf.start + leaf.count;
    for (let i = leaf.start; i < end; i++) {
      const r = rows[i]!;
      const b = bins[base + r]!;
      const goLeft = b === missing ? split.defaultLeft : b <= split.bin;
      if (goLeft) rows[nl++] = r;
      else scratch[nr++] = r;
    }
    rows.set(scratch.subarray(0, nr), nl);
    return nl - leaf.start;
  }

  private takeHistogram(): Float64Array {
    return this.histograms.take();
  }

  private release(leaf: OpenLeaf): void {
    if (leaf.hist) this.histograms.release(leaf.hist);
    leaf.hist = undefined;
  }
}
