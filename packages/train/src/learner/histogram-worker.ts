/**
 * The second histogram thread: owns the upper feature range of every arena histogram; sums,
 * scans and subtracts those slots when the main thread posts a job (histogram-protocol.ts), with
 * the same kernels the main thread runs.
 */
import { workerData } from 'node:worker_threads';
import { awaitNextJob, CTRL, JOB, type HistogramWorkerData } from './histogram-protocol.js';
import { accumulateKernel, accumulateSumsKernel, scanSplitsKernel, subtractKernel } from './kernels.js';

/** Polls of the job counter before the worker sleeps (tens of microseconds). */
const SPIN_ITERATIONS = 20_000;

function serve(d: HistogramWorkerData): void {
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
  const from = d.cutIndex;
  const to = d.histLength;
  const arena: Float64Array[] = [];
  for (let i = 0; i < d.arenaSlots; i++) arena.push(new Float64Array(d.arena, i * d.histLength * 8, d.histLength));
  let seq = 0;
  for (;;) {
    // jobs come in bursts: spin briefly before sleeping, waking a thread costs more
    seq = awaitNextJob(ctrl, seq, SPIN_ITERATIONS);
    if (ctrl[CTRL.stop] === 1) return;
    const job = ctrl[CTRL.job];
    const hist = arena[ctrl[CTRL.slot]!]!;
    if (job === JOB.build) {
      hist.fill(0, from, to);
      const accumulate = ctrl[CTRL.sumsOnly] === 1 ? accumulateSumsKernel : accumulateKernel;
      accumulate(hist, rowMid, rowPtr, 1, slots, rows, ctrl[CTRL.start]!, ctrl[CTRL.end]!, grad, hess, ctrl[CTRL.gradOffset]!);
    } else if (job === JOB.scan) {
      scanSplitsKernel(
        hist,
        binOffset,
        nValueBins,
        missingBins,
        features,
        ctrl[CTRL.fStart]!,
        ctrl[CTRL.fEnd]!,
        fp[0]!,
        fp[1]!,
        fp[2]!,
        fp[3]!,
        fp[4]!,
        fp[5]!,
        fp[6]!,
        out,
      );
    } else {
      subtractKernel(hist, arena[ctrl[CTRL.slot2]!]!, from, to);
    }
    Atomics.store(ctrl, CTRL.done, seq);
    Atomics.notify(ctrl, CTRL.done);
  }
}

serve(workerData as HistogramWorkerData);
