/**
 * msc-extract under hostile but fair use (docs/data-promises.md; adversarial findings #1, #4-#7,
 * #13, #14, #16, #17, #20, #21, #23, #24, #31, #33): nothing lost, nothing silent. Runs main()
 * in-process on a small synthetic cohort; child processes only where a signal or another user
 * is the point.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo, lockOutput } from '@msc/core';
import { generateCohort, type CohortResult } from '@msc/synth';
import { main } from '../../src/cli/main.js';
import { mountTmpfs, resizeTmpfs, runHeldAtRename, skipWithoutTmpfs, temporariesIn, unmount } from '../../../../test-support/robustness.js';

const BIN = fileURLToPath(new URL('../../bin/msc-extract.mjs', import.meta.url));

let dir: string;
let cohort: CohortResult;
let reference: string[];

async function extract(args: string[]) {
  const io = captureIo();
  const code = await main(args, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

/** A CSV's data lines, sorted (row order follows the walk, which differs between layouts). */
const sortedRows = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line !== '')
    .sort();
/** Rows without their file_path cell (the first column holding a path under `root`). */
const withoutPaths = (rows: string[], root: string) =>
  rows
    .map((row) =>
      row
        .split(',')
        .filter((cell) => !cell.startsWith(root) && !cell.startsWith('"' + root))
        .join(','),
    )
    .sort();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'msc-extract-robust-'));
  chmodSync(dir, 0o755);
  cohort = await generateCohort({ outDir: join(dir, 'cohort'), studies: 3, seed: 5, maxInstancesPerSeries: 3 });
  const result = await extract([cohort.outDir, '-o', join(dir, 'ref.csv'), '--n-workers', '0']);
  expect(result.code, result.stderr).toBe(0);
  reference = sortedRows(join(dir, 'ref.csv'));
  expect(reference.length).toBe(cohort.instances);
});

