import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTableAll } from '@msc/tables';
import { captureIo, shardOf } from '@msc/core';
import { PYDICOM_TEST_FILES, skipWithoutPython } from '../../../test-support/oracles.js';
import { generateCohort, type CohortResult } from '@msc/synth';
import { main } from '../src/cli/main.js';
import { extractBatches, type ExtractEvent } from '../src/index.js';

const BIN = fileURLToPath(new URL('../bin/msc-extract.mjs', import.meta.url));
/** msc-extract in-process (what the binary runs); only the tests that kill a run start the binary. */
async function run(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const status = await main(args, io);
  return { status, stdout: io.out(), stderr: io.err() };
}

let dir: string;
let cohort: CohortResult;
let fullTsv: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-extract-resume-'));
  // 8 files a series (the cap keeps one per b-value, phase, echo and direction first): 415 files,
  // not 1,794; only the killed runs below need a long run, and read the uncapped archive.
  cohort = await generateCohort({ outDir: join(dir, 'cohort'), studies: 5, seed: 35, maxInstancesPerSeries: 8 });
  fullTsv = join(dir, 'full.tsv');
  const result = await run([cohort.outDir, '-o', fullTsv]);
  expect(result.status, result.stderr).toBe(0);
});

const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n').filter((line) => line !== '');

async function events(workers: number): Promise<ExtractEvent[]> {
  const all: ExtractEvent[] = [];
  for await (const batch of extractBatches([cohort.outDir], { workers })) all.push(...batch);
  return all;
}

describe('worker threads', () => {
  it('give the same events, in the same order, as reading on the main thread', async () => {
    const [inline, threaded] = [await events(0), await events(2)];
    expect(threaded.length).toBe(cohort.files + 1); // + labels.csv, skipped as not DICOM
    expect(threaded).toEqual(inline);
  });
});

describe('--shard k/n', () => {
  it('splits the series into disjoint parts whose union is one run', async () => {
    const [header, ...all] = await lines(fullTsv);
    const union: string[] = [];
    const seriesPerShard: Set<string>[] = [];
    for (const k of [1, 2, 3]) {
      const out = join(dir, `shard-${k}.tsv`);
      const result = await run([cohort.outDir, '-o', out, '--shard', `${k}/3`]);
      expect(result.status, result.stderr).toBe(0);
      const [shardHeader, ...rows] = await lines(out);
      expect(shardHeader).toBe(header);
      union.push(...rows);
      const table = await readTableAll(out);
      const series = new Set(table.rows.map((row) => String(row.series_uid)));
      for (const row of table.rows) expect(shardOf(String(row.study_uid), 3)).toBe(k);
      seriesPerShard.push(series);
    }
    expect(seriesPerShard.every((series) => series.size > 0)).toBe(true);
    expect(union.sort()).toEqual([...all].sort());
  });

  it('writes an empty table, not an error, for a shard with no series', async () => {
    const table = await readTableAll(fullTsv);
    const keys = new Set(table.rows.map((row) => String(row.study_uid)));
    const used = new Set([...keys].map((key) => shardOf(key, 500)));
    const empty = Array.from({ length: 500 }, (_, i) => i + 1).find((k) => !used.has(k))!;
    const out = join(dir, 'empty-shard.tsv');
    const result = await run([cohort.outDir, '-o', out, '--shard', `${empty}/500`]);
    expect(result.status, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { series: number }).series).toBe(0);
    const [header, ...rows] = await lines(out);
    expect(header).toBe((await lines(fullTsv))[0]);
    expect(rows).toEqual([]);
  });

  it('reads files of other shards no further than their study UID, and their union is the whole run', async () => {
    // A folder of intact files from every study, and one whose header is cut just after its
    // StudyInstanceUID: a full read reports it (no SeriesInstanceUID), a read up to the UID does not notice.
    const folder = join(dir, 'cut');
    await mkdir(folder);
    const full = await readTableAll(fullTsv);
    const files = full.rows.filter((_, i) => i % 7 === 0).map((row) => String(row.file_path));
    for (const [i, file] of files.entries()) await cp(file, join(folder, `intact-${i}.dcm`));
    const bytes = await readFile(files[0]!);
    const studyUid = String(full.rows.find((row) => row.file_path === files[0])!.study_uid);
    // (0020,000D) UI, explicit VR little endian: tag, VR, 16-bit length, then the value.
    const at = Buffer.from(bytes).indexOf(Buffer.from([0x20, 0x00, 0x0d, 0x00, 0x55, 0x49]));
    expect(at).toBeGreaterThan(0);
    const studyEnd = at + 8 + bytes.readUInt16LE(at + 6);
    const cut = join(folder, 'cut.dcm');
    await writeFile(cut, bytes.subarray(0, studyEnd + 6));
    const count = 3;
    const own = shardOf(studyUid, count);

    const extract = async (name: string, shard?: number) => {
      const out = join(dir, `cut-${name}.tsv`);
      const result = await run([folder, '-o', out, ...(shard ? ['--shard', `${shard}/${count}`] : [])]);
      expect(result.status, result.stderr).toBe(0);
      expect((JSON.parse(result.stdout) as { files: number }).files).toBe(files.length + 1); // every file counts as looked at
      const skipped = (await readTableAll(`${out}.skipped.csv`)).rows.map((row) => `${String(row.path)} ${String(row.reason)}`);
      return { rows: (await lines(out)).slice(1), skipped };
    };
    const whole = await extract('whole');
    expect(whole.skipped).toEqual([`${cut} no StudyInstanceUID or SeriesInstanceUID`]);
    const union = { rows: [] as string[], skipped: [] as string[] };
    for (let k = 1; k <= count; k++) {
      const part = await extract(`${k}`, k);
      expect(part.skipped).toEqual(k === own ? whole.skipped : []);
      union.rows.push(...part.rows);
      union.skipped.push(...part.skipped);
    }
    expect(union.rows.sort()).toEqual([...whole.rows].sort());
    expect(union.skipped).toEqual(whole.skipped);

    // The main thread (`workers: 0`) reads the same way.
    const other = (own % count) + 1;
    const events: ExtractEvent[] = [];
    let otherShardFiles = 0;
    const onOtherShardFiles = (n: number) => (otherShardFiles += n);
    for await (const batch of extractBatches([folder], { workers: 0, shard: { index: other, count }, onOtherShardFiles })) events.push(...batch);
    expect(events.filter((event) => event.kind === 'skipped')).toEqual([]);
    expect(events.length + otherShardFiles).toBe(files.length + 1);
  });

  it('rejects a malformed shard', async () => {
    const result = await run([cohort.outDir, '-o', join(dir, 'bad.tsv'), '--shard', '4/3']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--shard takes k\/n/);
  });
});

