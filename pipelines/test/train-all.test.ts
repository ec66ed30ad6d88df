// pipelines/train-all.mjs as a user runs it, on a tiny synthetic cohort: synth → extract → the grid
// (2 exclusions × 2 fractions, leave-one-centre-out by scanner, leave-one-vendor-out, 5 trees) →
// tables and the report; run again, nothing is retrained.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../train-all.mjs', import.meta.url));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-train-all-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const run = (out: string) =>
  spawnSync(
    process.execPath,
    [
      SCRIPT,
      '--synth-studies',
      '12',
      '--max-instances-per-series',
      '2',
      '-o',
      out,
      '--fractions',
      '50,100',
      '--exclusions',
      'standard,series_description',
      '--param',
      'n_estimators=5',
      '--folds',
      '3',
    ],
    { encoding: 'utf8' },
  );

describe('pipelines/train-all.mjs', () => {
  it('makes the cohort, trains the grid, writes the tables and the report; a rerun retrains nothing', async () => {
    const out = join(dir, 'grid');
    const first = run(out);
    expect(first.status, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as { models: number; trained: number; jobs: { name: string }[] };
    expect(summary.models).toBe(8); // 2 × 2 + leave-one-centre-out and leave-one-vendor-out for each exclusion
    expect(summary.jobs.map((job) => job.name)).toContain('models_logo_centre/gbdt.standard');
    for (const file of [
      'metrics.csv',
      'metrics_logo_centre.csv',
      'metrics_logo_vendor.csv',
      'feature_importances.csv',
      'test_predictions.csv',
      'report.html',
      'cohort/centres.json',
    ]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    expect(existsSync(join(out, 'cohort', 'dicom'))).toBe(false); // the DICOM files are not kept
    const centres = JSON.parse(await readFile(join(out, 'cohort', 'centres.json'), 'utf8')) as Record<string, string>;
    expect(Object.values(centres).every((centre) => /^[A-Z]+ \d(\.\d)?T$/.test(centre))).toBe(true);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toMatch(/<figure class="chart" data-chart="learning"/);

    const again = run(out);
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ trained: 0, reused: 8 });
  }, 180_000);
});