describe('outputs are checked before any file is read', () => {
  it('an output that is a folder, under a file, or in /proc: E_OUTPUT (exit 5), no .partial left (#13, #17)', async () => {
    mkdirSync(join(dir, 'folder.csv'));
    writeFileSync(join(dir, 'afile.txt'), 'x');
    for (const output of [join(dir, 'folder.csv'), join(dir, 'afile.txt', 'out.csv'), '/proc/msc-robust.csv']) {
      const result = await extract([cohort.outDir, '-o', output]);
      expect(result.code, output).toBe(5);
      expect(result.stderr).toMatch(/^error \[E_OUTPUT\]: .+\nhint: /);
      expect(existsSync(`${output}.partial`)).toBe(false);
    }
  });

  it('--skipped-report equal to the output: E_USAGE, nothing written (#7)', async () => {
    const output = join(dir, 'same.csv');
    const result = await extract([cohort.outDir, '-o', output, '--skipped-report', `${dir}/./same.csv`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error \[E_USAGE\]: the skipped-files report .* is the same file as the output/);
    expect(existsSync(output) || existsSync(`${output}.partial`)).toBe(false);
  });

  it('a missing input, an unwritable or unknown-format report: refused at once, no .partial, no output (#30, #31)', async () => {
    const output = join(dir, 'early.parquet');
    const missing = await extract([join(dir, 'nonexistent'), '-o', output]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/E_INPUT_NOT_FOUND.*\nhint: /);
    const proc = await extract([cohort.outDir, '-o', output, '--skipped-report', '/proc/msc-x.csv']);
    expect(proc.code).toBe(5);
    const xlsx = await extract([cohort.outDir, '-o', output, '--skipped-report', join(dir, 'x.xlsx')]);
    expect(xlsx.code).toBe(3);
    expect(xlsx.stderr).toMatch(/E_TABLE_FORMAT/);
    expect(readdirSync(dir).filter((name) => name.startsWith('early'))).toEqual([]);
  });
});

describe('--resume', () => {
  it('refuses to mix per-series and per-instance rows, either way, and leaves the output as it was (#6, #23)', async () => {
    const perSeries = join(dir, 'series.csv');
    expect((await extract([cohort.outDir, '-o', perSeries, '--per-series'])).code).toBe(0);
    const seriesBytes = readFileSync(perSeries);
    const asInstances = await extract([cohort.outDir, '-o', perSeries, '--resume']);
    expect(asInstances.code).toBe(2);
    expect(asInstances.stderr).toMatch(/one row per series; --resume without --per-series/);
    expect(readFileSync(perSeries)).toEqual(seriesBytes);

    const instances = join(dir, 'instances.csv');
    cpSync(join(dir, 'ref.csv'), instances);
    const asSeries = await extract([cohort.outDir, '-o', instances, '--resume', '--per-series']);
    expect(asSeries.code).toBe(2);
    expect(asSeries.stderr).toMatch(/one row per instance; --resume with --per-series/);
    expect(readFileSync(instances)).toEqual(readFileSync(join(dir, 'ref.csv')));
  });

  it("tells an earlier parquet output's kind from its footer, no data decoded: damaged pages do not hide the kind", async () => {
    const output = join(dir, 'series.parquet');
    expect((await extract([cohort.outDir, '-o', output, '--per-series'])).code).toBe(0);
    // The first column chunk's page header (right after the 4-byte magic) overwritten; the footer intact.
    const bytes = readFileSync(output);
    bytes.fill(0xff, 4, 24);
    writeFileSync(output, bytes);
    const asInstances = await extract([cohort.outDir, '-o', output, '--resume']);
    expect(asInstances.code).toBe(2);
    expect(asInstances.stderr).toMatch(/one row per series; --resume without --per-series/);
    expect(readFileSync(output)).toEqual(bytes);
  });

  it('drops the cut line of a damaged part and the whole of an unparseable one, re-reads their files and sweeps stale temporaries (#20, #24)', async () => {
    const output = join(dir, 'damaged.csv');
    const partial = `${output}.partial`;
    // A run killed (SIGKILL: no exit handlers) while committing its third part.
    const held = await runHeldAtRename(BIN, [cohort.outDir, '-o', output, '--checkpoint-rows', '10', '--n-workers', '0'], 'part-000003.csv');
    expect((await held.signal('SIGKILL')).signal).toBe('SIGKILL');
    expect(temporariesIn(partial).length).toBeGreaterThan(0);
    writeFileSync(join(dir, `.damaged.csv.${held.pid}.7.tmp`), 'left by the killed run');
    const first = join(partial, 'part-000001.csv');
    truncateSync(first, statSync(first).size - 40);
    const second = join(partial, 'part-000002.csv');
    writeFileSync(second, `${readFileSync(second, 'utf8')}one,line,with,too,few,fields\n`);

    const result = await extract([cohort.outDir, '-o', output, '--checkpoint-rows', '10', '--n-workers', '0', '--resume']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/part-000001\.csv .* was cut short/);
    expect(result.stderr).toMatch(/part-000002\.csv .* is damaged .*dropped it, its files are read again/);
    expect(result.stderr).toMatch(/removed 1 temporary file\(s\) left by an interrupted run\n/);
    expect(sortedRows(output)).toEqual(reference);
    expect(temporariesIn(dir)).toEqual([]);
    expect(existsSync(partial)).toBe(false);
  });
});

describe('a second run on the same output', () => {
  it('is refused while the first holds the partial run; SIGINT stops the first, leaving its parts, no temporaries and a way to resume (#4, #20)', async () => {
    const output = join(dir, 'shared.csv');
    const partial = `${output}.partial`;
    const first = await runHeldAtRename(BIN, [cohort.outDir, '-o', output, '--checkpoint-rows', '10', '--n-workers', '0'], 'part-000002.csv');
    const second = await extract([cohort.outDir, '-o', output, '--n-workers', '0']);
    expect(second.code).toBe(5);
    expect(second.stderr).toMatch(new RegExp(`is being written by another run \\(pid ${first.pid}`));
    expect(readdirSync(partial)).toContain('part-000001.csv');

    const stopped = await first.signal('SIGINT');
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted \(SIGINT\); finished parts are kept in .*shared\.csv\.partial; rerun the same command with --resume/);
    // The lock and every temporary are gone; the committed part stays (an orphan skipped list of the
    // interrupted part is harmless: it is rewritten when that part is committed).
    expect(readdirSync(partial).filter((name) => !name.startsWith('part-000002'))).toEqual(['part-000001.csv', 'part-000001.skipped.tsv', 'run.json']);
    expect([...temporariesIn(dir), ...temporariesIn(partial)]).toEqual([]);

    const resumed = await extract([cohort.outDir, '-o', output, '--checkpoint-rows', '10', '--n-workers', '0', '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(sortedRows(output)).toEqual(reference);
  });

  it('takes over the lock of a run that no longer exists', async () => {
    const output = join(dir, 'stale.csv');
    mkdirSync(`${output}.partial`);
    const gone = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    writeFileSync(join(`${output}.partial`, 'run.lock'), JSON.stringify({ pid: gone, host: (await import('node:os')).hostname() }));
    const result = await extract([cohort.outDir, '-o', output, '--n-workers', '0']);
    expect(result.code, result.stderr).toBe(0);
    // A live holder (this process) is refused.
    mkdirSync(`${output}.partial`);
    const lock = lockOutput(join(`${output}.partial`, 'run.lock'), output);
    try {
      expect((await extract([cohort.outDir, '-o', output])).code).toBe(5);
    } finally {
      lock.release();
    }
  });
});

describe('every file accounted for', () => {
  it('follows symbolic links to files and folders, once per folder (loops end), and reports broken links and FIFOs (#5)', async () => {
    const linked = join(dir, 'linked');
    cpSync(cohort.outDir, linked, { recursive: true });
    // One series' files moved away and replaced by links to them.
    const seriesDir = join(
      linked,
      readdirSync(linked).find((name) => name.startsWith('SYN'))!,
    );
    const study = join(seriesDir, readdirSync(seriesDir)[0]!);
    const series = join(study, readdirSync(study).sort()[1]!);
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    for (const name of readdirSync(series)) {
      cpSync(join(series, name), join(elsewhere, name));
      rmSync(join(series, name));
      symlinkSync(join(elsewhere, name), join(series, name));
    }
    symlinkSync(linked, join(study, 'loop')); // a link to an ancestor
    symlinkSync(join(dir, 'nowhere'), join(study, 'dangling'));
    execFileSync('mkfifo', [join(study, 'fifo')]);
    const output = join(dir, 'linked.csv');
    const result = await extract([linked, '-o', output, '--n-workers', '0']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ instances: cohort.instances, series: cohort.labels.length });
    expect(withoutPaths(sortedRows(output), dir)).toEqual(withoutPaths(reference, dir));
    const report = readFileSync(join(dir, 'linked.csv.skipped.csv'), 'utf8');
    expect(report).toContain(`${join(study, 'loop')},"folder already walked`);
    expect(report).toContain(`${join(study, 'dangling')},broken symbolic link (ENOENT)`);
    expect(report).toContain(`${join(study, 'fifo')},"not a regular file`);
  });

  it('reads each file once when inputs repeat or overlap (#33)', async () => {
    const sub = join(
      cohort.outDir,
      readdirSync(cohort.outDir).find((name) => name.startsWith('SYN'))!,
    );
    for (const inputs of [
      [cohort.outDir, cohort.outDir],
      [cohort.outDir, `${sub}/`],
      [sub, cohort.outDir],
    ]) {
      const output = join(dir, 'overlap.csv');
      const result = await extract([...inputs, '-o', output, '--n-workers', '0']);
      expect(result.code, result.stderr).toBe(0);
      expect(sortedRows(output)).toEqual(reference);
      expect(readFileSync(join(dir, 'overlap.csv.skipped.csv'), 'utf8')).toMatch(/folder already walked/);
    }
  });

  it('reports a file whose name is not UTF-8 with a reason, instead of a misleading ENOENT (#21)', async () => {
    const odd = join(dir, 'odd');
    mkdirSync(odd);
    const sample = join(dir, 'elsewhere', readdirSync(join(dir, 'elsewhere'))[0]!);
    cpSync(sample, join(odd, 'ok.dcm'));
    writeFileSync(Buffer.concat([Buffer.from(`${odd}/bad`), Buffer.from([0xff, 0xfe]), Buffer.from('.dcm')]), readFileSync(sample));
    // A real U+FFFD in a UTF-8 name (what a bad byte reads as) is an ordinary file.
    cpSync(sample, join(odd, 'real\uFFFD.dcm'));
    const result = await extract([odd, '-o', join(dir, 'odd.csv'), '--n-workers', '0']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ instances: 2 });
    expect(readFileSync(join(dir, 'odd.csv'), 'utf8')).toContain(join(odd, 'real\uFFFD.dcm'));
    const report = readFileSync(join(dir, 'odd.csv.skipped.csv'), 'utf8');
    expect(report).toMatch(/bad\uFFFD\uFFFD\.dcm,.*not valid UTF-8/);
    expect(report).not.toContain('real');
  });

  // Root reads every folder; without the capabilities that let it (setpriv, util-linux) it meets
  // EACCES like any user, while the checkout stays readable wherever it is cloned (an owner-only
  // folder included, where running as nobody could not load the binary).
  it.skipIf(process.getuid?.() !== 0)('reports a folder the user cannot read, and extracts the rest (#16; root without DAC override)', () => {
    const guarded = join(dir, 'guarded');
    cpSync(cohort.outDir, guarded, { recursive: true });
    const locked = join(
      guarded,
      readdirSync(guarded).find((name) => name.startsWith('SYN'))!,
    );
    chmodSync(locked, 0);
    const outputs = join(dir, 'without-override');
    mkdirSync(outputs);
    const noOverride = ['--inh-caps=-dac_override,-dac_read_search', '--bounding-set=-dac_override,-dac_read_search'];
    const result = spawnSync('setpriv', [...noOverride, process.execPath, BIN, guarded, '-o', join(outputs, 'out.csv'), '--n-workers', '0'], {
      encoding: 'utf8',
    });
    chmodSync(locked, 0o755);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(readFileSync(join(outputs, 'out.csv.skipped.csv'), 'utf8')).toContain(`${locked},unreadable folder (EACCES)`);
    expect(JSON.parse(result.stdout).instances).toBeLessThan(cohort.instances);
  });
});

