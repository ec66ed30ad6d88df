/**
 * How the main thread hands histogram jobs to the worker (histogram-worker.ts): a few Int32 slots
 * on a SharedArrayBuffer, written by the main thread, then `SEQ` bumped and notified; the worker
 * answers by storing that sequence number in `DONE`. Atomics, not messages: a job takes
 * microseconds and a message round trip costs more than that.
 */

/** Int32 slots of the control array. */
export const CTRL = {
  /** Sequence number of the last job posted. */
  seq: 0,
  /** Sequence number of the last job finished. */
  done: 1,
  job: 2,
  start: 3,
  end: 4,
  gradOffset: 5,
  /** 1: the worker returns. */
  stop: 6,
  slot: 7,
  slot2: 8,
  fStart: 9,
  fEnd: 10,
  /** Build job: 1 = sums only (the histogram of every row takes the dataset's counts). */
  sumsOnly: 11,
  size: 16,
} as const;

export const JOB = { build: 1, scan: 2, subtract: 3 } as const;

/** Float64 parameters of a scan job, in this order: G, H, N, lambda, minCount, minHess, bestRaw. */
export const SCAN_PARAMS = 7;

/** What the worker starts with: SharedArrayBuffers, and the arena's shape. */
export interface HistogramWorkerData {
  ctrl: SharedArrayBuffer;
  fparams: SharedArrayBuffer;
  scanOut: SharedArrayBuffer;
  features: SharedArrayBuffer;
  rowPtr: SharedArrayBuffer;
  rowMid: SharedArrayBuffer;
  slots: SharedArrayBuffer;
  rows: SharedArrayBuffer;
  grad: SharedArrayBuffer;
  hess: SharedArrayBuffer;
  binOffset: SharedArrayBuffer;
  nValueBins: SharedArrayBuffer;
  missingBins: SharedArrayBuffer;
  arena: SharedArrayBuffer;
  arenaSlots: number;
  histLength: number;
  /** First histogram index of the worker's feature range: it owns [cutIndex, histLength). */
  cutIndex: number;
}

/**
 * Blocks until ctrl[CTRL.seq] differs from `seen` (after `spin` polls) and returns the new
 * number. A wake-up alone is no job: the main thread stores SEQ and then notifies, so when it
 * is preempted in between, the worker may see the number, do the job and be waiting again
 * before that notify lands. Taking that late
 * notify for a new job re-ran the last job while the main thread went on (a second
 * subtraction, a histogram zeroed under a scan): trees changed from run to run under load.
 */
export function awaitNextJob(ctrl: Int32Array, seen: number, spin: number): number {
  let seq = Atomics.load(ctrl, CTRL.seq);
  for (let i = 0; i < spin && seq === seen; i++) seq = Atomics.load(ctrl, CTRL.seq);
  while (seq === seen) {
    Atomics.wait(ctrl, CTRL.seq, seen);
    seq = Atomics.load(ctrl, CTRL.seq);
  }
  return seq;
}
