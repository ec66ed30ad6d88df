import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTableAll, reduceToSeries, writeTable } from '@msc/tables';
import { captureIo, type Row } from '@msc/core';
import { main } from '../src/cli/main.js';
import { loadModel } from '../src/model-bundle.js';
import { rowShapValues, transform } from '@msc/features';

// msc-predict runs in-process; the models come from the msc-train binary through their files
// (predict never imports train, not even in tests).
const trainBin = fileURLToPath(new URL('../../train/bin/msc-train.mjs', import.meta.url));
const train = (args: string[]) => spawnSync(process.execPath, [trainBin, ...args], { encoding: 'utf8' });
async function run(args: string[], options: { tty?: boolean } = {}) {
  const io = captureIo(options);
  const status = await main(args, io);
  return { status, stdout: io.out(), stderr: io.err() };
}

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
          patient_id: `P${s}`,
          study_uid: `1.${s}`,
          series_uid: `1.${s}.${label}`,
          class: label,
          series_description: s % 5 === 0 ? `${kind.description}_v${s % 3}` : kind.description,
          image_type: kind.image_type,
          diffusion_bvalue: kind.bvalues[i % kind.bvalues.length]!,
          echo_time: kind.echo_time,
          repetition_time: String(1000 + s),
          manufacturer: s % 2 ? 'SIEMENS' : 'GE',
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
  const trainPath = join(dir, 'train.csv');
  const rows = instanceRows(30, 0);
  await writeTable(trainPath, columnsOf(rows), rows);
  model = join(dir, 'model.onnx');
  const trained = train([trainPath, '-o', model, '--folds', '3', '--param', 'n_estimators=30', '--skip-importance']);
  expect(trained.status, trained.stderr).toBe(0);
  held = instanceRows(6, 100);
});

