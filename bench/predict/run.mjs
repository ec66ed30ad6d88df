#!/usr/bin/env node
// msc-predict whole-process wall time and peak RSS with the default model on (a) a 60,000-series
// parquet table and (b) a TSV of 5,520,218 instance rows over the same series (targets: ≤ 2 s; ≤ 20 s
// and ≤ 2 GiB), and (c) 60,000 series whose rows are all distinct (make-tables.mjs makeVariedTable:
// (a) repeats 819 feature rows, which flatters merging identical rows). Tables are generated once
// and cached under bench/out/. BENCH_TABLES=a,c picks tables (default a,b,c).
//   pnpm build && node bench/run.mjs predict
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTables, makeVariedTable } from './make-tables.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = join(root, 'bench', 'out');
const seriesCount = Number(process.env.BENCH_SERIES ?? 60_000);
const instances = Number(process.env.BENCH_INSTANCES ?? 5_520_218);
const start = performance.now();
const picked = new Set((process.env.BENCH_TABLES ?? 'a,b,c').split(','));
const { tsv, parquet } = await makeTables({ out, seriesCount, instances, withTsv: picked.has('b') });
const varied = picked.has('c') ? await makeVariedTable({ out, seriesCount }) : undefined;
const made = (performance.now() - start) / 1000;
if (made > 1) console.log(`tables generated in ${made.toFixed(0)} s`);

/** The child's peak RSS in kB, polled from /proc (VmHWM only grows, so the last reading is the peak so far). */
async function pollPeak(child) {
  let peak = 0;
  const read = () => {
    try {
      const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (match) peak = Math.max(peak, Number(match[1]));
    } catch {
      // gone already
    }
  };
  const timer = setInterval(read, 10);
  const status = await new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  clearInterval(timer);
  return { status, peak };
}

/** Wall time and peak RSS of one msc-predict process: /usr/bin/time when present (BENCH_NO_TIME=1 skips it), else /proc polling. */
async function measure(input, extra = []) {
  const output = join(out, 'predict-output.csv');
  const args = [join(root, 'packages/predict/bin/msc-predict.mjs'), input, '-o', output, ...extra];
  const useTime = existsSync('/usr/bin/time') && process.env.BENCH_NO_TIME !== '1';
  const started = performance.now();
  if (useTime) {
    const result = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, ...args], { encoding: 'utf8' });
    const wall = (performance.now() - started) / 1000;
    if (result.status !== 0) throw new Error(`msc-predict failed: ${result.stderr.slice(-2000)}`);
    const last = result.stderr.trim().split('\n').at(-1) ?? '';
    return { wall, rssMb: Number(last.split(' ')[1]) / 1024, how: '/usr/bin/time' };
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const { status, peak } = await pollPeak(child);
  const wall = (performance.now() - started) / 1000;
  if (status !== 0) throw new Error(`msc-predict failed: ${stderr.slice(-2000)}`);
  return { wall, rssMb: peak / 1024, how: '/proc VmHWM' };
}

const mb = (path) => (statSync(path).size / 1e6).toFixed(0);
console.log(`${seriesCount.toLocaleString('en')} series; ${instances.toLocaleString('en')} instance rows; default model; one run each`);
console.log('| input | size | wall s | peak RSS MB | target |');
console.log('|---|---|---|---|---|');
const ratios = [];
if (picked.has('a')) {
  const a = await measure(parquet);
  console.log(`| (a) series parquet | ${mb(parquet)} MB | ${a.wall.toFixed(2)} | ${a.rssMb.toFixed(0)} | ≤ 2 s: ${a.wall <= 2 ? 'met' : 'NOT met'} |`);
  ratios.push(`(a) ${(30 / a.wall).toFixed(1)}× the original's published 30 s`);
}
if (picked.has('b')) {
  const b = await measure(tsv);
  console.log(
    `| (b) instance TSV | ${mb(tsv)} MB | ${b.wall.toFixed(2)} | ${b.rssMb.toFixed(0)} | ≤ 20 s, ≤ 2048 MB: ${b.wall <= 20 && b.rssMb <= 2048 ? 'met' : 'NOT met'} |`,
  );
  ratios.push(`(b) ${(150 / b.wall).toFixed(1)}× the original's published 150 s`);
}
if (varied) {
  const c = await measure(varied);
  console.log(`| (c) series parquet, every row distinct | ${mb(varied)} MB | ${c.wall.toFixed(2)} | ${c.rssMb.toFixed(0)} | — (every row scored) |`);
}
if (ratios.length > 0) console.log(ratios.join('; '));
await rm(join(out, 'predict-output.csv'), { force: true });