describe('--n-workers', () => {
  it('caps an absurd thread count (4 per core) with a note, instead of starting 10,000 threads (#14)', async () => {
    const result = await extract([cohort.outDir, '-o', join(dir, 'workers.csv'), '--n-workers', '10000']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/note: --n-workers 10000 lowered to \d+ \(4 per core/);
  });
});

describe.skipIf(skipWithoutTmpfs('extract disk-full tests'))('a disk that fills up while the parts are joined (#1)', () => {
  const small = () => join(dir, 'small');
  const big = () => join(dir, 'big');
  const ROWS_PER_PART = 60;
  let size: number;
  let bigReference: string[];
  beforeAll(async () => {
    // Six copies of the cohort: parts large against tmpfs's 4 KiB pages.
    for (let copy = 0; copy < 6; copy++) cpSync(cohort.outDir, join(big(), `copy${copy}`), { recursive: true });
    expect((await extract([big(), '-o', join(dir, 'big-ref.csv'), '--n-workers', '0'])).code).toBe(0);
    bigReference = sortedRows(join(dir, 'big-ref.csv'));
    size = statSync(join(dir, 'big-ref.csv')).size;
    const parts = Math.ceil(bigReference.length / ROWS_PER_PART);
    const header = readFileSync(join(dir, 'big-ref.csv'), 'utf8').indexOf('\n') + 1;
    // Room for the parts (each file rounded up to pages, a skipped list each, run.json, the lock)
    // and half an output more: never for the whole joined output.
    mountTmpfs(small(), size + parts * header + (2 * parts + 4) * 4096 + Math.floor(size / 2));
  });
  afterAll(() => unmount(small()));

  it('fails with E_OUTPUT (exit 5), keeps the parts, and --resume finishes once there is room', async () => {
    const output = join(small(), 'full.csv');
    const args = [big(), '-o', output, '--checkpoint-rows', String(ROWS_PER_PART), '--n-workers', '0'];
    const full = await extract(args);
    expect(full.code).toBe(5);
    expect(full.stderr).toMatch(/^error \[E_OUTPUT\]: cannot write .*full\.csv: ENOSPC.*\nhint: free space/);
    expect(existsSync(output)).toBe(false);
    expect(temporariesIn(small())).toEqual([]);
    expect(readdirSync(`${output}.partial`).filter((name) => name.endsWith('.csv')).length).toBeGreaterThan(1);

    const stillFull = await extract([...args, '--resume']);
    expect(stillFull.code).toBe(5);
    expect(stillFull.stderr).toMatch(/E_OUTPUT/);

    resizeTmpfs(small(), size * 4);
    const resumed = await extract([...args, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(sortedRows(output)).toEqual(bigReference);
  });
});
