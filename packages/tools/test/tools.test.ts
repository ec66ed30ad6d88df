/**
 * The small tools on real data: a synthetic cohort's DICOM files, its labels.csv, msc-extract's
 * tables. merge_target, split_data, get_metadata_json under the original's flag spellings.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '@msc/core';
import { extractSeries } from '@msc/extract';
import { generateCohort, type CohortResult } from '@msc/synth';
import { readSeriesTable, readTableAll, writeTable } from '@msc/tables';
import { main as mergeTargetMain } from '../src/cli/merge-target.js';
import { main as metadataJsonMain } from '../src/cli/metadata-json.js';
import { main as splitDataMain } from '../src/cli/split-data.js';
import { main as predictMain } from '../../predict/src/cli/main.js';

let dir: string;
let cohort: CohortResult;
let series: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-tools-'));
  cohort = await generateCohort({ outDir: join(dir, 'dicom'), studies: 6, seed: 41, maxInstancesPerSeries: 2, pixels: 'none' });
  const { rows } = await extractSeries([cohort.outDir], { workers: 0 });
  series = join(dir, 'series.parquet');
  await writeTable(series, [...new Set(rows.flatMap((row) => Object.keys(row)))], rows);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(main: (argv: string[], io: ReturnType<typeof captureIo>) => Promise<number>, argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err(), summary: code === 0 ? (JSON.parse(io.out()) as Record<string, unknown>) : undefined };
}

describe('msc-merge-target', () => {
  it("joins the cohort's labels.csv onto the series table by series_uid (original spellings)", async () => {
    const output = join(dir, 'labelled.csv');
    const result = await run(mergeTargetMain, [
      '--input_path',
      series,
      '--target_path',
      cohort.labelsPath,
      '--output_path',
      output,
      '--id_col',
      'series_uid',
      '--target_col',
      'class',
    ]);
    expect(result.code, result.err).toBe(0);
    expect(result.summary).toMatchObject({ rows: cohort.labels.length, labelled: cohort.labels.length, unlabelled: 0, unusedLabels: 0 });
    const truth = new Map(cohort.labels.map((label) => [label.series_uid, label.class]));
    const table = await readTableAll(output);
    expect(table.columns.at(-1)).toBe('class');
    for (const row of table.rows) expect(row['class']).toBe(truth.get(String(row['series_uid'])));
  });

  it('leaves out or keeps unlabelled rows, and refuses contradicting labels', async () => {
    const some = join(dir, 'some-labels.csv');
    await writeTable(
      some,
      ['series_uid', 'class'],
      cohort.labels.slice(0, 5).map((label) => ({ series_uid: label.series_uid, class: label.class })),
    );
    const dropped = await run(mergeTargetMain, [series, '-t', some, '-o', join(dir, 'five.parquet')]);
    expect(dropped.summary).toMatchObject({ rows: 5, labelled: 5, unlabelled: cohort.labels.length - 5 });
    const kept = await run(mergeTargetMain, [series, '-t', some, '-o', join(dir, 'all.parquet'), '--keep_unlabelled']);
    expect(kept.summary).toMatchObject({ rows: cohort.labels.length, labelled: 5 });
    const twice = join(dir, 'conflict.csv');
    await writeFile(twice, `series_uid,class\n${cohort.labels[0]!.series_uid},T2W\n${cohort.labels[0]!.series_uid},ADC\n`);
    const conflict = await run(mergeTargetMain, [series, '-t', twice, '-o', join(dir, 'x.csv')]);
    expect(conflict.code).toBe(3);
    expect(conflict.err).toMatch(/^error \[E_BAD_DATA\]: series_uid .* has two labels/);
    const noColumn = await run(mergeTargetMain, [series, '-t', some, '-o', join(dir, 'x.csv'), '--target_col', 'sequence']);
    expect(noColumn.code).toBe(3);
    expect(noColumn.err).toMatch(/no "sequence" column/);
    expect((await run(mergeTargetMain, [series, '-o', join(dir, 'x.csv')])).code).toBe(2);
  });
});

describe('msc-split-data', () => {
  it('splits by study in the given proportions, the same for the same seed (original spellings)', async () => {
    const [a, b] = [join(dir, 'train.tsv'), join(dir, 'test.tsv')];
    const result = await run(splitDataMain, [
      '--input_path',
      series,
      '--output_paths',
      a,
      b,
      '--fractions',
      '0.5',
      '0.5',
      '--random_seed',
      '7',
      '--id_col',
      'study_uid',
      '--sep',
      '\t',
    ]);
    expect(result.code, result.err).toBe(0);
    expect(result.summary).toMatchObject({ rows: cohort.labels.length, groups: 6, parts: [{ groups: 3 }, { groups: 3 }] });
    const [train, test] = await Promise.all([readTableAll(a), readTableAll(b)]);
    const trainStudies = new Set(train.rows.map((row) => row['study_uid']));
    expect(test.rows.some((row) => trainStudies.has(row['study_uid']))).toBe(false);
    expect(train.rows.length + test.rows.length).toBe(cohort.labels.length);
    const again = [join(dir, 'train2.tsv'), join(dir, 'test2.tsv')];
    await run(splitDataMain, [series, '-o', ...again, '--fractions', '0.5', '0.5', '--seed', '7']);
    expect(await readFile(again[1]!, 'utf8')).toBe(await readFile(b, 'utf8'));
  });

  it('checks the separator and the outputs', async () => {
    const mismatch = await run(splitDataMain, [series, '-o', join(dir, 'a.csv'), join(dir, 'b.csv'), '--sep', '\t']);
    expect(mismatch.code).toBe(2);
    expect(mismatch.err).toMatch(/--sep .* does not match/);
    expect((await run(splitDataMain, [series, '-o', join(dir, 'a.csv')])).err).toMatch(/at least two outputs/);
    expect((await run(splitDataMain, [series, '-o', join(dir, 'a.csv'), join(dir, 'b.csv'), '--fractions', '1'])).err).toMatch(/1 fractions for 2 outputs/);
  });
});

describe('outputs never overwrite inputs (the CLI kit checks every tool)', () => {
  it('msc-merge-target -o <input> and msc-split-data -o <input> / two parts to one file exit 2 and leave the files as they were', async () => {
    const copy = join(dir, 'series-copy.csv');
    await writeTable(copy, (await readTableAll(series)).columns, (await readTableAll(series)).rows);
    const before = await readFile(copy);
    const merge = await run(mergeTargetMain, ['--input_path', copy, '--target_path', join(cohort.outDir, 'labels.csv'), '--output_path', copy]);
    expect(merge.code).toBe(2);
    expect(merge.err).toMatch(/^error \[E_USAGE\]: the output \(.*series-copy\.csv\) is the same file as the feature table/);
    const labels = await run(mergeTargetMain, [copy, '-t', join(cohort.outDir, 'labels.csv'), '-o', join(cohort.outDir, 'labels.csv')]);
    expect(labels.err).toMatch(/is the same file as the label table/);
    const split = await run(splitDataMain, [copy, '-o', join(dir, 'train.csv'), copy]);
    expect(split.code).toBe(2);
    expect(split.err).toMatch(/output 2 .* is the same file as the input table/);
    const twoInOne = await run(splitDataMain, [copy, '-o', join(dir, 'same.csv'), join(dir, 'same.csv')]);
    expect(twoInOne.code).toBe(2);
    expect(twoInOne.err).toMatch(/output 2 .* is the same file as output 1/);
    expect(await readFile(copy)).toEqual(before);
  });
});

describe('msc-metadata-json', () => {
  it('writes the nested patient → study → series → column tree, which reads back as the series table', async () => {
    const output = join(dir, 'metadata.json');
    const result = await run(metadataJsonMain, ['--input_dir', cohort.outDir, '--output_path', output, '--n_workers', '0']);
    expect(result.code, result.err).toBe(0);
    expect(result.summary).toMatchObject({
      patients: 6,
      studies: 6,
      series: cohort.labels.length,
      instances: cohort.instances,
      skipped: cohort.skippedObjects + 1,
    });
    const tree = JSON.parse(await readFile(output, 'utf8')) as Record<string, Record<string, Record<string, Record<string, unknown[]>>>>;
    const label = cohort.labels[0]!;
    const node = tree[label.patient_id]![label.study_uid]![label.series_uid]!;
    expect(Array.isArray(node['series_description'])).toBe(true);
    expect(node['file_path']).toBeUndefined();
    // read back (as msc-predict reads it): the series rows msc-extract gives, column for column
    const fromTree = (await readSeriesTable(output)).rows;
    const fromFiles = (await readSeriesTable(series)).rows;
    expect(fromTree).toHaveLength(fromFiles.length);
    const byUid = new Map(fromFiles.map((row) => [row.series_uid, row]));
    for (const row of fromTree) {
      const expected = byUid.get(row.series_uid)!;
      for (const column of ['series_description', 'image_type', 'echo_time', 'repetition_time', 'diffusion_bvalue_final', 'manufacturer'])
        expect(row[column], column).toBe(expected[column]);
    }
  });

  it('msc-predict gives the same predictions from the tree as from the DICOM files', async () => {
    const fromTree = join(dir, 'from-tree.csv');
    const fromFiles = join(dir, 'from-files.csv');
    expect((await run(predictMain, [join(dir, 'metadata.json'), '-o', fromTree])).code).toBe(0);
    expect((await run(predictMain, [cohort.outDir, '-o', fromFiles])).code).toBe(0);
    expect(await readFile(fromTree, 'utf8')).toBe(await readFile(fromFiles, 'utf8'));
  });

  it('refuses an output that is not .json', async () => {
    const result = await run(metadataJsonMain, [cohort.outDir, '-o', join(dir, 'm.csv')]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/must end in \.json/);
  });
});
