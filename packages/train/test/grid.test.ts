/**
 * msc-train all on a tiny table (20 studies, 2 exclusions × 2 fractions, leave-one-centre-out and
 * leave-one-vendor-out, 5 trees): names, the original's table columns, resume after a kill, and
 * retraining only what a changed setting changes.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '@msc/core';
import { readTableAll, writeTable } from '@msc/tables';
import { trainAllMain } from '../src/cli/all.js';
import { main } from '../src/cli/main.js';
import type { GridSummary } from '../src/grid/run.js';
import { seriesRows } from '../src/test-support/series-rows.js';

const BIN = fileURLToPath(new URL('../bin/msc-train.mjs', import.meta.url));
let dir: string;
let table: string;
let groupFile: string;
const GRID = ['--fractions', '50,100', '--exclusions', 'standard,series_description', '--param', 'n_estimators=5', '--folds', '3', '--seed', '3'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-grid-'));
  const rows = seriesRows(20, 11);
  table = join(dir, 'series.parquet');
  await writeTable(table, [...new Set(rows.flatMap((row) => Object.keys(row)))], rows);
  const studies = [...new Set(rows.map((row) => String(row['study_uid'])))];
  groupFile = join(dir, 'centres.json');
  await writeFile(groupFile, JSON.stringify(Object.fromEntries(studies.map((study, i) => [study, `centre_${'abc'[i % 3]}`]))));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function grid(out: string, extra: string[] = []): Promise<GridSummary> {
  const io = captureIo();
  const code = await main(['all', table, '-o', out, '--group-file', groupFile, ...GRID, ...extra], io);
  expect(code, io.err()).toBe(0);
  return JSON.parse(io.out()) as GridSummary;
}

describe('msc-train all on data it cannot learn from', () => {
  it('exits 3 with the reason on stderr when every job is skipped (one class), not 0 (finding F13)', async () => {
    const rows = seriesRows(20, 11).map((row) => ({ ...row, class: 'T2W' }));
    const oneClass = join(dir, 'one-class.parquet');
    await writeTable(oneClass, [...new Set(rows.flatMap((row) => Object.keys(row)))], rows);
    const io = captureIo();
    const code = await main(['all', oneClass, '-o', join(dir, 'one-class-grid'), ...GRID], io);
    expect(code).toBe(3);
    expect(io.err()).toMatch(/skipped models\/gbdt\.standard\.50: .*one class/);
    expect(io.err()).toMatch(/error \[E_BAD_DATA\]: no model was trained: all \d+ jobs were skipped \(.*one class.*\)\nhint: /);
  }, 60_000);
});

describe('msc-train all', () => {
  let out: string;
  let first: GridSummary;
  beforeAll(async () => {
    out = join(dir, 'grid');
    first = await grid(out);
  }, 120_000);

  it('trains every exclusion × fraction and the leave-one-group-out runs, named as the original names them', async () => {
    expect(first.models).toBe(8);
    expect(first.trained).toBe(8);
    expect(first.trainStudies).toBe(16); // 20 studies, 20 % held out
    expect(first.jobs.map((job) => job.name)).toEqual([
      'models/gbdt.standard.50',
      'models/gbdt.standard.100',
      'models/gbdt.series_description.50',
      'models/gbdt.series_description.100',
      'models_logo_centre/gbdt.standard',
      'models_logo_centre/gbdt.series_description',
      'models_logo_vendor/gbdt.standard',
      'models_logo_vendor/gbdt.series_description',
    ]);
    for (const job of first.jobs) expect(existsSync(join(out, `${job.name}.onnx`))).toBe(true);
    // importance for the whole-data models only, as the original
    expect((await readdir(join(out, 'models'))).filter((name) => name.endsWith('.importance.csv')).sort()).toEqual([
      'gbdt.series_description.100.importance.csv',
      'gbdt.standard.100.importance.csv',
    ]);
    const train = (await readTableAll(join(out, 'data', 'train.parquet'))).rows;
    const test = (await readTableAll(join(out, 'data', 'test.parquet'))).rows;
    const trainStudies = new Set(train.map((row) => row['study_uid']));
    expect(test.some((row) => trainStudies.has(row['study_uid']))).toBe(false);
    expect(train.length + test.length).toBe(100);
  });

  it('writes the long tables with the original columns', async () => {
    const metrics = await readTableAll(join(out, 'metrics.csv'));
    expect(metrics.columns).toEqual(['model', 'exclusion', 'metric', 'value', 'true', 'pred', 'set', 'split', 'fold', 'fraction']);
    expect(new Set(metrics.rows.map((row) => `${row['exclusion']} ${row['fraction']}`))).toEqual(
      new Set(['standard 0.5', 'standard 1', 'series_description 0.5', 'series_description 1']),
    );
    expect(new Set(metrics.rows.map((row) => row['split']))).toEqual(new Set(['cv', 'test', 'test_consensus', 'test_ensemble']));
    const importance = await readTableAll(join(out, 'feature_importances.csv'));
    expect(importance.columns).toEqual(['model', 'exclusion', 'class', 'value', 'feature', 'fold', 'fraction']);
    expect(importance.rows.some((row) => row['exclusion'] === 'series_description' && String(row['feature']).startsWith('series_description'))).toBe(false);
    expect(importance.rows.some((row) => row['exclusion'] === 'standard' && String(row['feature']).startsWith('series_description'))).toBe(true);
    // leave-one-group-out folds are named by the group held out
    const centre = (await readTableAll(join(out, 'metrics_logo_centre.csv'))).rows;
    expect(new Set(centre.filter((row) => row['split'] === 'cv' && row['fold'] !== '-').map((row) => row['fold']))).toEqual(
      new Set(['centre_a', 'centre_b', 'centre_c']),
    );
    const vendor = (await readTableAll(join(out, 'metrics_logo_vendor.csv'))).rows;
    expect(new Set(vendor.filter((row) => row['split'] === 'cv' && row['fold'] !== '-').map((row) => row['fold']))).toEqual(
      new Set(['GE', 'PHILIPS', 'SIEMENS']),
    );
    const predictions = await readTableAll(join(out, 'test_predictions.csv'));
    expect(predictions.columns).toEqual(
      expect.arrayContaining([
        'model',
        'exclusion',
        'fraction',
        'series_uid',
        'class',
        'prediction',
        'confidence',
        'probability_t2w',
        'series_description',
        'vendor',
        'centre',
      ]),
    );
    expect(predictions.rows).toHaveLength(4 * 20); // 4 models × 4 test studies × 5 series
  });

  it('does not retrain finished models; a changed setting retrains only what it changes', async () => {
    const model = join(out, 'models', 'gbdt.standard.100.onnx');
    const before = (await stat(model)).mtimeMs;
    const again = await grid(out);
    expect(again.reused).toBe(8);
    expect(again.trained).toBe(0);
    expect((await stat(model)).mtimeMs).toBe(before);
    const copy = join(dir, 'grid-wider');
    await cp(out, copy, { recursive: true });
    const wider = await grid(copy, ['--fractions', '25,50,100']);
    expect(wider.jobs.filter((job) => job.status === 'trained').map((job) => job.name)).toEqual([
      'models/gbdt.standard.25',
      'models/gbdt.series_description.25',
    ]);
  }, 120_000);

  it('resumes after a kill: the finished models are kept, the rest trained, the tables as one run', async () => {
    const killed = join(dir, 'killed');
    const args = [BIN, 'all', table, '-o', killed, '--group-file', groupFile, ...GRID, '--n-jobs', '1'];
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    let exited = false;
    const exit = new Promise((done) => child.once('exit', () => done((exited = true))));
    const records = async () =>
      existsSync(join(killed, 'models')) ? (await readdir(join(killed, 'models'))).filter((name) => name.endsWith('.job.json')).length : 0;
    // Polls only while the child runs: a child that finishes first fails the test below.
    while (!exited && (await records()) < 2) await new Promise((done) => setTimeout(done, 5));
    expect(exited, 'msc-train all finished before it could be killed').toBe(false);
    child.kill('SIGKILL');
    await exit;
    expect(existsSync(join(killed, 'metrics.csv'))).toBe(false);

    const resumed = await grid(killed);
    expect(resumed.reused).toBeGreaterThanOrEqual(2);
    expect(resumed.reused + resumed.trained).toBe(8);
    expect((await readdir(join(killed, 'models'))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    // Training is deterministic: the resumed grid's tables are the uninterrupted grid's.
    for (const name of ['metrics.csv', 'metrics_logo_centre.csv', 'metrics_logo_vendor.csv', 'feature_importances.csv', 'test_predictions.csv']) {
      expect(await readFile(join(killed, name), 'utf8'), name).toBe(await readFile(join(out, name), 'utf8'));
    }
  }, 120_000);

  it('reports usage errors and unusable inputs with their exit codes', async () => {
    const usage = captureIo();
    expect(await trainAllMain([table, '-o', join(dir, 'x'), '--fractions', '0,50'], usage)).toBe(2);
    expect(usage.err()).toMatch(/^error \[E_USAGE\]: .*percentages in \(0, 100\]/);
    const noLabel = captureIo();
    expect(await trainAllMain([table, '-o', join(dir, 'y'), '--target-column', 'sequence'], noLabel)).toBe(3);
    expect(noLabel.err()).toMatch(/no "sequence" column/);
    const badGroups = captureIo();
    await writeFile(join(dir, 'partial.json'), '{"1.2.3": "a"}');
    expect(await trainAllMain([table, '-o', join(dir, 'z'), '--group-file', join(dir, 'partial.json')], badGroups)).toBe(3);
    expect(badGroups.err()).toMatch(/training studies have no centre/);
  });
});
