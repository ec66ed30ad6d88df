/**
 * Histogram memory and the second thread. With n_threads = 2 the features are cut in two ranges
 * holding about the same number of stored cells; a worker (worker_threads, SharedArrayBuffer,
 * Atomics for a low-latency hand-off) owns the upper range of every histogram: it sums, scans
 * and subtracts those slots while this thread does the lower range. Each thread thus works on
 * memory it wrote itself, and no partial histograms are merged.
 *
 * Every slot is summed in row order whichever thread owns it, and the split scans of the two
 * ranges combine to the sequential answer, so a model is bit-identical with 1 or 2 threads.
 * Histograms live in a shared arena the worker can reach; past its size, extra histograms are
 * plain arrays handled by this thread alone.
 */
import { Worker } from 'node:worker_threads';
import type { BinnedDataset } from '../dataset/binned-dataset.js';
import { completeSparseBins, type LeafTotals } from './histogram.js';
import { accumulateKernel, KERNEL_SOURCE, SCAN, scanSplitsKernel, subtractKernel } from './kernels.js';
import { splitFromScan, startingBar, type SplitConstraints, type SplitInfo } from './split-finder.js';

/** Leaves with fewer rows are summed by one thread (hand-off costs more than it saves). */
const PARALLEL_MIN_ROWS = 512;
/** Polls of the job counter before the worker sleeps (tens of microseconds). */
const SPIN_ITERATIONS = 20_000;
/** No job half takes this long; past it the worker is taken for dead. */
const WORKER_TIMEOUT_MS = 60_000;
const ARENA_MAX_BYTES = 64 * 1024 * 1024;

