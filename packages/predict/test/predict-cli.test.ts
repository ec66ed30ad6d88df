import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTableAll, writeTable } from '@msc/tables';
import { type Row } from '@msc/core';

// Built binaries, as users run them (`pnpm test` builds first). The model comes from msc-train
// through its file: predict never imports train.
const bin = (pkg: string) => fileURLToPath(new URL(`../../${pkg}/bin/msc-${pkg}.mjs`, import.meta.url));
const run = (pkg: string, args: string[]) => spawnSync(process.execPath, [bin(pkg), ...args], { encoding: 'utf8' });

/** Instance rows of a few studies: each class has its own description, ImageType and b-values. */
function instanceRows(studies: number, offset: number): Row[] {
  const kinds: Record<string, { description: string; image_type: string; bvalues: string[]; echo_time: string }> = {
    T2W: { description: 't2_tse_tra', image_type: 'ORIGINAL PRIMARY M ND', bvalues: ['-'], echo_time: '104' },
    DWI: { description: 'ep2d_diff_b50_800', image_type: 'ORIGINAL PRIMARY DIFFUSION NONE', bvalues: ['50', '800'], echo_time: '72' },
    ADC: { description: 'ep2d_diff_ADC', image_type: 'DERIVED PRIMARY DIFFUSION ADC ND', bvalues: ['-'], echo_time: '72' },
    DCE: { description: 't1_vibe_dyn', image_type: 'ORIGINAL PRIMARY M ND', bvalues: ['-'], echo_time: '1.5' },
    Others: { description: 'localizer', image_type: 'ORIGINAL PRIMARY M ND', bvalues: ['-'], echo_time: '5' },
  };
  const rows: Row[] = [];
  for (let s = offset; s < offset + studies; s++) {
    for (const [label, kind] of Object.entries(kinds)) {
      for (let i = 0; i < 4; i++) {
        rows.push({
          patient_id: `P${s}`, study_uid: `1.${s}`, series_uid: `1.${s}.${label}`, class: label,
          series_description: s % 5 === 0 ? `${kind.description}_v${s % 3}` : kind.description,
          image_type: kind.image_type, diffusion_bvalue: kind.bvalues[i % kind.bvalues.length]!,
          echo_time: kind.echo_time, repetition_time: String(1000 + s), manufacturer: s % 2 ? 'SIEMENS' : 'GE',
        });
      }
    }
  }
  return rows;
}

let dir: string;
let model: string;
let held: Row[];
const columnsOf = (rows: Row[]) => Object.keys(rows[0]!);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-predict-'));
  const train = join(dir, 'train.csv');
  const rows = instanceRows(30, 0);
  await writeTable(train, columnsOf(rows), rows);
  model = join(dir, 'model.onnx');
  const trained = run('train', [train, '-o', model, '--folds', '3', '--param', 'n_estimators=30', '--skip-importance']);
  expect(trained.status, trained.stderr).toBe(0);
  held = instanceRows(6, 100);
});

async function predictFrom(path: string, extra: string[] = []): Promise<Row[]> {
  const result = run('predict', [path, '--model-path', model, ...extra]);
  expect(result.status, result.stderr).toBe(0);
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}.csv`);
  await writeFile(out, result.stdout);
  return (await readTableAll(out)).rows;
}

describe('msc-predict', () => {
  it('labels held-out series from an instance CSV, with probabilities and confidence', async () => {
    const path = join(dir, 'held.csv');
    await writeTable(path, columnsOf(held), held);
    const rows = await predictFrom(path);
    expect(rows).toHaveLength(30);
    const truth = new Map(held.map((row) => [row.series_uid, row.class]));
    const correct = rows.filter((row) => row.prediction === truth.get(row.series_uid)).length;
    expect(correct / rows.length).toBeGreaterThanOrEqual(0.9);
    for (const row of rows) {
      const sum = ['ADC', 'DCE', 'DWI', 'Others', 'T2W'].reduce((total, name) => total + Number(row[`probability_${name.toLowerCase()}`]), 0);
      expect(sum).toBeCloseTo(1, 4);
      expect(Number(row.confidence)).toBeGreaterThan(0.2);
    }
  });

  it('gives the same labels for every input kind', async () => {
    const series = (await import('@msc/core')).reduceToSeries(held);
    const inputs: [string, Row[], boolean?][] = [['held.tsv', held], ['held.parquet', series], ['held.jsonl', series], ['held-nested.json', held, true]];
    const results: string[][] = [];
    for (const [name, rows, nested] of inputs) {
      const path = join(dir, name);
      await writeTable(path, columnsOf(rows), rows, nested ? { nested: true } : {});
      const predicted = await predictFrom(path);
      results.push(predicted.map((row) => `${row.series_uid}=${row.prediction}`));
    }
    for (const result of results.slice(1)) expect(result).toEqual(results[0]);
  });

  it('applies heuristics and names the rule that fired', async () => {
    const path = join(dir, 'held-h.csv');
    await writeTable(path, columnsOf(held), held);
    const rows = await predictFrom(path, ['--heuristics', 'prostate_mpmri']);
    const dwi = rows.find((row) => String(row.series_uid).endsWith('.DWI'))!;
    expect(dwi.rule).toBe('dwi-positive-bvalue');
    expect(dwi.prediction_heuristics).toBe('DWI');
    const dce = rows.find((row) => String(row.series_uid).endsWith('.DCE'))!;
    expect(dce.rule ?? '').toBe('');
    expect(dce.prediction_heuristics).toBe(dce.prediction);
  });

  it('marks low-confidence series uncertain and writes outputs atomically by extension', async () => {
    const path = join(dir, 'held-u.csv');
    await writeTable(path, columnsOf(held), held);
    const out = join(dir, 'predictions.parquet');
    const result = run('predict', [path, '--model_path', model, '--min-confidence', '0.999', '-o', out]);
    expect(result.status, result.stderr).toBe(0);
    const rows = (await readTableAll(out)).rows;
    expect(rows).toHaveLength(30);
    for (const row of rows) expect(row.prediction === 'uncertain', String(row.confidence)).toBe(Number(row.confidence) < 0.999);
    expect(rows.some((row) => row.prediction === 'uncertain')).toBe(true);
  });

  it('lists the columns a model needs when the input lacks them', async () => {
    const path = join(dir, 'thin.csv');
    await writeFile(path, 'study_uid,series_uid,echo_time\n1,1.1,80\n');
    const result = run('predict', [path, '--model-path', model]);
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/E_MISSING_COLUMNS.*series_description/);
  });

  it('rejects a file that is not a model, and bad flags', async () => {
    const bogus = join(dir, 'bogus.onnx');
    await writeFile(bogus, 'not a model');
    const path = join(dir, 'held.csv');
    const bad = run('predict', [path, '--model-path', bogus]);
    expect(bad.status).toBe(4);
    expect(bad.stderr).toMatch(/E_MODEL/);
    expect(run('predict', [path, '--model-path', join(dir, 'none.onnx')]).status).toBe(4);
    expect(run('predict', [path, '--vote', 'maybe']).status).toBe(2);
    expect(run('predict', []).status).toBe(2);
    expect(existsSync(join(dir, 'none.onnx'))).toBe(false);
  });
});
