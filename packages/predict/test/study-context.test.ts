/**
 * Study context end to end, on DICOM bytes: a dynamic scan written one series per phase (as
 * Siemens TWIST does, with no temporal tags) is one series_group, and predictions in every form
 * carry series_number, series_description and series_group after the identifiers. The two real
 * ProstateX exams: each diffusion trace shares its group with its ADC and calculated-b series.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '@msc/core';
import { MR_IMAGE_STORAGE, ds, number, orientation, part10File, text, type Dataset } from '@msc/synth';
import { readTableAll, writeTable } from '@msc/tables';
import { main as predictMain } from '../src/cli/main.js';

const PROSTATE_HEADERS = fileURLToPath(new URL('../../../pipelines/real-prostate/headers.tar.xz', import.meta.url));
const PROSTATE_LABELS = fileURLToPath(new URL('../../../pipelines/real-prostate/labels.csv', import.meta.url));
const STUDY = '2.25.1001';
const PHASES = 8;
const SLICES = 3;

async function predict(args: string[]) {
  const io = captureIo();
  const status = await predictMain(args, io);
  return { status, stdout: io.out(), stderr: io.err() };
}

interface FixtureSeries {
  uid: string;
  number: number;
  description: string;
  sequence: string;
  tr: number;
  te: number;
  flip: number;
  plane: 'axial' | 'sagittal';
  spacing: number;
  /** Seconds after 09:00:00. */
  time: number;
}

function tm(seconds: number): string {
  const t = 9 * 3600 + seconds;
  return `${String(Math.floor(t / 3600)).padStart(2, '0')}${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}${(t % 60).toFixed(3).padStart(6, '0')}`;
}

/** One classic MR instance with the tags a scanner writes for a series (no temporal tags, no contrast agent). */
function instance(series: FixtureSeries, slice: number): Uint8Array {
  const { iop, normal } = orientation(series.plane, 0);
  const dataset: Dataset = {
    '00080005': text('CS', 'ISO_IR 192'),
    '00080008': text('CS', 'ORIGINAL', 'PRIMARY', 'M', 'ND'),
    '00080016': text('UI', MR_IMAGE_STORAGE),
    '00080018': text('UI', `${series.uid}.${slice + 1}`),
    '00080031': text('TM', tm(series.time)),
    '00080032': text('TM', tm(series.time)),
    '00080060': text('CS', 'MR'),
    '00080070': text('LO', 'SIEMENS'),
    '0008103E': text('LO', series.description),
    '00100020': text('LO', 'FIXTURE-1'),
    '00180020': text('CS', 'GR'),
    '00180023': text('CS', '3D'),
    '00180024': text('SH', series.sequence),
    '00180050': text('DS', ds(3)),
    '00180080': text('DS', ds(series.tr)),
    '00180081': text('DS', ds(series.te)),
    '00180087': text('DS', '3'),
    '00181310': number('US', 0, 160, 128, 0),
    '00181314': text('DS', ds(series.flip)),
    '0020000D': text('UI', STUDY),
    '0020000E': text('UI', series.uid),
    '00200011': text('IS', series.number),
    '00200013': text('IS', slice + 1),
    '00200032': text('DS', ...normal.map((n) => ds(n * slice * 3))),
    '00200037': text('DS', ...iop.map(ds)),
    '00280010': number('US', 128),
    '00280011': number('US', 128),
    '00280030': text('DS', ds(series.spacing), ds(series.spacing)),
  };
  return part10File(MR_IMAGE_STORAGE, `${series.uid}.${slice + 1}`, 'explicit-little', dataset);
}

