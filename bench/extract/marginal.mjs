#!/usr/bin/env node
// What an archive sees of msc-extract's speed: the fixed cost of a run (process and thread start,
// module loading, the JIT's warm-up) apart from the steady per-file rate. msc-extract runs over
// nested subsets of a cohort's study folders (the first 1, ¼, ½ and all of them, as positional
// inputs), interleaved round by round; per subset the medians of wall and CPU seconds, the
// whole-run files/s, and between consecutive subsets the marginal rate (N2 − N1) / (T2 − T1).
// A least-squares line T = fixed + N / rate over the medians gives the fixed cost and the rate.
//   node bench/extract/marginal.mjs [cohort=bench/out/extract-cohort-55] [runs=5] [bin=packages/extract/bin/msc-extract.mjs ...]
// Several bins (e.g. another checkout's, built) run in the same rounds, in turn, each with its table.
// (MARGINAL_WORKERS=2: --n-workers; MARGINAL_FRACTIONS="1/55 1/4 1/2 1".) Page cache warm: one
// untimed run over the whole cohort first.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { walkFiles } from '@msc/extract';

const root = fileURLToPath(new URL('../..', import.meta.url));
const [cohortArg, runsArg = '5', ...binArgs] = process.argv.slice(2);
const cohort = resolve(cohortArg ?? join(root, 'bench/out/extract-cohort-55'));
const runs = Number(runsArg);
const bins = (binArgs.length > 0 ? binArgs : [join(root, 'packages/extract/bin/msc-extract.mjs')]).map((bin) => resolve(bin));
const workers = process.env.MARGINAL_WORKERS ?? '2';
const fractions = (process.env.MARGINAL_FRACTIONS ?? '1/55 1/4 1/2 1').split(/\s+/).map((text) => {
  const [num, den = '1'] = text.split('/');
  return Number(num) / Number(den);
});
const GNU_TIME = '/usr/bin/time';
if (!existsSync(GNU_TIME)) throw new Error('needs GNU time (/usr/bin/time) for the CPU seconds');

const studies = (await readdir(cohort, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(cohort, entry.name))
  .sort();
const filesOf = new Map();
for (const study of studies) {
  let count = 0;
  for await (const _path of walkFiles([study])) count += 1;
  filesOf.set(study, count);
}
const subsets = [...new Set(fractions.map((fraction) => Math.max(1, Math.round(fraction * studies.length))))]
  .sort((a, b) => a - b)
  .map((count) => {
    const folders = studies.slice(0, count);
    return { folders, files: folders.reduce((sum, folder) => sum + filesOf.get(folder), 0) };
  });
/** Per bin, per subset: the runs' wall and CPU seconds. */
const timings = bins.map(() => subsets.map(() => ({ wall: [], cpu: [] })));

const scratch = await mkdtemp(join(tmpdir(), 'msc-marginal-'));
function timed(bin, folders) {
  const cpuFile = join(scratch, 'cpu.txt');
  const args = ['-f', '%U %S', '-o', cpuFile, process.execPath, bin, ...folders, '-o', join(scratch, 'out.tsv'), '--n-workers', workers];
  return new Promise((done, fail) => {
    const start = performance.now();
    const child = spawn(GNU_TIME, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', async (code) => {
      const wall = (performance.now() - start) / 1000;
      if (code !== 0) return fail(new Error(`msc-extract exited ${code}: ${stderr.slice(-500)}`));
      const [user, sys] = (await readFile(cpuFile, 'utf8')).trim().split(/\s+/).slice(-2).map(Number);
      done({ wall, cpu: user + sys });
    });
  });
}

const loadavg = async () => (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

console.log(`${cohort}: ${studies.length} study folders; --n-workers ${workers}; ${runs} rounds; load ${await loadavg()}`);
for (const bin of bins) await timed(bin, studies); // warm-up: page cache
for (let round = 0; round < runs; round++) {
  for (let s = 0; s < subsets.length; s++) {
    for (let b = 0; b < bins.length; b++) {
      const { wall, cpu } = await timed(bins[b], subsets[s].folders);
      timings[b][s].wall.push(wall);
      timings[b][s].cpu.push(cpu);
    }
  }
}
console.log(`load after ${await loadavg()}`);
bins.forEach((bin, b) => report(bin, timings[b]));
await rm(scratch, { recursive: true, force: true });

function report(bin, runsBySubset) {
  console.log(`\n${bin}\n`);
  const rows = subsets.map((subset, s) => {
    const { wall, cpu } = runsBySubset[s];
    return { ...subset, wall, wallMedian: median(wall), cpuMedian: median(cpu) };
  });
  console.log('| studies | files | wall s (min–max) | CPU s | files/s (whole run) | marginal files/s (wall) | marginal µs CPU a file |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  rows.forEach((row, i) => {
    const previous = rows[i - 1];
    const marginal = previous ? Math.round((row.files - previous.files) / (row.wallMedian - previous.wallMedian)).toLocaleString('en') : '';
    const marginalCpu = previous ? (((row.cpuMedian - previous.cpuMedian) / (row.files - previous.files)) * 1e6).toFixed(1) : '';
    const spread = `${Math.min(...row.wall).toFixed(2)}–${Math.max(...row.wall).toFixed(2)}`;
    console.log(
      `| ${row.folders.length} | ${row.files} | ${row.wallMedian.toFixed(2)} (${spread}) | ${row.cpuMedian.toFixed(2)} | ${Math.round(row.files / row.wallMedian).toLocaleString('en')} | ${marginal} | ${marginalCpu} |`,
    );
  });

  /** Least squares y = a + b·x over the medians. */
  function line(xs, ys) {
    const n = xs.length;
    const mx = xs.reduce((s, x) => s + x, 0) / n;
    const my = ys.reduce((s, y) => s + y, 0) / n;
    const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    return { fixed: my - slope * mx, slope };
  }
  const files = rows.map((row) => row.files);
  const wallFit = line(
    files,
    rows.map((row) => row.wallMedian),
  );
  const cpuFit = line(
    files,
    rows.map((row) => row.cpuMedian),
  );
  console.log(
    `\nfit over the medians: wall = ${wallFit.fixed.toFixed(2)} s + N / ${Math.round(1 / wallFit.slope).toLocaleString('en')} files/s; ` +
      `CPU = ${cpuFit.fixed.toFixed(2)} s + ${(cpuFit.slope * 1e6).toFixed(1)} µs × N`,
  );
}
