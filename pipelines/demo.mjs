#!/usr/bin/env node
// The README quick start: generate a small synthetic cohort (real DICOM files), classify every
// series with the shipped default model and the prostate_mpmri heuristics, print the table and
// the accuracy against the cohort's labels.
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTableAll } from '@msc/tables';
import { generateCohort } from '@msc/synth';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'demo-output');
await rm(out, { recursive: true, force: true });
const cohort = await generateCohort({ outDir: join(out, 'dicom'), studies: 6, seed: 99 });
console.log(
  `msc-synth: ${cohort.labels.length} series, ${cohort.instances} DICOM files (+${cohort.skippedObjects} SEG/SR objects) in ${join('demo-output', 'dicom')}`,
);

const predictions = join(out, 'predictions.csv');
const result = spawnSync(
  process.execPath,
  [join(root, 'packages/predict/bin/msc-predict.mjs'), join(out, 'dicom'), '--heuristics', 'prostate_mpmri', '-o', predictions],
  { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' },
);
if (result.status !== 0) {
  process.stderr.write(result.stderr);
  process.exit(result.status ?? 1);
}
const rows = (await readTableAll(predictions)).rows;
const truth = new Map(cohort.labels.map((label) => [label.series_uid, label]));
let correct = 0;
let correctModel = 0;
console.log(`\n${'description'.padEnd(38)} ${'truth'.padEnd(7)} ${'model'.padEnd(7)} ${'final'.padEnd(7)} conf   rule`);
for (const row of rows) {
  const label = truth.get(String(row.series_uid));
  if (label?.class === row.prediction_heuristics) correct += 1;
  if (label?.class === row.prediction) correctModel += 1;
  const description = (label?.description || '(empty)').slice(0, 37);
  console.log(
    `${description.padEnd(38)} ${String(label?.class).padEnd(7)} ${String(row.prediction).padEnd(7)} ${String(row.prediction_heuristics).padEnd(7)} ${Number(row.confidence).toFixed(2)}   ${row.rule ?? ''}`,
  );
}
console.log(`\naccuracy against the cohort's labels: model ${correctModel}/${rows.length}, with heuristics ${correct}/${rows.length}`);
console.log(`predictions written to ${join('demo-output', 'predictions.csv')}`);
