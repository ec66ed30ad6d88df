/**
 * Enhanced multi-frame MR: real files of the real-scanner set (nibabel's Philips Enhanced MR
 * MPRAGE, 176 frames; heudiconv's Siemens XA30 Enhanced MR MPR) and pydicom re-encodings of the
 * Philips one (implicit VR, big endian, and a diffusion variant whose b-values, directionality, TE
 * and temporal positions change from frame to frame) read column by column as pydicom reads the
 * functional groups (pydicom_rows.py + pydicom_enhanced.py), and reduced to a series that counts
 * frames and keeps every frame's b-value.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DICOM_COLUMNS, MISSING, type InstanceRow } from '@msc/core';
import { generateCohort } from '@msc/synth';
import { readSeriesTable, readTableAll } from '@msc/tables';
import { extractFile, extractSeries, extractToTable } from '../src/index.js';
import { PYTHON, skipWithoutPython } from '../../../test-support/oracles.js';
import { realScannerFiles } from './real-scanner-files.js';

const ROWS_ORACLE = fileURLToPath(new URL('./pydicom_rows.py', import.meta.url));
const VARIANTS = fileURLToPath(new URL('./enhanced_variants.py', import.meta.url));
const PHILIPS_MPRAGE = 'nibabel:usr/lib/python3/dist-packages/nibabel/nicom/tests/data/philips_mprage.dcm';
const SIEMENS_XA = 'heudiconv:usr/lib/python3/dist-packages/heudiconv/tests/data/MRI_102TD_PHA_S.MR.Chen_Matthews_1.3.1.2022.11.16.15.50.20.357.31204541.dcm';
const real = skipWithoutPython('pydicom') ? undefined : await realScannerFiles([PHILIPS_MPRAGE, SIEMENS_XA], 'the enhanced multi-frame tests');
const [mprage, siemensXa] = real ?? [];

const ORACLE_COLUMNS = JSON.stringify(
  DICOM_COLUMNS.map((spec) => ({
    name: spec.name,
    group: spec.tag!.group,
    element: spec.tag!.element,
    creator: spec.privateCreator ?? null,
    vr: spec.vr,
    perFrame: spec.perFrameValues === true,
  })),
);

function oracle(paths: string[], classic = false): Record<string, Record<string, string>> {
  const result = spawnSync(PYTHON, [ROWS_ORACLE, ORACLE_COLUMNS, ...paths], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, ...(classic ? { MSC_ORACLE_CLASSIC: '1' } : {}) },
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Record<string, Record<string, string>>;
}

describe.skipIf(real === undefined)('enhanced multi-frame files', () => {
  let dir: string;
  let files: string[];
  const rows = new Map<string, InstanceRow>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'msc-enhanced-'));
    const made = spawnSync(PYTHON, [VARIANTS, mprage!, dir], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(made.stderr);
    files = [mprage!, siemensXa!, ...made.stdout.trim().split('\n')];
    for (const path of files) {
      const event = await extractFile(path);
      if (event.kind !== 'row') throw new Error(`${path}: ${event.reason}`);
      expect(event.partial).toBeUndefined();
      rows.set(path, event.row);
    }
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives every column of the real file and its re-encodings as pydicom reads the functional groups', () => {
    const want = oracle(files);
    const classic = oracle(files, true);
    let fromGroups = 0;
    const mismatches: string[] = [];
    for (const path of files) {
      for (const spec of DICOM_COLUMNS) {
        const got = rows.get(path)![spec.name];
        if (got !== want[path]![spec.name]) mismatches.push(`${path} ${spec.name}: msc=${got} pydicom=${want[path]![spec.name]}`);
        else if (got !== classic[path]![spec.name]) fromGroups += 1;
      }
    }
    expect(mismatches).toEqual([]);
    console.log(`enhanced: ${files.length} files, ${fromGroups} cells read from the functional groups, all equal to pydicom's`);
    // The real files: values a classic reader left empty.
    const philips = rows.get(mprage!)!;
    expect(philips).toMatchObject({
      echo_time: '3.513',
      repetition_time: '7.56930017471313',
      pixel_spacing: '1 1',
      slice_thickness: '1',
      scanning_sequence: 'GR',
      number_of_frames: '176',
      image_orientation_patient: '-0.0022011068649 0.99788552522659 -0.0649590045213 -0.0337935090065 -0.0649962872266 -0.9973131418228',
    });
    expect(philips.flip_angle).not.toBe(MISSING);
    const philipsClassic = classic[mprage!]!;
    expect(DICOM_COLUMNS.filter((spec) => philips[spec.name] !== philipsClassic[spec.name]).length).toBeGreaterThanOrEqual(12);
    expect(rows.get(siemensXa!)).toMatchObject({
      echo_time: '1.37',
      repetition_time: '3.15',
      flip_angle: '8',
      pixel_spacing: '1.6 1.6',
      slice_thickness: '1.6',
      number_of_frames: '3',
    });
  });

  it("keeps every frame's b-value, TE and temporal position, in reduced order", () => {
    const dwi = [...rows].filter(([path]) => path.includes('_dwi'));
    expect(dwi).toHaveLength(2);
    for (const [, row] of dwi) {
      expect(row).toMatchObject({
        diffusion_bvalue: '0.0 500.0 1000.0 1400.0',
        diffusion_bvalue_final: '0.0 500.0 1000.0 1400.0',
        diffusion_directionality: 'DIRECTIONAL NONE',
        echo_time: '88.0 92.5',
        temporal_position_identifier: '1 2 3',
        number_of_temporal_positions: '3',
        scanning_sequence: 'SE EP',
      });
    }
  });

  it('counts frames as images, per series and when the instance table is reduced later', async () => {
    const inputs = join(dir, 'dwi-series');
    mkdirSync(inputs);
    spawnSync('cp', [files.find((path) => path.endsWith('_dwi.dcm'))!, inputs]);
    const seriesTable = join(dir, 'series.tsv');
    await extractToTable([inputs], seriesTable, { perSeries: true, workers: 0 });
    const instanceTable = join(dir, 'instances.tsv');
    await extractToTable([inputs], instanceTable, { workers: 0 });
    const direct = (await readTableAll(seriesTable)).rows;
    // The threaded scan path (cell by cell, repeats skipped) as well as the one-pass reader.
    const later = (await readSeriesTable(instanceTable, { workers: 2, parallelMinBytes: 0 })).rows;
    for (const series of [direct, later]) {
      expect(series).toHaveLength(1);
      expect(Number(series[0]!.number_of_images)).toBe(176);
      expect(series[0]!.diffusion_bvalue).toBe('0.0 500.0 1000.0 1400.0');
    }
  });
});

describe('synthetic enhanced DWI (msc-synth enhancedDwi)', () => {
  let dir: string;
  let classicLabels: Awaited<ReturnType<typeof generateCohort>>['labels'];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'msc-enhanced-synth-'));
    // Same plan, two ways of writing it; a few files per series keep it quick (series values stay whole).
    const options = { studies: 3, seed: 5, maxInstancesPerSeries: 6 };
    classicLabels = (await generateCohort({ ...options, outDir: join(dir, 'classic') })).labels;
    await generateCohort({ ...options, outDir: join(dir, 'enhanced'), enhancedDwi: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reduces each DWI series as its single-frame twin does: images, b-values, TE, spacing', async () => {
    const dwi = new Set(classicLabels.filter((label) => label.class === 'DWI').map((label) => label.series_uid));
    expect(dwi.size).toBeGreaterThan(0);
    const seriesOf = async (cohort: string) =>
      new Map((await extractSeries([join(dir, cohort)], { workers: 0 })).rows.filter((row) => dwi.has(row.series_uid)).map((row) => [row.series_uid, row]));
    const [single, multi] = [await seriesOf('classic'), await seriesOf('enhanced')];
    // The same numbers (written as DS in one, FD in the other); b = 0 is left untagged by some profiles.
    const numbers = (cell: unknown, positive = false) =>
      [
        ...new Set(
          String(cell)
            .split(' ')
            .map(Number)
            .filter((n) => Number.isFinite(n) && (!positive || n > 0)),
        ),
      ].sort((a, b) => a - b);
    for (const uid of dwi) {
      const [a, b] = [single.get(uid)!, multi.get(uid)!];
      expect(b.number_of_images, uid).toBe(a.number_of_images);
      expect(b.number_of_frames, uid).toBe(String(a.number_of_images));
      if (a.diffusion_bvalue_final !== MISSING) expect(numbers(b.diffusion_bvalue_final, true), uid).toEqual(numbers(a.diffusion_bvalue_final, true));
      for (const column of ['echo_time', 'repetition_time', 'flip_angle', 'pixel_spacing', 'slice_thickness', 'pixel_bandwidth'])
        expect(numbers(b[column]), `${uid} ${column}`).toEqual(numbers(a[column]));
    }
  });

  it.skipIf(skipWithoutPython('pydicom'))('writes enhanced files that pydicom reads to the same row', async () => {
    const files = spawnSync('find', [join(dir, 'enhanced'), '-name', '*-enhanced.dcm'], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n')
      .filter(Boolean);
    expect(files.length).toBeGreaterThan(0);
    const want = oracle(files);
    for (const path of files) {
      const event = await extractFile(path);
      expect(event.kind).toBe('row');
      const row = (event as { row: InstanceRow }).row;
      expect(
        DICOM_COLUMNS.filter((spec) => row[spec.name] !== want[path]![spec.name]).map((spec) => `${spec.name}: ${row[spec.name]} vs ${want[path]![spec.name]}`),
        path,
      ).toEqual([]);
    }
  });
});
