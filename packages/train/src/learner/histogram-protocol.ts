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
