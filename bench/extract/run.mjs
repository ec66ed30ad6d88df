#!/usr/bin/env node
// msc-extract files/s against its I/O floor and the original's extraction code, same files, one run.
//   pnpm build && node bench/run.mjs extract   (BENCH_STUDIES=55: ≈ 31.8K files, 10 GB with pixels; BENCH_RUNS=3)
// The cohort (realistic pixel payloads, ≈ 170 KB per file) is cached under bench/out/. Every command
// runs BENCH_RUNS times, interleaved round by round (so drift of this shared machine hits all alike),
// after one warm-up round that also fills the page cache; medians, min–max and ratios are printed with
// /proc/loadavg before and after, and each run's CPU seconds (GNU time). Contenders, all at the same worker count (2, this machine's cores):
// - floor: bench/extract/floor.mjs, open + read 8 KB + close each file, nothing parsed;
// - the original restated (bench/extract/original_extract.py): pydicom dcmread of the whole file, the
//   §1 columns, multiprocessing pool, one CSV;
// - pydicom dcmread(stop_before_pixels=True) with the parity oracle's rules
//   (packages/extract/test/pydicom_rows.py), split over 2 processes: a faster Python than the original;
// - msc-extract --shard 1/4, by study, by folder and balanced (issue 20's target: ≤ 0.4× the whole run);
// - BENCH_BASELINE=<another checkout, built>: its msc-extract too, in the same rounds (before/after).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DICOM_COLUMNS } from '@msc/core';
import { walkFiles } from '@msc/extract';
import { generateCohort } from '@msc/synth';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = join(root, 'bench', 'out');
const studies = Number(process.env.BENCH_STUDIES ?? 55);
const cohortDir = join(out, `extract-cohort-${studies}`);
const PYTHON = '/usr/bin/python3';
const ORACLE = join(root, 'packages/extract/test/pydicom_rows.py');
const BIN = join(root, 'packages/extract/bin/msc-extract.mjs');
const FLOOR = join(root, 'bench/extract/floor.mjs');
const ORIGINAL = join(root, 'bench/extract/original_extract.py');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const baseline = process.env.BENCH_BASELINE;
const workers = 2;

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

// CPU seconds (user + sys, all threads and children) by GNU time when installed: on a shared machine
// they say more of the work done than wall seconds, which other processes stretch.
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const cpuSeconds = [];
let timedCalls = 0;

