/**
 * msc-extract --shard-by folder parts + msc-merge-shards == one run, byte for byte, on real DICOM
 * files of a synthetic cohort: also when a study's series lie in folders of different parts (the
 * per-series rows do not depend on sibling series; the merge names the study), while a series split
 * across parts is refused per series. Parts split by study and by folder are not mixed.
 */
import { cp, mkdir, mkdtemp, readFile, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo, folderShardOf, type CliMain } from '@msc/core';
import { generateCohort, type CohortResult } from '@msc/synth';
import { readTableAll } from '@msc/tables';
import { main as extractMain } from '@msc/extract/cli';
import { main as predictMain } from '@msc/predict/cli';
import { main as mergeMain } from '../src/cli/merge-shards.js';

const N = 3;
let dir: string;
let cohort: CohortResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-merge-folder-'));
  cohort = await generateCohort({ outDir: join(dir, 'dicom'), studies: 6, seed: 34, maxInstancesPerSeries: 2, pixels: 'none' });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(main: CliMain, argv: string[]): Promise<{ out: string; err: string }> {
  const io = captureIo();
  const code = await main(argv, io);
  expect(code, `${argv.join(' ')}: ${io.err()}`).toBe(0);
  return { out: io.out(), err: io.err() };
}

/** Sub-folders of `path`, by name. */
const foldersIn = async (path: string) =>
  (await readdir(path, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

/** A top-level folder name that is not in `patient`'s part. */
function otherPartName(prefix: string, patient: string): string {
  for (let i = 0; ; i++) if (folderShardOf(`${prefix}-${i}`, N) !== folderShardOf(patient, N)) return `${prefix}-${i}`;
}

/**
 * The whole run and N folder shards of `archive`, then their merge: outputs, report and summary of
 * the merge. Read on the calling thread (`--n-workers 0`): the merge is checked here, not the
 * reading threads (≈ 0.1 CPU-s each to start).
 */
async function shardAndMerge(archive: string, name: string, extra: string[], whole = true) {
  const one = join(dir, `${name}.whole.parquet`);
  if (whole) await run(extractMain, [archive, '-o', one, '--n-workers', '0', ...extra]);
  const parts: string[] = [];
  for (let k = 1; k <= N; k++) {
    const part = join(dir, `${name}.${k}-of-${N}.parquet`);
    await run(extractMain, [archive, '-o', part, '--n-workers', '0', '--shard', `${k}/${N}`, '--shard-by', 'folder', ...extra]);
    parts.push(part);
  }
  const merged = join(dir, `${name}.merged.parquet`);
  const io = captureIo();
  // parts in any order: here last to first
  const given = [...parts].reverse();
  const code = await mergeMain([...given, '-o', merged], io);
  return {
    one,
    parts,
    given,
    merged,
    code,
    err: io.err(),
    summary: code === 0 ? (JSON.parse(io.out()) as { splitStudies: { study: string; parts: string[] }[]; by: string }) : undefined,
  };
}

describe('msc-merge-shards of --shard-by folder parts', () => {
  it('per series and per instance, with the skipped-files reports: byte for byte; a study in two parts is named', async () => {
    // One series of a study moved to a top-level folder of another part: the study spans two parts.
    const archive = join(dir, 'spanning');
    await cp(cohort.outDir, archive, { recursive: true });
    const patient = (await foldersIn(archive))[0]!;
    const studyFolder = (await foldersIn(join(archive, patient)))[0]!;
    const series = await seriesWithFiles(join(archive, patient, studyFolder), 2);
    const moved = otherPartName('moved', patient);
    await mkdir(join(archive, moved));
    await rename(join(archive, patient, studyFolder, series), join(archive, moved, series));

    const perInstance = await shardAndMerge(archive, 'instances', []);
    expect(perInstance.code, perInstance.err).toBe(0);
    expect(await readFile(perInstance.merged)).toEqual(await readFile(perInstance.one));
    const reports = perInstance.parts.map((part) => `${part}.skipped.csv`);
    await run(mergeMain, [...reports, '-o', join(dir, 'instances.skipped.merged.csv')]);
    expect(await readFile(join(dir, 'instances.skipped.merged.csv'), 'utf8')).toBe(await readFile(`${perInstance.one}.skipped.csv`, 'utf8'));
    const studyUid = String((await readTableAll(perInstance.one)).rows.find((row) => String(row.file_path).startsWith(join(archive, moved, '')))!.study_uid);

    const perSeries = await shardAndMerge(archive, 'series', ['--per-series']);
    expect(perSeries.code, perSeries.err).toBe(0);
    expect(await readFile(perSeries.merged)).toEqual(await readFile(perSeries.one));
    expect(perSeries.summary!.by).toBe('folder');
    // Named in the order they were given.
    const expectedParts = perSeries.given.filter((part) => [folderShardOf(patient, N), folderShardOf(moved, N)].some((k) => part === perSeries.parts[k - 1]));
    expect(perSeries.summary!.splitStudies).toEqual([{ study: studyUid, parts: expectedParts }]);
    expect(perSeries.err).toContain(`warning: study ${studyUid} is in ${expectedParts.join(', ')}`);
    expect(perSeries.err).toMatch(/1 study lies in several parts .*: predict the merged table, not the parts/);
    // msc-predict knows a folder part by its record, and says so; the merged table has none.
    const part = perSeries.parts[folderShardOf(moved, N) - 1]!;
    const onPart = await run(predictMain, [part, '-o', join(dir, 'part-predictions.csv')]);
    expect(onPart.err).toContain(`msc-predict: warning: ${part} is part ${folderShardOf(moved, N)}/${N} of an msc-extract --shard-by folder run`);
    const onMerged = await run(predictMain, [perSeries.merged, '-o', join(dir, 'merged-predictions.csv')]);
    expect(onMerged.err).not.toContain('--shard-by folder');
  });

  it('refuses a series split across parts per series (with a hint), and merges its instance rows', async () => {
    const archive = join(dir, 'split-series');
    await cp(cohort.outDir, archive, { recursive: true });
    const patient = (await foldersIn(archive))[0]!;
    const studyFolder = (await foldersIn(join(archive, patient)))[0]!;
    const series = await seriesWithFiles(join(archive, patient, studyFolder), 2);
    const file = (await readdir(join(archive, patient, studyFolder, series))).sort()[0]!;
    const elsewhere = join(archive, otherPartName('split', patient), series);
    await mkdir(elsewhere, { recursive: true });
    await rename(join(archive, patient, studyFolder, series, file), join(elsewhere, file));

    const perSeries = await shardAndMerge(archive, 'split-series', ['--per-series'], false);
    expect(perSeries.code).toBe(3);
    expect(perSeries.err).toMatch(/^error \[E_BAD_DATA\]: .* is in .* and .*\nhint: this series' files lie in folders of two parts \(--shard-by folder\)/);
    const perInstance = await shardAndMerge(archive, 'split-instances', []);
    expect(perInstance.code, perInstance.err).toBe(0);
    expect(await readFile(perInstance.merged)).toEqual(await readFile(perInstance.one));
  });

  it('refuses parts split by study and by folder together', async () => {
    const byFolder = join(dir, 'mixed.1-of-3.parquet');
    await run(extractMain, [cohort.outDir, '-o', byFolder, '--n-workers', '0', '--per-series', '--shard', '1/3', '--shard-by', 'folder']);
    const byStudy = [2, 3].map((k) => join(dir, `mixed.${k}-of-3.parquet`));
    for (const [i, part] of byStudy.entries()) await run(extractMain, [cohort.outDir, '-o', part, '--n-workers', '0', '--per-series', '--shard', `${i + 2}/3`]);
    const io = captureIo();
    expect(await mergeMain([byFolder, ...byStudy, '-o', join(dir, 'mixed.parquet')], io)).toBe(3);
    expect(io.err()).toMatch(
      /^error \[E_BAD_DATA\]: .*mixed\.2-of-3\.parquet was split with --shard-by study but .*mixed\.1-of-3\.parquet with --shard-by folder --shard-depth 1\nhint: /,
    );
  });
});

/** The first series folder in `studyFolder` with at least `files` files (image series; the cohort's SR and SEG have one). */
async function seriesWithFiles(studyFolder: string, files: number): Promise<string> {
  for (const name of await foldersIn(studyFolder)) if ((await readdir(join(studyFolder, name))).length >= files) return name;
  throw new Error(`no series folder with ${files} files in ${studyFolder}`);
}