const dce = Array.from({ length: PHASES }, (_, i): FixtureSeries => ({
  uid: `${STUDY}.${20 + i}`,
  number: 20 + i,
  description: 'twist_dyn_tra',
  sequence: 'fldyn3d1',
  tr: 3.94,
  te: 1.42,
  flip: 12,
  plane: 'axial',
  spacing: 1.875,
  time: 600 + i * 9.7,
}));
const t2: FixtureSeries[] = (['axial', 'sagittal'] as const).map((plane, i) => ({
  uid: `${STUDY}.${2 + i}`,
  number: 2 + i,
  description: `t2_tse_${plane.slice(0, 3)}`,
  sequence: '*tse2d1_25',
  tr: 4000,
  te: 101,
  flip: 160,
  plane,
  spacing: 0.5,
  time: i * 240,
}));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-study-context-'));
  for (const series of [...dce, ...t2]) {
    const folder = join(dir, 'study', String(series.number));
    await mkdir(folder, { recursive: true });
    for (let slice = 0; slice < SLICES; slice++) await writeFile(join(folder, `IM${slice + 1}.dcm`), instance(series, slice));
  }
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('study context end to end', () => {
  it('gives the phases of a split DCE one series_group; CSV, parquet and JSON carry number, description and group after the UIDs', async () => {
    for (const format of ['csv', 'parquet', 'json']) {
      const out = join(dir, `predictions.${format}`);
      const result = await predict([join(dir, 'study'), '-o', out]);
      expect(result.status, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ series: PHASES + 2, studyContext: true });
      const table = await readTableAll(out);
      expect(table.columns.slice(0, 7)).toEqual(['patient_id', 'study_uid', 'series_uid', 'series_number', 'series_description', 'series_group', 'prediction']);
      const byUid = new Map(table.rows.map((row) => [String(row.series_uid), row]));
      for (const phase of dce) {
        const row = byUid.get(phase.uid)!;
        expect(row.series_group).toBe(dce[0]!.uid);
        expect(String(row.series_number)).toBe(String(phase.number));
        expect(row.series_description).toBe('twist_dyn_tra');
      }
      for (const series of t2) expect(byUid.get(series.uid)!.series_group).toBe(series.uid);
    }
  });

  it('computes study context from a series table; without study_uid it says so and still predicts', async () => {
    const series = join(dir, 'series.csv');
    const extracted = spawnSync(
      process.execPath,
      [fileURLToPath(new URL('../../extract/bin/msc-extract.mjs', import.meta.url)), join(dir, 'study'), '-o', series, '--per-series'],
      {
        encoding: 'utf8',
      },
    );
    expect(extracted.status, extracted.stderr).toBe(0);
    const withStudy = await predict([series]);
    expect(withStudy.status, withStudy.stderr).toBe(0);
    const rows = (await readTableAll(series)).rows;
    const groups = new Set(
      csvRows(withStudy.stdout)
        .filter((row) => dce.some((phase) => phase.uid === row.series_uid))
        .map((row) => row.series_group),
    );
    expect([...groups]).toEqual([dce[0]!.uid]);

    const noStudy = join(dir, 'series-no-study.csv');
    await writeTable(
      noStudy,
      Object.keys(rows[0]!).filter((column) => column !== 'study_uid'),
      rows.map(({ study_uid: _, ...row }) => row),
    );
    const alone = await predict([noStudy]);
    expect(alone.status, alone.stderr).toBe(0);
    expect(alone.stderr).toMatch(/no study context: series classified alone/);
    const aloneRows = csvRows(alone.stdout);
    expect(aloneRows).toHaveLength(PHASES + 2);
    expect(aloneRows.every((row) => row.series_group === '-')).toBe(true);
  });

  it('joins each real ProstateX diffusion trace with its ADC and calculated-b series', async () => {
    const exams = join(dir, 'prostatex');
    await mkdir(exams);
    const untar = spawnSync('tar', ['-xJf', PROSTATE_HEADERS, '-C', exams], { encoding: 'utf8' });
    expect(untar.status, untar.stderr).toBe(0);
    const result = await predict([exams]);
    expect(result.status, result.stderr).toBe(0);
    const predictions = new Map(csvRows(result.stdout).map((row) => [row.series_uid, row]));
    const labels = (await readTableAll(PROSTATE_LABELS)).rows;
    expect(predictions.size).toBe(labels.length);
    for (const patient of new Set(labels.map((row) => String(row.patient)))) {
      const diffusion = labels.filter((row) => row.patient === patient && (row.class === 'DWI' || row.class === 'ADC'));
      // trace, ADC, calculated b
      expect(diffusion).toHaveLength(3);
      const groups = new Set(diffusion.map((row) => predictions.get(String(row.series_uid))!.series_group));
      expect(groups.size).toBe(1);
      const [group] = groups;
      // Named after the lowest-numbered series: the trace.
      const trace = diffusion.find((row) => !/ADC|CALC_BVAL/.test(String(row.series_description)))!;
      expect(group).toBe(trace.series_uid);
      // Every other series of the exam is its own group.
      for (const row of labels.filter((row) => row.patient === patient && !diffusion.includes(row)))
        expect(predictions.get(String(row.series_uid))!.series_group).toBe(row.series_uid);
    }
  });
});

/** The CSV msc-predict writes on stdout, as rows of text (no quoting in these fixtures' cells). */
function csvRows(csv: string): Record<string, string>[] {
  const [header, ...lines] = csv.trim().split('\n');
  const columns = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [columns[i]!, cell]))) as Record<string, string>[];
}