/**
 * Starts msc-extract and SIGKILLs it once `parts` parts are committed. Polls only while the child
 * runs: a child that finishes first fails the test with a message instead of spinning forever.
 */
async function killAfterParts(args: string[], partial: string, parts: number): Promise<void> {
  const child = spawn(process.execPath, args, { stdio: 'ignore' });
  let exited = false;
  const exit = new Promise((done) => child.once('exit', () => done((exited = true))));
  const committed = async () => (existsSync(partial) ? (await readdir(partial)).filter((name) => /^part-\d+\.tsv$/.test(name)).length : 0);
  while (!exited && (await committed()) < parts) await new Promise((done) => setTimeout(done, 5));
  if (exited) throw new Error(`msc-extract finished before ${parts} parts were committed: nothing to kill`);
  child.kill('SIGKILL');
  await exit;
}

describe('interrupted runs', () => {
  // The whole archive, 1,794 files: one row a part on the main thread takes seconds, long after the
  // 20th part is seen and the run killed.
  let archive: CohortResult;
  let archiveTsv: string;
  beforeAll(async () => {
    archive = await generateCohort({ outDir: join(dir, 'archive'), studies: 5, seed: 35 });
    archiveTsv = join(dir, 'archive.tsv');
    const result = await run([archive.outDir, '-o', archiveTsv]);
    expect(result.status, result.stderr).toBe(0);
  });

  it('a killed run leaves no output file, and --resume completes it to the same table', async () => {
    const out = join(dir, 'killed', 'instances.tsv');
    const partial = `${out}.partial`;
    // One row per committed part, read on the main thread: slow enough to be killed half way.
    const args = [archive.outDir, '-o', out, '--checkpoint-rows', '1', '--n-workers', '0'];
    await killAfterParts([BIN, ...args], partial, 20);
    const beside = await readdir(join(dir, 'killed'));
    expect(beside).toEqual(['instances.tsv.partial']); // no output, no skipped report, no temporary file
    const committed = (await readdir(partial)).filter((name) => /^part-\d+\.tsv$/.test(name)).length;
    expect(committed).toBeLessThan(archive.instances);

    const resumed = await run([...args.slice(0, 3), '--resume']);
    expect(resumed.status, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout) as { resumedFiles: number; files: number };
    expect(summary.resumedFiles).toBeGreaterThanOrEqual(committed);
    expect(summary.files + summary.resumedFiles).toBe(archive.files + 1);
    expect(await readFile(out, 'utf8')).toBe(await readFile(archiveTsv, 'utf8'));
    expect(existsSync(partial)).toBe(false);
  }, 60_000);

  it('refuses to resume a partial run made with other options', async () => {
    // Leave a partial per-instance run behind, then ask to resume it as a per-series run.
    await killAfterParts([BIN, archive.outDir, '-o', join(dir, 'other.tsv'), '--checkpoint-rows', '1', '--n-workers', '0'], join(dir, 'other.tsv.partial'), 2);
    const result = await run([archive.outDir, '-o', join(dir, 'other.tsv'), '--per-series', '--resume']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/started with other inputs or options/);
  }, 60_000);

  it('--resume on a finished output adds only what is new', async () => {
    // small archives (4 files a series) suffice: what is checked is which files a resumed run reads
    const first = await generateCohort({ outDir: join(dir, 'first'), studies: 3, seed: 35, maxInstancesPerSeries: 4 });
    const extra = await generateCohort({ outDir: join(dir, 'extra'), studies: 1, seed: 34, maxInstancesPerSeries: 4 });
    for (const kind of ['parquet', 'csv'] as const) {
      const grown = join(dir, `grown-${kind}`);
      await cp(first.outDir, join(grown, 'a'), { recursive: true });
      const out = join(dir, `grown-series.${kind}`);
      expect((await run([grown, '-o', out, '--per-series'])).status).toBe(0);
      await cp(extra.outDir, join(grown, 'b'), { recursive: true });
      const again = await run([grown, '-o', out, '--per-series', '--resume']);
      expect(again.status, again.stderr).toBe(0);
      const summary = JSON.parse(again.stdout) as { instances: number; series: number; files: number };
      expect(summary.instances).toBe(extra.instances);
      expect(summary.series).toBe(first.labels.length + extra.labels.length);
      const once = join(dir, `grown-once.${kind}`);
      expect((await run([grown, '-o', once, '--per-series'])).status).toBe(0);
      expect((await readTableAll(out)).rows).toEqual((await readTableAll(once)).rows);
    }
  }, 60_000);
});

