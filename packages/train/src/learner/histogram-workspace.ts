/**
 * Histogram jobs, shared with a second thread. With n_threads = 2 the features are cut in two ranges
 * holding about the same number of stored cells; a worker (worker_threads, SharedArrayBuffer,
 * Atomics for a low-latency hand-off) owns the upper range of every histogram: it sums, scans
 * and subtracts those slots while this thread does the lower range. Each thread thus works on
 * memory it wrote itself, and no partial histograms are merged.
 *
 * Every slot is summed in row order whichever thread owns it, and the split scans of the two
 * ranges combine to the sequential answer, so a model is bit-identical with 1 or 2 threads.
 * Histograms live in a shared arena the worker can reach (histogram-arena.ts); past its size,
 * extra histograms are plain arrays handled by this thread alone. The worker is a module of its
 * own (histogram-worker.ts) running the same kernels (kernels.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WORKER_EXEC_ARGV, workerScriptUrl } from '@msc/core';
import type { BinnedDataset } from '../dataset/binned-dataset.js';
import { HistogramArena } from './histogram-arena.js';
import { completeSparseBins, type LeafTotals } from './histogram.js';
import { CTRL, JOB, SCAN_PARAMS, type HistogramWorkerData } from './histogram-protocol.js';
import { accumulateKernel, accumulateSumsKernel, SCAN, scanSplitsKernel, subtractKernel } from './kernels.js';
import { splitFromScan, startingBar, type SplitConstraints, type SplitInfo } from './split-finder.js';

/** Leaves with fewer rows are summed by one thread (hand-off costs more than it saves). */
const PARALLEL_MIN_ROWS = 512;
/** No job half takes this long; past it the worker is taken for dead. */
const WORKER_TIMEOUT_MS = 60_000;

function sharedCopy<T extends Uint32Array | Int32Array>(src: T): T {
  const copy = new (src.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(src.byteLength));
  copy.set(src);
  return copy;
}

export class HistogramWorkspace {
  /** Row index buffer the learner partitions in place (shared with the worker). */
  readonly rows: Uint32Array;
  private readonly threaded: boolean;
  private readonly histLength: number;
  /** First feature of the worker's range; its first histogram index is cutIndex. */
  private readonly cutFeature: number;
  private readonly cutIndex: number;
  /** rowMid[r]: first stored cell of row r in the worker's feature range. */
  private readonly rowMid: Uint32Array;
  private readonly arena: HistogramArena;
  /** The hand-off slots of the running worker (histogram-protocol.ts); each worker gets its own. */
  private ctrl = new Int32Array(new SharedArrayBuffer(4 * CTRL.size));
  private readonly fparams = new Float64Array(new SharedArrayBuffer(8 * SCAN_PARAMS));
  private readonly scanOut = new Float64Array(new SharedArrayBuffer(8 * SCAN.size));
  private readonly localOut = new Float64Array(SCAN.size);
  private readonly features: Uint32Array;
  private lastFeatures: Uint32Array | undefined;
  private featuresSorted = false;
  private worker: Worker | undefined;
  private grad: Float64Array = new Float64Array(0);
  private hess: Float64Array = new Float64Array(0);
  private seq = 0;
  private slotCounts: Float64Array | undefined;

