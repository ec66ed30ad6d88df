/**
 * msc-predict --sort-into on real synthetic DICOM files, in-process: every image file placed once by
 * its series' label, hard-linked (or copied with --copy), reruns idempotent, nothing overwritten, the
 * manifest the same for the folder and for msc-extract's instance table of it.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '@msc/core';
import { main as extractMain } from '../../extract/src/cli/main.js';
import { generateCohort, type CohortResult } from '@msc/synth';
import { readTableAll } from '@msc/tables';
import { main } from '../src/cli/main.js';
import { SORT_MANIFEST, pathSegment, planSort, type SortSource } from '../src/sort-into.js';

let dir: string;
let cohort: CohortResult;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-sort-into-'));
  cohort = await generateCohort({ outDir: join(dir, 'cohort'), studies: 2, seed: 71, maxInstancesPerSeries: 2, pixels: 'none' });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(args: string[]) {
  const io = captureIo();
  const status = await main(args, io);
  return { status, stdout: io.out(), stderr: io.err() };
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

describe('msc-predict --sort-into', () => {
  let predictions: Map<string, { label: string; seriesNumber: string }>;
  let manifest: Record<string, string>[];
  const sorted = () => join(dir, 'sorted');

  beforeAll(async () => {
    const result = await run([cohort.outDir, '--heuristics', 'prostate_mpmri', '-o', join(dir, 'labels.csv'), '--sort-into', sorted()]);
    expect(result.status, result.stderr).toBe(0);
    predictions = new Map(
      (await readTableAll(join(dir, 'labels.csv'))).rows.map((row) => [
        String(row.series_uid),
        { label: String(row.prediction_heuristics), seriesNumber: String(row.series_number) },
      ]),
    );
    manifest = (await readTableAll(join(sorted(), SORT_MANIFEST))).rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, String(v)])));
  }, 60_000);

  it('places every image file once, by patient, study, label and series, as a hard link', async () => {
    expect(manifest).toHaveLength(cohort.instances);
    expect(new Set(manifest.map((row) => row.source)).size).toBe(cohort.instances);
    expect(await filesUnder(sorted())).toEqual([SORT_MANIFEST, ...manifest.map((row) => relative(sorted(), row.destination!))].sort());
    for (const row of manifest) {
      expect(row.label).toBe(predictions.get(row.series_uid!)!.label);
      // <patient>/<study>/<label>/<series_number>_<description>/<file>
      const [patient, study, label, series, file, ...rest] = relative(sorted(), row.destination!).split(sep);
      expect(rest).toEqual([]);
      expect([patient, study, label].every((segment) => segment !== '' && segment !== '..')).toBe(true);
      expect(label).toBe(row.label);
      expect(series!.slice(0, series!.indexOf('_'))).toBe(predictions.get(row.series_uid!)!.seriesNumber);
      expect(predictions.get(row.series_uid!)!.seriesNumber).toMatch(/^\d+$/); // the synthetic files have SeriesNumber
      expect(file).toBe(row.source!.split(sep).pop());
      const [a, b] = await Promise.all([stat(row.source!), stat(row.destination!)]);
      expect([b.dev, b.ino]).toEqual([a.dev, a.ino]);
    }
  });

  it('reruns without placing anything twice, and refuses to overwrite a file that is not the one sorted', async () => {
    const again = await run([cohort.outDir, '--sort-into', sorted(), '--heuristics', 'prostate_mpmri']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain(`0 linked, 0 copied, ${cohort.instances} already there`);

    const other = join(dir, 'occupied');
    const taken = join(other, relative(sorted(), manifest[0]!.destination!));
    await mkdir(join(taken, '..'), { recursive: true });
    await writeFile(taken, 'not a DICOM file');
    const refused = await run([cohort.outDir, '--sort-into', other, '--heuristics', 'prostate_mpmri']);
    expect(refused.status).toBe(5);
    expect(refused.stderr).toMatch(/error \[E_OUTPUT\]: --sort-into would overwrite 1 file/);
    expect(await readFile(taken, 'utf8')).toBe('not a DICOM file');
    expect(await filesUnder(other)).toEqual([relative(other, taken)]); // nothing placed
  }, 60_000);

  it('copies with --copy: same bytes, another file', async () => {
    const copies = join(dir, 'copies');
    const result = await run([cohort.outDir, '--sort-into', copies, '--copy', '--heuristics', 'prostate_mpmri']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain(`0 linked, ${cohort.instances} copied`);
    const rows = (await readTableAll(join(copies, SORT_MANIFEST))).rows;
    const row = rows[0]!;
    const [a, b] = await Promise.all([stat(String(row.source)), stat(String(row.destination))]);
    expect(b.ino).not.toBe(a.ino);
    expect(await readFile(String(row.destination))).toEqual(await readFile(String(row.source)));
    expect(rows.map((r) => relative(copies, String(r.destination)))).toEqual(manifest.map((r) => relative(sorted(), r.destination!)));
  }, 60_000);

  it('sorts from an instance table with file_path as from its folder; a series table is refused', async () => {
    const instances = join(dir, 'instances.parquet');
    const io = captureIo();
    expect(await extractMain([cohort.outDir, '-o', instances, '--n-workers', '0'], io), io.err()).toBe(0);
    const fromTable = join(dir, 'from-table');
    const result = await run([instances, '--sort-into', fromTable, '--heuristics', 'prostate_mpmri']);
    expect(result.status, result.stderr).toBe(0);
    const rows = (await readTableAll(join(fromTable, SORT_MANIFEST))).rows;
    expect(rows.map((r) => [r.source, relative(fromTable, String(r.destination)), r.label])).toEqual(
      manifest.map((r) => [r.source, relative(sorted(), r.destination!), r.label]),
    );

    const series = join(dir, 'series.parquet');
    expect(await extractMain([cohort.outDir, '-o', series, '--per-series', '--n-workers', '0'], captureIo())).toBe(0);
    const refused = await run([series, '--sort-into', join(dir, 'never')]);
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/error \[E_MISSING_COLUMNS\]: --sort-into needs the files of each series/);
  }, 60_000);

  it('refuses a target inside an input, --copy alone, and --reduce study, before any work', async () => {
    expect((await run([cohort.outDir, '--sort-into', join(cohort.outDir, 'sorted')])).status).toBe(2);
    expect((await run([cohort.outDir, '--copy'])).stderr).toMatch(/--copy applies to --sort-into only/);
    expect((await run([cohort.outDir, '--sort-into', join(dir, 'x'), '--reduce', 'study'])).status).toBe(2);
  });
});

describe('planSort', () => {
  const source = (path: string, overrides: Partial<SortSource> = {}): SortSource => ({
    path,
    patientId: 'P1',
    studyUid: '1.2.3',
    seriesUid: '1.2.3.4',
    seriesNumber: '-',
    description: 't2_tse_tra',
    ...overrides,
  });
  const prediction = {
    patient_id: 'P1',
    study_uid: '1.2.3',
    series_uid: '1.2.3.4',
    series_number: '7',
    series_description: 't2_tse_tra',
    series_group: '1.2.3.4',
    prediction: 'T2W',
    prediction_heuristics: 'T2W',
    confidence: 1,
    rule: '',
    probabilities: {},
  };

  it('gives a file name taken twice in one series folder ~2, in path order, and reads series_number when present', () => {
    const entries = planSort([source('/b/IM0001.dcm', { seriesNumber: '7' }), source('/a/IM0001.dcm', { seriesNumber: '7' })], [prediction], '/out');
    expect(entries.map((e) => [e.source, e.destination])).toEqual([
      ['/a/IM0001.dcm', '/out/P1/1.2.3/T2W/7_t2_tse_tra/IM0001.dcm'],
      ['/b/IM0001.dcm', '/out/P1/1.2.3/T2W/7_t2_tse_tra/IM0001~2.dcm'],
    ]);
  });

  it('leaves out files of series without a prediction', () => {
    expect(planSort([source('/a/1.dcm', { seriesUid: '9.9' })], [prediction], '/out')).toEqual([]);
  });

  it('makes one safe path segment of any DICOM value', () => {
    expect(pathSegment('../../etc')).toBe('_.._etc');
    expect(pathSegment('..')).toBe('-');
    expect(pathSegment('a/b\\c:d*e?f"g<h>i|j')).toBe('a_b_c_d_e_f_g_h_i_j');
    expect(pathSegment(' .hidden. ')).toBe('hidden');
    expect(pathSegment('')).toBe('-');
    expect(pathSegment('x'.repeat(200))).toHaveLength(80);
    expect(pathSegment('T2 \u0000 tra')).toBe('T2 _ tra');
  });
});
