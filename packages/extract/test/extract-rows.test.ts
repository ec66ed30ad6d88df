/**
 * The in-memory folder-to-rows path msc-predict and msc-serve share: levels, a row rewrite before
 * the keep filter and reduction, and files that gave no row kept apart from rows read in part.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCohort } from '@msc/synth';
import { extractRows, extractSeries } from '../src/index.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-extract-rows-'));
  await generateCohort({ outDir: join(dir, 'cohort'), studies: 2, seed: 5150, maxInstancesPerSeries: 2 });
  await writeFile(join(dir, 'cohort', 'notes.txt'), 'not DICOM');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('extractRows', () => {
  it('gives instance, series and study rows of the same files', async () => {
    const input = [join(dir, 'cohort')];
    const instances = await extractRows(input, { level: 'instance', workers: 0 });
    const series = await extractSeries(input, { workers: 0 });
    const studies = await extractRows(input, { level: 'study', workers: 0 });
    expect(instances.rows).toHaveLength(instances.instances);
    expect(series.instances).toBe(instances.instances);
    expect(series.rows.length).toBe(new Set(instances.rows.map((row) => `${row.study_uid}/${row.series_uid}`)).size);
    expect(series.rows.reduce((sum, row) => sum + row.number_of_images, 0)).toBe(instances.instances);
    expect(studies.rows).toHaveLength(2);
    expect(instances.instanceColumns).toContain('series_uid');
    // Files that give no row (the cohort's labels.csv, a text file) are skipped, not rows read in part.
    expect(instances.skipped.map((file) => file.path)).toContain(join(dir, 'cohort', 'notes.txt'));
    expect(instances.skipped.filter((file) => file.path.endsWith('.dcm'))).toEqual([]);
    expect(series.partial).toEqual([]);
  });

  it('rewrites rows before keeping and reducing them, and counts every instance read', async () => {
    const all = await extractSeries([join(dir, 'cohort')], { workers: 0 });
    const firstStudy = all.rows[0]!.study_uid;
    const kept = await extractSeries([join(dir, 'cohort')], {
      workers: 0,
      mapRow: (row) => ({ ...row, series_description: `renamed ${String(row.series_description)}` }),
      keepRow: (row) => row.study_uid === firstStudy,
    });
    expect(kept.instances).toBe(all.instances);
    expect(kept.rows.map((row) => row.series_uid)).toEqual(all.rows.filter((row) => row.study_uid === firstStudy).map((row) => row.series_uid));
    expect(kept.rows.every((row) => String(row.series_description).startsWith('renamed '))).toBe(true);
  });
});