describe('--feature-types metadata image', () => {
  it.skipIf(skipWithoutPython('pydicom'))(
    'threads and main thread agree on the pydicom corpus, and unusable pixels are said why',
    async () => {
      const collect = async (workers: number) => {
        const all: ExtractEvent[] = [];
        for await (const batch of extractBatches([PYDICOM_TEST_FILES], { workers, image: true })) all.push(...batch);
        return all;
      };
      const [inline, threaded] = [await collect(0), await collect(2)];
      expect(threaded).toEqual(inline);
      const mr = threaded.find((event) => event.path.endsWith('/MR_small.dcm'));
      expect(mr?.kind === 'row' && Number(mr.row.image_x)).toBe(64);
      expect(mr?.kind === 'row' && Number(mr.row.image_max)).toBeGreaterThan(Number(mr?.kind === 'row' && mr.row.image_min));
      const jpeg = threaded.find((event) => event.path.endsWith('/SC_rgb_jpeg_dcmtk.dcm'));
      expect(jpeg?.kind === 'row' && jpeg.row.image_mean).toBe('-');
      expect(jpeg?.kind === 'row' && jpeg.imageNote).toMatch(/transfer syntax|colour/);
    },
    60_000,
  );

  it('adds the image columns per instance and their means per series', async () => {
    const instancesOut = join(dir, 'image-instances.csv');
    const seriesOut = join(dir, 'image-series.csv');
    expect((await run([cohort.outDir, '-o', instancesOut, '--feature-types', 'metadata,image'])).status).toBe(0);
    const perSeries = await run([cohort.outDir, '-o', seriesOut, '--feature-types', 'metadata', 'image', '--per-series']);
    expect(perSeries.status, perSeries.stderr).toBe(0);
    const instances = (await readTableAll(instancesOut)).rows;
    const series = (await readTableAll(seriesOut)).rows;
    const label = cohort.labels[0]!;
    const mine = instances.filter((row) => row.series_uid === label.series_uid).map((row) => Number(row.image_mean));
    expect(mine.every(Number.isFinite)).toBe(true);
    const mean = mine.reduce((a, b) => a + b, 0) / mine.length;
    expect(Number(series.find((row) => row.series_uid === label.series_uid)!.image_mean)).toBeCloseTo(mean, 9);
    expect((await run([cohort.outDir, '-o', join(dir, 'bad-types.csv'), '--feature-types', 'pixels'])).status).toBe(2);
  }, 60_000);
});
