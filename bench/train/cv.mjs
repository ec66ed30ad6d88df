#!/usr/bin/env node
// msc-train's cross-validation against XGBoost 1.7 `hist` on the very same feature matrix and
// folds: msc featurizes a labelled series table (bench/train/make-table.mjs) as msc-train does,
// its matrix, labels and folds are exported to raw files, and XGBoost (Debian python3-xgboost,
// bench/train/xgb-cv.py) trains the same fold loop on them with the same depth, rounds, learning
// rate, lambda, min_child_weight and max_bin. Runs are interleaved (msc, XGBoost, msc, …), each in
// a fresh process; prints every run, medians, the pair-by-pair time ratio and /proc/loadavg.
//   node bench/train/cv.mjs [series=10000] [rounds=200] [depth=6] [runs=3] [xgbThreads=2]
// Needs `pnpm build` first (imports the built packages).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { macroF1 } from './macro-f1.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** One msc training in this process: table → trainModel; exports the matrix to `dir`. */
async function mscChild(table, rounds, depth, dir) {
  const { fileTrainIo, trainModel } = await import('@msc/train');
  const { addStudyContext } = await import('@msc/features');
  const read = await fileTrainIo().readRows(table, 'class');
  const rows = addStudyContext([...read.rows, ...(read.unlabelledSeries ?? [])]).rows.slice(0, read.rows.length);
  let cvStart = 0;
  let labels;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const model = trainModel(rows, {
    folds: 5,
    importance: false,
    params: { n_estimators: rounds, max_depth: depth },
    onMatrix: ({ matrix, labels: l, folds, nFolds }) => {
      cvStart = performance.now();
      labels = Int32Array.from(l);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'matrix.f32'), new Uint8Array(matrix.data.buffer, matrix.data.byteOffset, matrix.data.byteLength));
      writeFileSync(join(dir, 'labels.i32'), new Uint8Array(labels.buffer));
      writeFileSync(join(dir, 'folds.i32'), new Uint8Array(folds.buffer, folds.byteOffset, folds.byteLength));
      writeFileSync(join(dir, 'shape.json'), JSON.stringify({ rows: matrix.nRows, cols: matrix.nCols, folds: nFolds }));
    },
  });
  const end = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const k = model.classNames.length;
  const predicted = new Int32Array(labels.length);
  for (let r = 0; r < labels.length; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (model.cv.outOfFold[r * k + c] > model.cv.outOfFold[r * k + best]) best = c;
    predicted[r] = best;
  }
  return {
    cv_seconds: (end - cvStart) / 1000,
    train_model_seconds: (end - t0) / 1000,
    cpu_seconds: (cpu.user + cpu.system) / 1e6,
    macro_f1: macroF1(predicted, labels, k),
    classes: k,
    onnx_sha256: createHash('sha256').update(model.onnx).digest('hex'),
  };
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  const [, table, rounds, depth, dir] = args;
  console.log(JSON.stringify(await mscChild(table, Number(rounds), Number(depth), dir)));
} else {
  const [series = 10000, rounds = 200, depth = 6, runs = 3, xgbThreads = 2] = args.map(Number);
  const table = execFileSync(process.execPath, [join(here, 'make-table.mjs'), String(series)], { encoding: 'utf8' }).trim();
  const dir = join(here, '../out', `cv-matrix-${series}`);
  const eta = 0.1;
  const shape = () => JSON.parse(readFileSync(join(dir, 'shape.json'), 'utf8'));
  const out = {
    bench: 'train-cv',
    series,
    rounds,
    depth,
    eta,
    folds: 5,
    xgb_threads: xgbThreads,
    omp_wait_policy: process.env.XGB_OMP_WAIT ?? 'PASSIVE',
    load_before: load(),
    runs: [],
  };
  for (let i = 0; i < runs; i++) {
    const msc = JSON.parse(
      execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', table, String(rounds), String(depth), dir], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .pop(),
    );
    const xgbOut = execFileSync(
      '/usr/bin/python3',
      [join(here, 'xgb-cv.py'), dir, String(rounds), String(depth), String(eta), String(msc.classes), String(xgbThreads)],
      {
        encoding: 'utf8',
        // on a shared machine OpenMP threads that spin for a core another process holds burn CPU
        // and wall time; passive waiting makes XGBoost's CPU seconds its work (XGB_OMP_WAIT=ACTIVE to compare)
        env: { ...process.env, OMP_WAIT_POLICY: process.env.XGB_OMP_WAIT ?? 'PASSIVE' },
      },
    );
    const xgb = JSON.parse(xgbOut.trim().split('\n').pop());
    const labels = new Int32Array(readFileSync(join(dir, 'labels.i32')).buffer.slice(0));
    const pred = new Int32Array(readFileSync(join(dir, 'xgb-pred.i32')).buffer.slice(0));
    xgb.macro_f1 = macroF1(pred, labels, msc.classes);
    const run = { msc, xgb, cv_ratio: msc.cv_seconds / xgb.seconds, cpu_ratio: msc.cpu_seconds / xgb.cpu_seconds, load: load() };
    out.runs.push(run);
    console.error(JSON.stringify(run));
  }
  const { rows, cols } = shape();
  Object.assign(out, {
    rows,
    features: cols,
    msc_cv_seconds_median: median(out.runs.map((r) => r.msc.cv_seconds)),
    msc_cpu_seconds_median: median(out.runs.map((r) => r.msc.cpu_seconds)),
    xgb_seconds_median: median(out.runs.map((r) => r.xgb.seconds)),
    xgb_cpu_seconds_median: median(out.runs.map((r) => r.xgb.cpu_seconds)),
    cv_ratio_median: median(out.runs.map((r) => r.cv_ratio)),
    cpu_ratio_median: median(out.runs.map((r) => r.cpu_ratio)),
    msc_macro_f1: out.runs[0].msc.macro_f1,
    xgb_macro_f1: out.runs[0].xgb.macro_f1,
    onnx_sha256: [...new Set(out.runs.map((r) => r.msc.onnx_sha256))],
    load_after: load(),
  });
  for (const r of out.runs) delete r.msc.onnx_sha256;
  console.log(JSON.stringify(out));
}