async function predictFrom(path: string, extra: string[] = [], models = [model]): Promise<Row[]> {
  const result = await run([path, '--model-path', ...models, ...extra]);
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
    const series = reduceToSeries(held);
    const inputs: [string, Row[], boolean?][] = [
      ['held.tsv', held],
      ['held.parquet', series],
      ['held.jsonl', series],
      ['held-nested.json', held, true],
    ];
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
    const result = await run([path, '--model_path', model, '--min-confidence', '0.999', '-o', out]);
    expect(result.status, result.stderr).toBe(0);
    const rows = (await readTableAll(out)).rows;
    expect(rows).toHaveLength(30);
    for (const row of rows) expect(row.prediction === 'uncertain', String(row.confidence)).toBe(Number(row.confidence) < 0.999);
    expect(rows.some((row) => row.prediction === 'uncertain')).toBe(true);
  });

  it('lists the columns a model needs when the input lacks them', async () => {
    const path = join(dir, 'thin.csv');
    await writeFile(path, 'study_uid,series_uid,echo_time\n1,1.1,80\n');
    const result = await run([path, '--model-path', model]);
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/E_MISSING_COLUMNS.*series_description/);
  });

  it('rejects a file that is not a model, and bad flags', async () => {
    const bogus = join(dir, 'bogus.onnx');
    await writeFile(bogus, 'not a model');
    const path = join(dir, 'held.csv');
    const bad = await run([path, '--model-path', bogus]);
    expect(bad.status).toBe(4);
    expect(bad.stderr).toMatch(/E_MODEL/);
    expect((await run([path, '--model-path', join(dir, 'none.onnx')])).status).toBe(4);
    expect((await run([path, '--vote', 'maybe'])).status).toBe(2);
    expect((await run([])).status).toBe(2);
    expect(existsSync(join(dir, 'none.onnx'))).toBe(false);
  });

  it('averages several models (soft) or takes the most common label (hard)', async () => {
    const path = join(dir, 'held-v.csv');
    await writeTable(path, columnsOf(held), held);
    const second = join(dir, 'model2.onnx');
    const trained = train([join(dir, 'train.csv'), '-o', second, '--folds', '3', '--seed', '9', '--param', 'n_estimators=5', '--skip-importance']);
    expect(trained.status, trained.stderr).toBe(0);
    const one = await predictFrom(path);
    const other = await predictFrom(path, [], [second]);
    const soft = await predictFrom(path, [], [model, second]);
    const hard = await predictFrom(path, ['--vote', 'hard'], [model, second]);
    for (let r = 0; r < soft.length; r++) {
      // Soft: the probabilities are the mean of the two models'.
      for (const name of ['adc', 'dce', 'dwi', 'others', 't2w']) {
        const mean = (Number(one[r]![`probability_${name}`]) + Number(other[r]![`probability_${name}`])) / 2;
        expect(Number(soft[r]![`probability_${name}`])).toBeCloseTo(mean, 5);
      }
      // Hard: two voters that agree give their label; when they disagree the higher mean probability wins.
      if (one[r]!.prediction === other[r]!.prediction) expect(hard[r]!.prediction).toBe(one[r]!.prediction);
      else expect(hard[r]!.prediction).toBe(soft[r]!.prediction);
    }
  });

  it('gives one row per instance, series or study with --reduce, from a table and from its rows renamed', async () => {
    const path = join(dir, 'held-r.csv');
    await writeTable(path, columnsOf(held), held);
    expect(await predictFrom(path, ['--reduce', 'instance'])).toHaveLength(held.length);
    expect(await predictFrom(path, ['--reduce', 'series'])).toHaveLength(30);
    expect(await predictFrom(path, ['--reduce', 'study'])).toHaveLength(6);
    // The original's DICOM keyword headers, mapped back with --column-map before reduction.
    const renamed = held.map(({ study_uid, series_uid, series_description, ...rest }) => ({
      StudyInstanceUID: study_uid!,
      SeriesUID: series_uid!,
      Description: series_description!,
      ...rest,
    }));
    const mappedPath = join(dir, 'held-renamed.csv');
    await writeTable(mappedPath, columnsOf(renamed), renamed);
    const mapped = await predictFrom(mappedPath, ['--column-map', 'StudyInstanceUID:study_uid', 'SeriesUID:series_uid', 'Description:series_description']);
    const plain = await predictFrom(path);
    expect(mapped.map((row) => `${row.series_uid}=${row.prediction}`)).toEqual(plain.map((row) => `${row.series_uid}=${row.prediction}`));
    expect((await run([mappedPath, '--model-path', model, '--column-map', 'nocolon'])).status).toBe(2);
  });

  it('refuses --classes that would relabel a model carrying its own class names', async () => {
    const path = join(dir, 'held.csv');
    const reordered = await run([path, '--model-path', model, '--classes', 'T2W,ADC,DWI,DCE,Others']);
    expect(reordered.status).toBe(2);
    expect(reordered.stderr).toMatch(/E_USAGE.*stores its class names/);
    expect((await run([path, '--model-path', model, '--classes', 'A,A,B,C,D'])).stderr).toMatch(/distinct, non-empty/);
    // The same names in the same order are harmless.
    expect((await run([path, '--model-path', model, '--classes', 'ADC,DCE,DWI,Others,T2W'])).status).toBe(0);
  });

  it('prints a JSON summary when piped and a readable one on a terminal, with -o', async () => {
    const path = join(dir, 'held.csv');
    const piped = await run([path, '--model-path', model, '-o', join(dir, 'sum.csv')]);
    expect(piped.status, piped.stderr).toBe(0);
    const summary = JSON.parse(piped.stdout) as { series: number; labels: Record<string, number>; output: string };
    expect(summary.series).toBe(30);
    expect(Object.values(summary.labels).reduce((a, b) => a + b, 0)).toBe(30);
    const tty = await run([path, '--model-path', model, '-o', join(dir, 'sum2.csv')], { tty: true });
    expect(tty.stdout).toMatch(/^msc-predict: 30 series → .*sum2\.csv/);
  });

  it('--explain: the trees read back from the .onnx file reproduce its probabilities, and name what decided each label', async () => {
    const bundle = await loadModel(model);
    try {
      const rows = reduceToSeries(held);
      const matrix = transform(rows, bundle.spec);
      const ensembles = bundle.treeEnsembles();
      const scored = await bundle.score(transform(rows, bundle.spec));
      const k = bundle.classNames.length;
      for (let r = 0; r < rows.length; r++) {
        // Local accuracy: per fold, contributions + bias = the margin of every class; their softmax,
        // averaged over folds, is what ONNX Runtime computed.
        const mean = new Float64Array(k);
        for (const ensemble of ensembles) {
          const margins = Array.from({ length: k }, (_, c) =>
            rowShapValues({ ...ensemble, nFeatures: matrix.nCols }, matrix.data, r * matrix.nCols, c).reduce((a, b) => a + b, 0),
          );
          const top = Math.max(...margins);
          const exp = margins.map((m) => Math.exp(m - top));
          const total = exp.reduce((a, b) => a + b, 0);
          exp.forEach((e, c) => (mean[c]! += e / total / ensembles.length));
        }
        for (let c = 0; c < k; c++) expect(mean[c]!).toBeCloseTo(scored[r * k + c]!, 5);
      }
    } finally {
      await bundle.close();
    }
    const path = join(dir, 'held-x.csv');
    await writeTable(path, columnsOf(held), held);
    const explained = await predictFrom(path, ['--explain', '2']);
    for (const row of explained) {
      const parts = String(row.explanation).split('; ');
      expect(parts.length).toBeGreaterThanOrEqual(1);
      expect(parts.length).toBeLessThanOrEqual(2);
      for (const part of parts) expect(part).toMatch(/^\S+ \([+-]\d+\.\d\d\)$/);
    }
    const dwi = explained.find((row) => String(row.series_uid).endsWith('.DWI'))!;
    expect(dwi.explanation).toMatch(/diffusion|bvalue|b50|800|ep2d/);
    expect(explained.map((row) => row.prediction)).toEqual((await predictFrom(path)).map((row) => row.prediction));
  });
});
