/**
 * The real ProstateX headers (pipelines/real-prostate): their Siemens private b-values are stored
 * with VR OB (the anonymizer rewrote them), text inside the bytes. Every diffusion series must have
 * its b-values read, in every instance; the sequence-name evidence must be read for the diffusion
 * series and nothing else. pydicom's reading of the same files is compared in parity.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MISSING, type InstanceRow, type Row } from '@msc/core';
import { extractInstances } from '../src/index.js';
import { realProstateLabels, unpackRealProstate } from './real-prostate.js';

describe('real ProstateX headers', () => {
  let dir: string;
  let rows: InstanceRow[];
  let labels: Row[];
  const seriesRows = (uid: unknown) => rows.filter((row) => row.series_uid === uid);
  const distinct = (values: string[]) => [...new Set(values)];

  beforeAll(async () => {
    dir = unpackRealProstate(await mkdtemp(join(tmpdir(), 'msc-prostate-')));
    rows = [];
    for await (const event of extractInstances([dir])) if (event.kind === 'row') rows.push(event.row);
    labels = await realProstateLabels();
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads the b-value of every instance of every diffusion series (OB private elements)', () => {
    expect(rows).toHaveLength(376);
    const dwi = labels.filter((label) => label.class === 'DWI');
    expect(dwi).toHaveLength(4);
    for (const label of dwi) {
      const instances = seriesRows(label.series_uid);
      expect(instances.length, String(label.series_description)).toBeGreaterThan(0);
      for (const row of instances) {
        const file = String(row.file_path);
        expect(row.diffusion_bvalue_siemens, file).toMatch(/^\d+$/);
        expect(row.diffusion_bvalue_final, file).toBe(row.diffusion_bvalue_siemens);
        expect(row.diffusion_directionality_siemens, file).toBe('ISOTROPIC');
        expect(row.diffusion_bvalue_sequence, file).not.toBe(MISSING);
      }
      const bValues = distinct(instances.map((row) => String(row.diffusion_bvalue_siemens)));
      // Calculated high-b series hold one b-value; acquired trace series several, one per instance.
      if (String(label.series_description).endsWith('CALC_BVAL')) expect(bValues, String(label.series_description)).toHaveLength(1);
      else expect(bValues.length, String(label.series_description)).toBeGreaterThan(1);
    }
    const first = labels.find((label) => label.patient === 'ProstateX-0000' && label.series_description === 'ep2d_diff_tra_DYNDIST')!;
    expect(distinct(seriesRows(first.series_uid).map((row) => String(row.diffusion_bvalue_siemens))).sort()).toEqual(['400', '50', '800']);
  });

  it('reads sequence-name b-values for the diffusion and ADC series only', () => {
    for (const label of labels) {
      const sequence = distinct(seriesRows(label.series_uid).map((row) => String(row.diffusion_bvalue_sequence)));
      if (label.class === 'DWI' || label.class === 'ADC') expect(sequence, String(label.series_description)).not.toContain(MISSING);
      else expect(sequence, String(label.series_description)).toEqual([MISSING]);
    }
  });
});
