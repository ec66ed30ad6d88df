import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTableAll, writeTable } from '@msc/tables';
import { captureIo } from '@msc/core';
import { extractSeries } from '@msc/extract';
import { main as extractMain } from '@msc/extract/cli';
import { main as predictMain } from '../src/cli/main.js';
import { generateCohort, type CohortResult } from '@msc/synth';

// extract and predict run in-process; train as its binary (predict never imports train, not even in tests).
const trainBin = fileURLToPath(new URL('../../train/bin/msc-train.mjs', import.meta.url));
const MAINS = { extract: extractMain, predict: predictMain } as const;
async function run(pkg: 'extract' | 'predict', args: string[]) {
  const io = captureIo();
  const status = await MAINS[pkg](args, io);
  return { status, stdout: io.out(), stderr: io.err() };
}

let dir: string;
let model: string;
let held: CohortResult;
/** msc-predict on the held-out folder: what both tests check, run once. */
let fromFolder: Awaited<ReturnType<typeof run>>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-e2e-'));
  // synth → extract → train on one seed's studies; predict on another seed's (held-out studies).
  // A few files per series keep extraction quick; series-level values are kept (labels, b-values).
  const train = await generateCohort({ outDir: join(dir, 'train'), studies: 45, seed: 301, maxInstancesPerSeries: 3 });
  const labels = new Map(train.labels.map((label) => [label.series_uid, label.class]));
  const { rows } = await extractSeries([train.outDir]);
  const table = join(dir, 'train.parquet');
  const labelled = rows.map((row) => ({ ...row, class: labels.get(row.series_uid) ?? '-' }));
  await writeTable(table, [...new Set(labelled.flatMap((row) => Object.keys(row)))], labelled);
  model = join(dir, 'model.onnx');
  const trained = spawnSync(process.execPath, [trainBin, table, '-o', model, '--folds', '3', '--param', 'n_estimators=40', '--skip-importance'], {
    encoding: 'utf8',
  });
  expect(trained.status, trained.stderr).toBe(0);
  held = await generateCohort({ outDir: join(dir, 'held'), studies: 12, seed: 302, maxInstancesPerSeries: 4 });
  fromFolder = await run('predict', [held.outDir, '--model-path', model]);
}, 180_000);

describe('synth → extract → train → predict', () => {
  it('classifies held-out studies from their DICOM folder', async () => {
    const result = fromFolder;
    expect(result.status, result.stderr).toBe(0);
    const out = join(dir, 'held.csv');
    await writeFile(out, result.stdout);
    const rows = (await readTableAll(out)).rows;
    expect(rows).toHaveLength(held.labels.length);
    const truth = new Map(held.labels.map((label) => [label.series_uid, label.class]));
    const correct = rows.filter((row) => row.prediction === truth.get(String(row.series_uid))).length;
    expect(correct / rows.length).toBeGreaterThanOrEqual(0.95);
    // SEG/SR objects in the folder are not series to classify.
    expect(rows.every((row) => truth.has(String(row.series_uid)))).toBe(true);
  });

  it('gives the same labels from the folder and from msc-extract tables of it', async () => {
    expect(fromFolder.status, fromFolder.stderr).toBe(0);
    const lines = (text: string) => text.trim().split('\n').sort();
    for (const [name, flags] of [
      ['held-instances.tsv', []],
      ['held-series.parquet', ['--per-series']],
    ] as const) {
      const table = join(dir, name);
      expect((await run('extract', [held.outDir, '-o', table, ...flags])).status).toBe(0);
      const fromTable = await run('predict', [table, '--model-path', model]);
      expect(fromTable.status, fromTable.stderr).toBe(0);
      expect(lines(fromTable.stdout)).toEqual(lines(fromFolder.stdout));
    }
  });
});
