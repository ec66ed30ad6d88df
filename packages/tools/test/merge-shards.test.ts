/**
 * n `--shard k/n` runs + msc-merge-shards == one run, byte for byte: msc-extract per series and
 * per instance (parquet and CSV, with the skipped-files reports) and msc-predict, on real DICOM
 * files of a synthetic cohort.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo, type CliMain } from '@msc/core';
import { generateCohort, type CohortResult } from '@msc/synth';
import { readTableAll } from '@msc/tables';
import { main as extractMain } from '@msc/extract/cli';
import { main as predictMain } from '@msc/predict/cli';
import { compareWalkOrder } from '../src/merge-shards.js';
import { main as mergeMain } from '../src/cli/merge-shards.js';

const N = 3;
let dir: string;
let cohort: CohortResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-merge-'));
  cohort = await generateCohort({ outDir: join(dir, 'dicom'), studies: 6, seed: 34, maxInstancesPerSeries: 3, pixels: 'none' });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(main: CliMain, argv: string[]): Promise<void> {
  const io = captureIo();
  const code = await main(argv, io);
  expect(code, `${argv.join(' ')}: ${io.err()}`).toBe(0);
}

/** One run and N shards of the same command; then the merge of the shards. */
async function oneRunAndShards(name: string, ext: string, command: (output: string, shard?: string) => Promise<string[]>) {
  const one = join(dir, `${name}.${ext}`);
  await command(one);
  const parts: string[] = [];
  for (let k = 1; k <= N; k++) {
    const part = join(dir, `${name}.part${k}.${ext}`);
    await command(part, `${k}/${N}`);
    parts.push(part);
  }
  const merged = join(dir, `${name}.merged.${ext}`);
  // parts in any order
  await run(mergeMain, [...parts.reverse(), '-o', merged]);
  return { one, parts, merged };
}

// read on the calling thread: the merge is checked here, not the reading threads (≈ 0.1 CPU-s each to start)
const extract = (extra: string[]) => async (output: string, shard?: string) => {
  await run(extractMain, [cohort.outDir, '-o', output, '--n_workers', '0', ...extra, ...(shard ? ['--shard', shard] : [])]);
  return [output];
};

describe('msc-merge-shards', () => {
  it('msc-extract --per-series, parquet: n shards + merge == one run, byte for byte', async () => {
    const { one, parts, merged } = await oneRunAndShards('series', 'parquet', extract(['--per_series']));
    const counts = await Promise.all(parts.map(async (part) => (await readTableAll(part)).rows.length));
    expect(counts.every((n) => n > 0)).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(cohort.labels.length);
    expect(await readFile(merged)).toEqual(await readFile(one));
  });

  it('msc-extract per instance, parquet and CSV, and the skipped-files reports: byte for byte', async () => {
    for (const ext of ['parquet', 'csv']) {
      const { one, merged } = await oneRunAndShards(`instances-${ext}`, ext, extract([]));
      expect(await readFile(merged), ext).toEqual(await readFile(one));
      expect((await readTableAll(one)).rows).toHaveLength(cohort.instances);
    }
    // every shard lists the files no shard could read; merged, they are the one run's report
    const reports = Array.from({ length: N }, (_, i) => join(dir, `instances-csv.part${i + 1}.csv.skipped.csv`));
    await run(mergeMain, [...reports, '-o', join(dir, 'skipped.merged.csv')]);
    expect(await readFile(join(dir, 'skipped.merged.csv'), 'utf8')).toBe(await readFile(join(dir, 'instances-csv.csv.skipped.csv'), 'utf8'));
  });

  it('msc-predict, CSV and parquet: byte for byte', async () => {
    for (const ext of ['csv', 'parquet']) {
      const { one, merged } = await oneRunAndShards(`predictions-${ext}`, ext, async (output, shard) => {
        await run(predictMain, [cohort.outDir, '--heuristics', 'prostate_mpmri', '-o', output, ...(shard ? ['--shard', shard] : [])]);
        return [output];
      });
      expect(await readFile(merged), ext).toEqual(await readFile(one));
      expect((await readTableAll(one)).rows).toHaveLength(cohort.labels.length);
    }
  });

  it('refuses parts that overlap or differ in columns', async () => {
    const part = join(dir, 'series.part1.parquet');
    const twice = captureIo();
    expect(await mergeMain([part, part, '-o', join(dir, 'x.parquet')], twice)).toBe(3);
    expect(twice.err()).toMatch(/^error \[E_BAD_DATA\]: .*series\.part1\.parquet and .*series\.part1\.parquet are both part 1\/3\nhint: give each part once/);
    const mixed = captureIo();
    expect(await mergeMain([part, join(dir, 'instances-parquet.part2.parquet'), '-o', join(dir, 'x.parquet')], mixed)).toBe(3);
    expect(mixed.err()).toMatch(/has other columns than/);
  });

  it('knows each part by its shard record: a missing part is refused (exit 3), merged only with --allow-missing', async () => {
    const parts = [1, 2].map((k) => join(dir, `series.part${k}.parquet`));
    expect(JSON.parse(await readFile(`${parts[0]}.shard.json`, 'utf8'))).toEqual({ shard: '1/3', tool: 'msc-extract' });
    const missing = captureIo();
    expect(await mergeMain([...parts, '-o', join(dir, 'two-of-three.parquet')], missing)).toBe(3);
    expect(missing.err()).toMatch(/^error \[E_BAD_DATA\]: part 3\/3 of the run is missing\nhint: merge all 3 parts .* --allow-missing/);
    await expect(readFile(join(dir, 'two-of-three.parquet'))).rejects.toThrow();
    const allowed = captureIo();
    expect(await mergeMain([...parts, '-o', join(dir, 'two-of-three.parquet'), '--allow-missing'], allowed)).toBe(0);
    expect(allowed.err()).toMatch(/warning: parts 3 are missing/);
    expect(JSON.parse(allowed.out())).toMatchObject({ shards: 'partial', missing: [3] });
    const all = captureIo();
    expect(await mergeMain([...parts, join(dir, 'series.part3.parquet'), '-o', join(dir, 'three.parquet')], all)).toBe(0);
    expect(JSON.parse(all.out())).toMatchObject({ shards: 'complete', missing: [] });
  });

  it('refuses an output that is one of the parts, leaving the part as it was', async () => {
    const part = join(dir, 'series.part1.parquet');
    const before = await readFile(part);
    const io = captureIo();
    expect(await mergeMain([part, join(dir, 'series.part2.parquet'), join(dir, 'series.part3.parquet'), '-o', part], io)).toBe(2);
    expect(io.err()).toMatch(/^error \[E_USAGE\]: the output \(.*\) is the same file as the part .*\nhint: give the output another path/);
    expect(await readFile(part)).toEqual(before);
  });

  it('orders paths as the folder walk does: folder by folder, names compared', () => {
    const walk = ['a/b/1.dcm', 'a/b/2.dcm', 'a/c.dcm', 'a-b/x.dcm', 'b.dcm'];
    expect([...walk].reverse().sort(compareWalkOrder)).toEqual(walk);
    expect([...walk].sort()).not.toEqual(walk); // plain string order puts a-b/ before a/
  });
});