  /** `maxLive`: histograms a tree can hold at once (leaf limit + a few). */
  constructor(
    private readonly ds: BinnedDataset,
    nThreads: number,
    maxLive: number,
  ) {
    this.histLength = 3 * ds.binOffset[ds.nFeatures]!;
    this.threaded = nThreads > 1 && ds.nFeatures > 1;
    this.cutFeature = this.threaded ? balancedCut(ds) : ds.nFeatures;
    this.cutIndex = 3 * ds.binOffset[this.cutFeature]!;
    const shared = this.threaded;
    this.rows = shared ? new Uint32Array(new SharedArrayBuffer(4 * ds.nRows)) : new Uint32Array(ds.nRows);
    this.rowMid = shared ? rowMidpoints(ds, this.cutIndex) : new Uint32Array(0);
    this.features = shared ? new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, ds.nFeatures))) : new Uint32Array(0);
    this.arena = new HistogramArena(this.histLength, maxLive, shared);
  }

  /**
   * Output-major gradient arrays the next jobs read (gradOffset indexes into them). With threads
   * they must sit on SharedArrayBuffers; the worker starts on first use.
   */
  setGradients(grad: Float64Array, hess: Float64Array): void {
    if (grad === this.grad && hess === this.hess) return;
    this.stopWorker();
    this.grad = grad;
    this.hess = hess;
  }

  take(): Float64Array {
    return this.arena.take();
  }

  release(hist: Float64Array): void {
    this.arena.release(hist);
  }

  /**
   * Histogram of rows[start..start+count) of `this.rows`. A histogram of every row (a root
   * without row sampling) sums gradients and hessians only and copies the counts, which are
   * the dataset's own whatever the gradients.
   */
  build(hist: Float64Array, start: number, count: number, gradOffset: number, totals: LeafTotals): void {
    const { grad, hess, ds } = this;
    const end = start + count;
    const slot = this.arena.slot(hist);
    const sumsOnly = count === ds.nRows;
    const accumulate = sumsOnly ? accumulateSumsKernel : accumulateKernel;
    if (count >= PARALLEL_MIN_ROWS && slot !== undefined && this.ensureWorker()) {
      const ctrl = this.ctrl;
      ctrl[CTRL.job] = JOB.build;
      ctrl[CTRL.slot] = slot;
      ctrl[CTRL.start] = start;
      ctrl[CTRL.end] = end;
      ctrl[CTRL.gradOffset] = gradOffset;
      ctrl[CTRL.sumsOnly] = sumsOnly ? 1 : 0;
      const seq = this.post();
      hist.fill(0, 0, this.cutIndex);
      accumulate(hist, ds.rowPtr, this.rowMid, 0, ds.slots, this.rows, start, end, grad, hess, gradOffset);
      this.waitFor(seq);
    } else {
      hist.fill(0);
      accumulate(hist, ds.rowPtr, ds.rowPtr, 1, ds.slots, this.rows, start, end, grad, hess, gradOffset);
    }
    if (sumsOnly) {
      const counts = this.datasetCounts();
      for (let s = 0; s < counts.length; s++) hist[3 * s + 2] = counts[s]!;
    }
    completeSparseBins(hist, ds, totals);
  }

  /** Rows per stored histogram slot over the whole dataset (counted once). */
  private datasetCounts(): Float64Array {
    if (!this.slotCounts) {
      const { slots } = this.ds;
      const counts = new Float64Array(this.histLength / 3);
      for (let k = 0; k < slots.length; k++) counts[slots[k]! / 3]!++;
      this.slotCounts = counts;
    }
    return this.slotCounts;
  }

  /** parent ← parent − child (the larger sibling's histogram). */
  subtract(parent: Float64Array, child: Float64Array): void {
    const parentSlot = this.arena.slot(parent);
    const childSlot = this.arena.slot(child);
    if (parentSlot !== undefined && childSlot !== undefined && this.ensureWorker()) {
      const ctrl = this.ctrl;
      ctrl[CTRL.job] = JOB.subtract;
      ctrl[CTRL.slot] = parentSlot;
      ctrl[CTRL.slot2] = childSlot;
      const seq = this.post();
      subtractKernel(parent, child, 0, this.cutIndex);
      this.waitFor(seq);
    } else {
      subtractKernel(parent, child, 0, parent.length);
    }
  }

  /** Best split of a leaf: each thread scans the sampled features of its own range. */
  findBestSplit(hist: Float64Array, totals: LeafTotals, features: Uint32Array, c: SplitConstraints): SplitInfo | undefined {
    const { ds } = this;
    const bar = startingBar(totals, c);
    const local = this.localOut;
    const args = [totals.grad, totals.hess, totals.count, c.reg_lambda, c.min_samples_leaf, c.min_child_weight, bar] as const;
    if (this.lastFeatures !== features) {
      this.featuresSorted = isAscending(features);
      if (this.threaded) this.features.set(features);
      this.lastFeatures = features;
    }
    // split ranges only for ascending features: then the worker's range is the scan's tail
    const mid = this.threaded && this.featuresSorted ? firstAtLeast(features, this.cutFeature) : features.length;
    const slot = this.arena.slot(hist);
    if (mid < features.length && slot !== undefined && this.ensureWorker()) {
      const ctrl = this.ctrl;
      ctrl[CTRL.job] = JOB.scan;
      ctrl[CTRL.slot] = slot;
      ctrl[CTRL.fStart] = mid;
      ctrl[CTRL.fEnd] = features.length;
      this.fparams.set(args);
      const seq = this.post();
      scanSplitsKernel(hist, ds.binOffset, ds.nValueBins, ds.missingBins, features, 0, mid, ...args, local);
      this.waitFor(seq);
      // The later range wins only when strictly better: the answer of one sequential scan
      // (features are sorted, so the worker's range comes last).
      const remote = this.scanOut;
      const pick = remote[SCAN.found] === 1 && (local[SCAN.found] !== 1 || remote[SCAN.raw]! > local[SCAN.raw]!) ? remote : local;
      return splitFromScan(pick, ds, features, totals, c);
    }
    scanSplitsKernel(hist, ds.binOffset, ds.nValueBins, ds.missingBins, features, 0, features.length, ...args, local);
    return splitFromScan(local, ds, features, totals, c);
  }

  private post(): number {
    const seq = ++this.seq;
    Atomics.store(this.ctrl, CTRL.seq, seq);
    Atomics.notify(this.ctrl, CTRL.seq);
    return seq;
  }

  /**
   * Blocks until the worker finished job `seq`. Event handlers cannot run while this thread
   * waits, so a dead worker is detected by a timeout rather than by its 'exit' event.
   */
  private waitFor(seq: number): void {
    const ctrl = this.ctrl;
    for (;;) {
      const done = Atomics.load(ctrl, CTRL.done);
      if (done === seq) return;
      if (Atomics.wait(ctrl, CTRL.done, done, WORKER_TIMEOUT_MS) === 'timed-out' && Atomics.load(ctrl, CTRL.done) !== seq) {
        this.stopWorker();
        throw new Error(`histogram worker gave no answer in ${WORKER_TIMEOUT_MS / 1000} s`);
      }
    }
  }

  private ensureWorker(): boolean {
    if (this.worker) return true;
    const { grad, hess, ds } = this;
    if (
      !this.threaded ||
      !(grad.buffer instanceof SharedArrayBuffer) ||
      !(hess.buffer instanceof SharedArrayBuffer) ||
      grad.byteOffset !== 0 ||
      hess.byteOffset !== 0
    ) {
      return false;
    }
    // fresh slots: a stopped worker that has not yet seen its stop flag must not take new jobs
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * CTRL.size));
    this.seq = 0;
    this.features.set(this.lastFeatures ?? []);
    const shared = (array: { buffer: ArrayBufferLike }) => array.buffer as SharedArrayBuffer;
    const data: HistogramWorkerData = {
      ctrl: shared(this.ctrl),
      fparams: shared(this.fparams),
      scanOut: shared(this.scanOut),
      features: shared(this.features),
      rowPtr: shared(sharedCopy(ds.rowPtr)),
      rowMid: shared(this.rowMid),
      slots: shared(sharedCopy(ds.slots)),
      rows: shared(this.rows),
      grad: shared(grad),
      hess: shared(hess),
      binOffset: shared(sharedCopy(ds.binOffset)),
      nValueBins: shared(sharedCopy(ds.nValueBins)),
      missingBins: shared(sharedCopy(ds.missingBins)),
      arena: this.arena.buffer!,
      arenaSlots: this.arena.slots,
      histLength: this.histLength,
      cutIndex: this.cutIndex,
    };
    const script = workerScriptUrl(import.meta.url, './histogram-worker.js');
    // This thread blocks while the worker works, so a worker that cannot start would only show as the timeout.
    if (!existsSync(fileURLToPath(script))) throw new Error(`the histogram worker ${fileURLToPath(script)} is missing (run pnpm build)`);
    this.worker = new Worker(script, { workerData: data, ...(WORKER_EXEC_ARGV ? { execArgv: [...WORKER_EXEC_ARGV] } : {}) });
    this.worker.unref();
    return true;
  }

  private stopWorker(): void {
    if (!this.worker) return;
    this.ctrl[CTRL.stop] = 1;
    Atomics.add(this.ctrl, CTRL.seq, 1);
    Atomics.notify(this.ctrl, CTRL.seq);
    void this.worker.terminate();
    this.worker = undefined;
  }

  dispose(): void {
    this.stopWorker();
  }
}