// ctrl (Int32) slots
const SEQ = 0;
const DONE = 1;
const JOB = 2;
const START = 3;
const END = 4;
const GRAD_OFFSET = 5;
const STOP = 6;
const SLOT = 7;
const SLOT2 = 8;
const F_START = 9;
const F_END = 10;
const JOB_BUILD = 1;
const JOB_SCAN = 2;
const JOB_SUBTRACT = 3;
// fparams (Float64): G, H, N, lambda, minCount, minHess, bestRaw

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
${KERNEL_SOURCE}
function serve(d) {
  const ctrl = new Int32Array(d.ctrl);
  const fp = new Float64Array(d.fparams);
  const out = new Float64Array(d.scanOut);
  const features = new Uint32Array(d.features);
  const rowPtr = new Uint32Array(d.rowPtr);
  const rowMid = new Uint32Array(d.rowMid);
  const slots = new Uint32Array(d.slots);
  const rows = new Uint32Array(d.rows);
  const grad = new Float64Array(d.grad);
  const hess = new Float64Array(d.hess);
  const binOffset = new Uint32Array(d.binOffset);
  const nValueBins = new Int32Array(d.nValueBins);
  const missingBins = new Int32Array(d.missingBins);
  const from = d.cutIndex, to = d.histLength;
  const arena = [];
  for (let i = 0; i < d.arenaSlots; i++) arena.push(new Float64Array(d.arena, i * d.histLength * 8, d.histLength));
  let seq = 0;
  for (;;) {
    // jobs come in bursts: spin briefly before sleeping, waking a thread costs more
    for (let i = 0; i < ${SPIN_ITERATIONS} && Atomics.load(ctrl, ${SEQ}) === seq; i++);
    Atomics.wait(ctrl, ${SEQ}, seq);
    seq = Atomics.load(ctrl, ${SEQ});
    if (ctrl[${STOP}] === 1) return;
    const job = ctrl[${JOB}];
    const hist = arena[ctrl[${SLOT}]];
    if (job === ${JOB_BUILD}) {
      hist.fill(0, from, to);
      accumulate(hist, rowMid, rowPtr, 1, slots, rows, ctrl[${START}], ctrl[${END}], grad, hess, ctrl[${GRAD_OFFSET}]);
    } else if (job === ${JOB_SCAN}) {
      scanSplits(hist, binOffset, nValueBins, missingBins, features, ctrl[${F_START}], ctrl[${F_END}],
        fp[0], fp[1], fp[2], fp[3], fp[4], fp[5], fp[6], out);
    } else {
      subtract(hist, arena[ctrl[${SLOT2}]], from, to);
    }
    Atomics.store(ctrl, ${DONE}, seq);
    Atomics.notify(ctrl, ${DONE});
  }
}
serve(workerData);
`;

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
  private readonly arena: SharedArrayBuffer | undefined;
  private readonly arenaViews: Float64Array[] = [];
  private readonly slotOf = new Map<Float64Array, number>();
  private readonly freeSlots: number[] = [];
  private readonly overflow: Float64Array[] = [];
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(4 * 16));
  private readonly fparams = new Float64Array(new SharedArrayBuffer(8 * 8));
  private readonly scanOut = new Float64Array(new SharedArrayBuffer(8 * SCAN.size));
  private readonly localOut = new Float64Array(SCAN.size);
  private readonly features: Uint32Array;
  private lastFeatures: Uint32Array | undefined;
  private featuresSorted = false;
  private worker: Worker | undefined;
  private grad: Float64Array = new Float64Array(0);
  private hess: Float64Array = new Float64Array(0);
  private seq = 0;

  /** `maxLive`: histograms a tree can hold at once (leaf limit + a few). */
  constructor(private readonly ds: BinnedDataset, nThreads: number, maxLive: number) {
    this.histLength = 3 * ds.binOffset[ds.nFeatures]!;
    this.threaded = nThreads > 1 && ds.nFeatures > 1;
    this.cutFeature = this.threaded ? balancedCut(ds) : ds.nFeatures;
    this.cutIndex = 3 * ds.binOffset[this.cutFeature]!;
    const shared = this.threaded;
    this.rows = shared ? new Uint32Array(new SharedArrayBuffer(4 * ds.nRows)) : new Uint32Array(ds.nRows);
    this.rowMid = shared ? rowMidpoints(ds, this.cutIndex) : new Uint32Array(0);
    this.features = shared ? new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, ds.nFeatures))) : new Uint32Array(0);
    if (shared) {
      const bytes = 8 * this.histLength;
      const n = Math.max(1, Math.min(maxLive, Math.floor(ARENA_MAX_BYTES / Math.max(bytes, 1))));
      this.arena = new SharedArrayBuffer(n * bytes);
      for (let i = 0; i < n; i++) {
        const view = new Float64Array(this.arena, i * bytes, this.histLength);
        this.arenaViews.push(view);
        this.slotOf.set(view, i);
      }
      for (let i = n - 1; i >= 0; i--) this.freeSlots.push(i);
    }
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
    const slot = this.freeSlots.pop();
    if (slot !== undefined) return this.arenaViews[slot]!;
    return this.overflow.pop() ?? new Float64Array(this.histLength);
  }

  release(hist: Float64Array): void {
    const slot = this.slotOf.get(hist);
    if (slot !== undefined) this.freeSlots.push(slot);
    else this.overflow.push(hist);
  }

  /** Histogram of rows[start..start+count) of `this.rows`. */
  build(hist: Float64Array, start: number, count: number, gradOffset: number, totals: LeafTotals): void {
    const { grad, hess, ds } = this;
    const end = start + count;
    if (count >= PARALLEL_MIN_ROWS && this.slotOf.has(hist) && this.ensureWorker()) {
      const ctrl = this.ctrl;
      ctrl[JOB] = JOB_BUILD;
      ctrl[SLOT] = this.slotOf.get(hist)!;
      ctrl[START] = start;
      ctrl[END] = end;
      ctrl[GRAD_OFFSET] = gradOffset;
      const seq = this.post();
      hist.fill(0, 0, this.cutIndex);
      accumulateKernel(hist, ds.rowPtr, this.rowMid, 0, ds.slots, this.rows, start, end, grad, hess, gradOffset);
      this.waitFor(seq);
    } else {
      hist.fill(0);
      accumulateKernel(hist, ds.rowPtr, ds.rowPtr, 1, ds.slots, this.rows, start, end, grad, hess, gradOffset);
    }
    completeSparseBins(hist, ds, totals);
  }

  /** parent ← parent − child (the larger sibling's histogram). */
  subtract(parent: Float64Array, child: Float64Array): void {
    if (this.slotOf.has(parent) && this.slotOf.has(child) && this.ensureWorker()) {
      const ctrl = this.ctrl;
      ctrl[JOB] = JOB_SUBTRACT;
      ctrl[SLOT] = this.slotOf.get(parent)!;
      ctrl[SLOT2] = this.slotOf.get(child)!;
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
    if (mid < features.length && this.slotOf.has(hist) && this.ensureWorker()) {
      const ctrl = this.ctrl;
      ctrl[JOB] = JOB_SCAN;
      ctrl[SLOT] = this.slotOf.get(hist)!;
      ctrl[F_START] = mid;
      ctrl[F_END] = features.length;
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
    Atomics.store(this.ctrl, SEQ, seq);
    Atomics.notify(this.ctrl, SEQ);
    return seq;
  }

  /**
   * Blocks until the worker finished job `seq`. Event handlers cannot run while this thread
   * waits, so a dead worker is detected by a timeout rather than by its 'exit' event.
   */
  private waitFor(seq: number): void {
    const ctrl = this.ctrl;
    for (;;) {
      const done = Atomics.load(ctrl, DONE);
      if (done === seq) return;
      if (Atomics.wait(ctrl, DONE, done, WORKER_TIMEOUT_MS) === 'timed-out' && Atomics.load(ctrl, DONE) !== seq) {
        this.stopWorker();
        throw new Error(`histogram worker gave no answer in ${WORKER_TIMEOUT_MS / 1000} s`);
      }
    }
  }

  private ensureWorker(): boolean {
    if (this.worker) return true;
    const { grad, hess, ds } = this;
    if (!this.threaded || !(grad.buffer instanceof SharedArrayBuffer) || !(hess.buffer instanceof SharedArrayBuffer) || grad.byteOffset !== 0 || hess.byteOffset !== 0) {
      return false;
    }
    Atomics.store(this.ctrl, SEQ, 0);
    Atomics.store(this.ctrl, DONE, 0);
    this.ctrl[STOP] = 0;
    this.seq = 0;
    this.features.set(this.lastFeatures ?? []);
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        ctrl: this.ctrl.buffer, fparams: this.fparams.buffer, scanOut: this.scanOut.buffer, features: this.features.buffer,
        rowPtr: sharedCopy(ds.rowPtr).buffer, rowMid: this.rowMid.buffer, slots: sharedCopy(ds.slots).buffer,
        rows: this.rows.buffer, grad: grad.buffer, hess: hess.buffer,
        binOffset: sharedCopy(ds.binOffset).buffer, nValueBins: sharedCopy(ds.nValueBins).buffer, missingBins: sharedCopy(ds.missingBins).buffer,
        arena: this.arena, arenaSlots: this.arenaViews.length, histLength: this.histLength, cutIndex: this.cutIndex,
      },
    });
    this.worker.unref();
    return true;
  }

  private stopWorker(): void {
    if (!this.worker) return;
    this.ctrl[STOP] = 1;
    Atomics.add(this.ctrl, SEQ, 1);
    Atomics.notify(this.ctrl, SEQ);
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
