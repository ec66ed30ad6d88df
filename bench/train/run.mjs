#!/usr/bin/env node
// Training speed and quality of @msc/train's booster against XGBoost `hist` (Debian's
// python3-xgboost, 2 threads) on the same synthetic matrix shaped like MSC features: a few
// dense numeric columns with missing values and many sparse binary n-gram columns.
// Usage: node bench/train/run.mjs [rows=10000] [features=500] [rounds=100] [classes=5] [depth=6]
// Needs `pnpm exec tsc -b packages/train` first (imports the built package).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Random } from '@msc/core';
import { argmaxRows, predictProba, trainBooster } from '@msc/train';
import { macroF1 } from './macro-f1.mjs';

const [rows = 10000, feats = 500, rounds = 100, classes = 5, depth = 6] = process.argv.slice(2).map(Number);
const eta = 0.1;
const nDense = Math.min(50, feats);
const rnd = new Random(1);

function makeMatrix(n) {
  const data = new Float32Array(n * feats);
  const labels = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const y = rnd.int(classes);
    labels[r] = y;
    for (let c = 0; c < nDense; c++) {
      const v = (c % classes === y ? 1 : 0) * 0.5 + rnd.next() * 2 + (rnd.next() < 0.02 ? 3 : 0);
      data[r * feats + c] = rnd.next() < 0.05 ? Number.NaN : Math.fround(Math.round(v * 100) / 100);
    }
    for (let c = nDense; c < feats; c++) {
      const p = c % classes === y ? 0.05 : 0.03;
      data[r * feats + c] = rnd.next() < p ? 1 : 0;
    }
  }
  return { matrix: { data, nRows: n, nCols: feats }, labels };
}

function toCsv({ matrix, labels }) {
  const lines = [];
  for (let r = 0; r < matrix.nRows; r++) {
    const cells = [String(labels[r])];
    for (let c = 0; c < matrix.nCols; c++) {
      const v = matrix.data[r * matrix.nCols + c];
      cells.push(Number.isNaN(v) ? '' : String(v));
    }
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

const train = makeMatrix(rows);
const test = makeMatrix(Math.max(2000, rows / 2));
const t0 = performance.now();
const { booster } = trainBooster(train, {
  task: 'classification',
  params: { n_estimators: rounds, max_depth: depth, learning_rate: eta, seed: 1 },
});
const mscSeconds = (performance.now() - t0) / 1000;
const mscF1 = macroF1(argmaxRows(predictProba(booster, test.matrix), classes), test.labels, classes);
const result = { bench: 'train', rows, features: feats, rounds, classes, depth, msc_train_seconds: +mscSeconds.toFixed(3), msc_macro_f1: +mscF1.toFixed(4) };

const dir = mkdtempSync(join(tmpdir(), 'msc-bench-train-'));
try {
  writeFileSync(join(dir, 'train.csv'), toCsv(train));
  writeFileSync(join(dir, 'test.csv'), toCsv(test));
  const script = fileURLToPath(new URL('./xgb.py', import.meta.url));
  const out = execFileSync(
    '/usr/bin/python3',
    [script, join(dir, 'train.csv'), join(dir, 'test.csv'), join(dir, 'pred.txt'), String(rounds), String(depth), String(eta), String(classes)],
    { encoding: 'utf8' },
  );
  const xgbSeconds = JSON.parse(out.trim().split('\n').pop()).train_seconds;
  const xgbPred = readFileSync(join(dir, 'pred.txt'), 'utf8').trim().split('\n').map(Number);
  const xgbF1 = macroF1(xgbPred, test.labels, classes);
  Object.assign(result, {
    xgboost_train_seconds: +xgbSeconds.toFixed(3),
    xgboost_macro_f1: +xgbF1.toFixed(4),
    time_ratio: +(mscSeconds / xgbSeconds).toFixed(3),
    macro_f1_diff: +(mscF1 - xgbF1).toFixed(4),
  });
} catch (error) {
  result.xgboost = `not run: ${error instanceof Error ? error.message.split('\n')[0] : String(error)} (apt-get install python3-xgboost)`;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