function timed(command, args) {
  const cpuFile = join(out, `extract-cpu-${timedCalls++ % 8}.txt`);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = GNU_TIME
      ? spawn(GNU_TIME, ['-f', '%U %S', '-o', cpuFile, command, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', async (code) => {
      if (code !== 0) return reject(new Error(`${command} ${args.slice(0, 2).join(' ')} exited ${code}: ${stderr.slice(-500)}`));
      if (GNU_TIME) {
        const [user, sys] = (await readFile(cpuFile, 'utf8')).trim().split(/\s+/).slice(-2).map(Number);
        cpuSeconds.push(user + sys);
      }
      resolve((performance.now() - start) / 1000);
    });
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

const target = join(out, 'extract-bench');
await mkdir(target, { recursive: true });
const loadavg = async () => (await readFile('/proc/loadavg', 'utf8')).trim();
const extract =
  (...args) =>
  () =>
    timed(process.execPath, [BIN, cohortDir, '--n-workers', String(workers), ...args]);
const contenders = [
  ['msc-extract, per instance → TSV', extract('-o', join(target, 'instances.tsv'))],
  ['msc-extract --per-series → parquet', extract('-o', join(target, 'series.parquet'), '--per-series')],
  ['msc-extract --shard 1/4 → TSV', extract('-o', join(target, 'shard.tsv'), '--shard', '1/4')],
  ['msc-extract --shard 1/4 --shard-by folder → TSV', extract('-o', join(target, 'shard-folder.tsv'), '--shard', '1/4', '--shard-by', 'folder')],
  ['msc-extract --shard 1/4 --shard-by balanced → TSV', extract('-o', join(target, 'shard-balanced.tsv'), '--shard', '1/4', '--shard-by', 'balanced')],
  ['floor: open + read 8 KB + close', () => timed(process.execPath, [FLOOR, listFile, String(workers)])],
];
if (baseline) {
  const baselineBin = join(baseline, 'packages/extract/bin/msc-extract.mjs');
  const run =
    (...args) =>
    () =>
      timed(process.execPath, [baselineBin, cohortDir, '--n-workers', String(workers), ...args]);
  contenders.push([`baseline ${baseline}: per instance → TSV`, run('-o', join(target, 'baseline.tsv'))]);
  contenders.push([`baseline ${baseline}: --shard 1/4 → TSV`, run('-o', join(target, 'baseline-shard.tsv'), '--shard', '1/4')]);
}
if (hasPydicom) {
  contenders.push(['original restated: pydicom whole file', () => timed(PYTHON, [ORIGINAL, columns, listFile, String(workers), join(target, 'original.csv')])]);
  contenders.push(['pydicom stop_before_pixels (oracle rules)', () => pydicom(workers)]);
}
const times = new Map(contenders.map(([name]) => [name, []]));
const cpus = new Map(contenders.map(([name]) => [name, []]));
const loadBefore = await loadavg();
for (let round = 0; round <= runs; round++) {
  for (const [name, run] of contenders) {
    cpuSeconds.length = 0;
    const seconds = await run();
    if (round === 0) continue; // round 0 warms the page cache and the binaries
    times.get(name).push(seconds);
    if (cpuSeconds.length > 0) cpus.get(name).push(cpuSeconds.reduce((sum, value) => sum + value, 0));
  }
}
const loadAfter = await loadavg();
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const msc = median(times.get(contenders[0][0]));
console.log(
  `${paths.length} files (${studies} studies), ${availableParallelism()} cores, ${workers} workers each; whole-process wall seconds, median of ${runs} interleaved runs after a warm-up`,
);
console.log(`/proc/loadavg before: ${loadBefore}; after: ${loadAfter}`);
const mscCpu = cpus.get(contenders[0][0]).length > 0 ? median(cpus.get(contenders[0][0])) : undefined;
console.log('| run | median wall s | min–max s | files/s | ÷ msc-extract | median CPU s (user+sys) | CPU ÷ msc-extract |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, values] of times) {
  const m = median(values);
  const cpu = cpus.get(name).length > 0 ? median(cpus.get(name)) : undefined;
  console.log(
    `| ${name} | ${m.toFixed(2)} | ${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)} | ${Math.round(paths.length / m).toLocaleString('en')} | ${(m / msc).toFixed(2)} | ${cpu?.toFixed(2) ?? '–'} | ${cpu && mscCpu ? (cpu / mscCpu).toFixed(2) : '–'} |`,
  );
}
console.log(`msc-extract ÷ floor: ${(msc / median(times.get('floor: open + read 8 KB + close'))).toFixed(1)}×`);
if (baseline) console.log(`msc-extract ÷ baseline: ${(msc / median(times.get(`baseline ${baseline}: per instance → TSV`))).toFixed(2)}×`);
const original = times.get('original restated: pydicom whole file');
if (original)
  console.log(`target ≥ 10× the original at equal workers: ${median(original) / msc >= 10 ? 'met' : 'NOT met'} (${(median(original) / msc).toFixed(1)}×)`);
else console.log('python3-pydicom not installed: no baseline (apt-get install python3-pydicom)');
console.log(`target ≥ 40,000 files/s: ${paths.length / msc >= 40_000 ? 'met' : 'NOT met'} (${Math.round(paths.length / msc).toLocaleString('en')})`);
for (const shardName of [
  'msc-extract --shard 1/4 → TSV',
  'msc-extract --shard 1/4 --shard-by folder → TSV',
  'msc-extract --shard 1/4 --shard-by balanced → TSV',
])
  console.log(
    `target ${shardName.replace('msc-extract ', '').replace(' → TSV', '')} ≤ 0.4× the whole run: ${(median(times.get(shardName)) / msc).toFixed(2)}× wall${mscCpu ? `, ${(median(cpus.get(shardName)) / mscCpu).toFixed(2)}× CPU` : ''}`,
  );
await rm(target, { recursive: true, force: true });