/** The feature where the stored cells (the histogram work) are split in half; in [1, nFeatures). */
function balancedCut(ds: BinnedDataset): number {
  const { slots, binOffset, nFeatures } = ds;
  const featureOfSlot = new Uint32Array(binOffset[nFeatures]!);
  for (let f = 0; f < nFeatures; f++) featureOfSlot.fill(f, binOffset[f]!, binOffset[f + 1]!);
  const cells = new Float64Array(nFeatures);
  for (let k = 0; k < slots.length; k++) cells[featureOfSlot[slots[k]! / 3]!]!++;
  let acc = 0;
  for (let f = 0; f < nFeatures - 1; f++) {
    acc += cells[f]!;
    if (2 * acc >= slots.length) return f + 1;
  }
  return nFeatures - 1;
}

/** Per row, the first stored cell at or above histogram index `cutIndex` (cells are sorted). */
function rowMidpoints(ds: BinnedDataset, cutIndex: number): Uint32Array {
  const { rowPtr, slots, nRows } = ds;
  const mid = new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, nRows)));
  for (let r = 0; r < nRows; r++) {
    let lo = rowPtr[r]!;
    let hi = rowPtr[r + 1]!;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (slots[m]! < cutIndex) lo = m + 1;
      else hi = m;
    }
    mid[r] = lo;
  }
  return mid;
}

/** First position in the sorted `features` holding a feature ≥ f. */
function firstAtLeast(features: Uint32Array, f: number): number {
  let lo = 0;
  let hi = features.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (features[m]! < f) lo = m + 1;
    else hi = m;
  }
  return lo;
}

function isAscending(features: Uint32Array): boolean {
  for (let i = 1; i < features.length; i++) if (features[i]! <= features[i - 1]!) return false;
  return true;
}
