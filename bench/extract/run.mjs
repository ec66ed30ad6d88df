#!/usr/bin/env node
// msc-extract files/s against a pydicom baseline on the same files, in one run.
//   pnpm build && node bench/run.mjs extract      (BENCH_STUDIES=120 by default: ≥ 20,000 instances)
// The cohort (realistic pixel payloads, ≈ 170 KB per file) is cached under bench/out/. The baseline
// is pydicom's dcmread(stop_before_pixels=True) + the same columns under the same rules
// (packages/extract/test/pydicom_rows.py, the parity test's oracle), one process as the original
// reads files, and also split over two processes (this machine's cores) for a like-for-like figure.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DICOM_COLUMNS } from '@msc/core';
import { walkFiles } from '@msc/extract';
import { generateCohort } from '@msc/synth';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = join(root, 'bench', 'out');
const studies = Number(process.env.BENCH_STUDIES ?? 120);
const cohortDir = join(out, `extract-cohort-${studies}`);
const PYTHON = '/usr/bin/python3';
const ORACLE = join(root, 'packages/extract/test/pydicom_rows.py');
const BIN = join(root, 'packages/extract/bin/msc-extract.mjs');

if (!existsSync(join(cohortDir, 'labels.csv'))) {
  await rm(cohortDir, { recursive: true, force: true });
  const cohort = await generateCohort({ outDir: cohortDir, studies, seed: 1, pixels: 'realistic' });
  console.log(`cohort: ${cohort.instances} instances, ${(cohort.bytes / 1e9).toFixed(2)} GB, generated in ${cohort.seconds.toFixed(0)} s`);
}
const paths = [];
for await (const path of walkFiles([cohortDir])) paths.push(path);
const listFile = join(out, 'extract-files.txt');
await writeFile(listFile, `${paths.join('\n')}\n`);
const columns = JSON.stringify(
  DICOM_COLUMNS.map((spec) => ({ name: spec.name, group: spec.tag.group, element: spec.tag.element, creator: spec.privateCreator ?? null, vr: spec.vr })),
);
const hasPydicom = spawnSync(PYTHON, ['-c', 'import pydicom'], { stdio: 'ignore' }).status === 0;

function timed(command, args) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) =>
      code === 0
        ? resolve((performance.now() - start) / 1000)
        : reject(new Error(`${command} ${args.slice(0, 2).join(' ')} exited ${code}: ${stderr.slice(-500)}`)),
    );
  });
}

async function pydicom(processes) {
  const lists = [];
  for (let p = 0; p < processes; p++) {
    const file = join(out, `extract-files-${p}.txt`);
    await writeFile(file, `${paths.filter((_, i) => i % processes === p).join('\n')}\n`);
    lists.push(file);
  }
  const start = performance.now();
  await Promise.all(lists.map((file) => timed(PYTHON, [ORACLE, columns, `@${file}`])));
  return (performance.now() - start) / 1000;
}

const extract = (args) => timed(process.execPath, [BIN, cohortDir, ...args]);
const target = join(out, 'extract-bench');
await mkdir(target, { recursive: true });

// Warm the page cache (both tools read the same header bytes).
await extract(['-o', join(target, 'warm.tsv')]);
const results = [];
const msc = await extract(['-o', join(target, 'instances.tsv')]);
results.push(['msc-extract, per instance → TSV', msc]);
results.push(['msc-extract, per instance → parquet', await extract(['-o', join(target, 'instances.parquet')])]);
results.push(['msc-extract --per-series → parquet', await extract(['-o', join(target, 'series.parquet'), '--per-series'])]);
results.push(['msc-extract --n-workers 1', await extract(['-o', join(target, 'one.tsv'), '--n-workers', '1'])]);
results.push(['msc-extract --n-workers 0 (main thread)', await extract(['-o', join(target, 'zero.tsv'), '--n-workers', '0'])]);
let baseline;
if (hasPydicom) {
  baseline = await pydicom(1);
  results.push(['pydicom, 1 process (baseline)', baseline]);
  results.push([`pydicom, ${availableParallelism()} processes`, await pydicom(availableParallelism())]);
}
console.log(`${paths.length} files (${studies} studies), ${availableParallelism()} cores; whole-process wall times, one run`);
console.log('| run | seconds | files/s | × pydicom (1 process) |');
console.log('|---|---|---|---|');
for (const [name, seconds] of results) {
  const ratio = baseline ? (baseline / seconds).toFixed(1) : 'n/a';
  console.log(`| ${name} | ${seconds.toFixed(2)} | ${Math.round(paths.length / seconds).toLocaleString('en')} | ${ratio} |`);
}
if (baseline) console.log(`target ≥ 10× the pydicom baseline: ${baseline / msc >= 10 ? 'met' : 'NOT met'} (${(baseline / msc).toFixed(1)}×)`);
else console.log('python3-pydicom not installed: no baseline (apt-get install python3-pydicom)');
await rm(target, { recursive: true, force: true });
