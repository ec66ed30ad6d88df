// Issue 21: a site model from reviewed series, end to end. A small base model is trained here from
// a small cohort recipe (so msc-train --base regenerates its cohort in seconds); a synthetic site
// whose habits no training profile has (msc-synth --vendors SITE) is classified by it, its 20 least
// confident series are corrected as msc-review writes corrections, and the site model must fix at
// least half of the errors on the site's other series with no class worse, be refused when it
// costs more than --max-base-drop on the base model's held-out cohort, and be served by msc-serve
// from config-api.yaml. A base model without a recipe (older models) is refused with a hint.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_METADATA } from '@msc/features';
import { createServer } from '@msc/serve';
import { GENERATOR_VERSION } from '@msc/synth';
import { readTableAll, writeTable } from '@msc/tables';
import { labelledSeriesTable } from '@msc/train/cohort';
// @ts-expect-error plain ESM module without types, shared with the pipeline script
import { siteExperiment, targetMet } from '../site-model.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const trainBin = join(root, 'packages/train/bin/msc-train.mjs');
const CLASSES = ['ADC', 'DCE', 'DWI', 'Others', 'T2W'];

let work: string;
let base: string;
let cacheDir: string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let result: any;

const train = (args: string[]) => spawnSync(process.execPath, [trainBin, ...args], { encoding: 'utf8' });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'msc-site-model-'));
  cacheDir = join(work, 'cache');
  // A small recipe: 20 studies, two files per series, 30 trees per class and fold.
  const cohorts = {
    generator: GENERATOR_VERSION,
    train: { studies: 20, seed: 11, maxInstancesPerSeries: 2 },
    heldOut: { studies: 10, seed: 12, maxInstancesPerSeries: 2 },
  };
  const trainTable = await labelledSeriesTable({ outDir: join(work, 'train'), ...cohorts.train });
  const heldTable = await labelledSeriesTable({ outDir: join(work, 'held'), ...cohorts.heldOut });
  await writeFile(join(work, 'cohort.json'), JSON.stringify(cohorts));
  base = join(work, 'base.onnx');
  const made = train([
    trainTable.path,
    '--test-set',
    heldTable.path,
    '--cohort',
    join(work, 'cohort.json'),
    '-o',
    base,
    '--seed',
    '11',
    '--param',
    'n_estimators=30',
    '--param',
    'colsample_bytree=0.5',
    '--tag-dropout',
    '0.25',
    '--skip-importance',
  ]);
  expect(made.status, made.stderr).toBe(0);
  result = await siteExperiment({
    base,
    work: join(work, 'site'),
    studies: 40,
    seed: 7,
    review: 20,
    cacheDir,
    maxInstancesPerSeries: 2,
    trainArgs: ['--max-base-drop', '0.05'],
  });
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a site model from 20 reviewed series', () => {
  it('fixes at least half of the errors on the unreviewed series, no class worse', () => {
    expect(result.train.status, result.train.stderr).toBe(0);
    // the site is partly wrong for the base model, and the review found errors to correct
    expect(result.errorsBefore).toBeGreaterThanOrEqual(3);
    expect(result.reviewedWrong).toBeGreaterThan(0);
    expect(result.errorsAfter).toBeLessThanOrEqual(result.errorsBefore / 2);
    for (const c of CLASSES) {
      expect(result.classesAfter[c].errors, c).toBeLessThanOrEqual(result.classesBefore[c].errors);
      expect(result.classesAfter[c].f1, c).toBeGreaterThanOrEqual(result.classesBefore[c].f1 - 1e-9);
    }
    expect(targetMet(result).met).toBe(true);
  });

  it('reports the reviewed series before and after (study-grouped CV) per class, and the base held-out cohort', async () => {
    const summary = result.summary;
    expect(summary.reviewedSeries).toBe(20);
    expect(summary.site.after.correct).toBeGreaterThan(summary.site.before.correct);
    expect(summary.site.before.perClass.map((c: { class: string }) => c.class)).toEqual(CLASSES);
    expect(summary.heldOut.before.series).toBeGreaterThan(50);
    expect(summary.heldOut.drop).toBeLessThanOrEqual(0.05);
    const report = JSON.parse(await readFile(result.siteModel.replace(/\.onnx$/, '.site-report.json'), 'utf8'));
    expect(report.site.after.correct).toBe(summary.site.after.correct);
  });

  it('refuses a site model that costs more than --max-base-drop on the held-out cohort, and writes nothing', async () => {
    // a careless review: every reviewed series given a wrong class, weighted heavily
    const corrections = (await readTableAll(join(work, 'site', 'corrections.csv'))).rows.map((row) => ({
      ...row,
      class: CLASSES[(CLASSES.indexOf(String(row.class)) + 1) % CLASSES.length]!,
    }));
    const wrong = join(work, 'wrong-corrections.csv');
    await writeTable(wrong, ['study_uid', 'series_uid', 'class', 'previous', 'reviewed_at'], corrections);
    const output = join(work, 'refused.onnx');
    const run = train([result.site.path, '--base', base, '--corrections', wrong, '-o', output, '--cache-dir', cacheDir, '--correction-weight', '60']);
    expect(run.status).toBe(4);
    expect(run.stderr).toMatch(
      /error \[E_MODEL\]: the site model loses [0-9.]+ macro-F1 on the base model's held-out cohort .* more than --max-base-drop 0\.01; no model written/,
    );
    expect(run.stderr).toMatch(/hint: /);
    expect(existsSync(output)).toBe(false);
    expect(existsSync(output.replace(/\.onnx$/, '.site-report.json'))).toBe(false);
  });

  /** The base model with its recipe edited (undefined: removed), written as another file. */
  const withRecipe = async (name: string, edit: (recipe: Record<string, unknown>) => Record<string, unknown> | undefined) => {
    const model = onnxProto.onnx.ModelProto.decode(await readFile(base));
    const prop = model.metadataProps.find((p) => p.key === MODEL_METADATA.trainingCohort)!;
    const edited = edit(JSON.parse(prop.value!));
    if (edited) prop.value = JSON.stringify(edited);
    else model.metadataProps = model.metadataProps.filter((p) => p !== prop);
    const path = join(work, name);
    await writeFile(path, onnxProto.onnx.ModelProto.encode(model).finish());
    return path;
  };
  const siteRun = (model: string) =>
    train([result.site.path, '--base', model, '--corrections', join(work, 'site', 'corrections.csv'), '-o', join(work, 'none.onnx'), '--cache-dir', cacheDir]);

  it('refuses a base model that records no training-cohort recipe (older models), and a site model as a base', async () => {
    const older = await withRecipe('older.onnx', () => undefined);
    for (const model of [older, result.siteModel]) {
      const run = siteRun(model);
      expect(run.status).toBe(4);
      expect(run.stderr).toMatch(/error \[E_MODEL\]: .* does not record how its training data was made/);
      expect(run.stderr).toMatch(/hint: retrain the base model/);
    }
  });

  it('refuses a recipe whose cohort regenerates differently from the table the model was trained on', async () => {
    const run = siteRun(await withRecipe('tampered.onnx', (recipe) => ({ ...recipe, trainDigest: '0'.repeat(64) })));
    expect(run.status).toBe(4);
    expect(run.stderr).toMatch(/error \[E_MODEL\]: the training cohort of .* regenerates differently/);
  });

  it('is served by msc-serve when config-api.yaml points model: at it', async () => {
    const dicom = result.site.dicom;
    const configPath = join(work, 'config-api.yaml');
    const config = `models:\n  site:\n    model: ${JSON.stringify(result.siteModel)}\n  base:\n    model: ${JSON.stringify(base)}\nserver:\n  allowed_roots: [${JSON.stringify(dicom)}]\n`;
    await writeFile(configPath, config);
    const server = await createServer({ configPath, env: { MSC_API_TOKEN: 'site-token' }, logger: false });
    const served = async (model: string) => {
      const response = await server.app.inject({
        method: 'POST',
        url: '/predict',
        payload: { model_id: model, dicom_path: dicom },
        headers: { authorization: 'Bearer site-token' },
      });
      expect(response.statusCode, response.body).toBe(200);
      const reply = response.json() as { series_uid: string[]; prediction: string[] };
      return new Map(reply.series_uid.map((uid, i) => [uid, reply.prediction[i]]));
    };
    try {
      const site = await served('site');
      const baseLabels = await served('base');
      // msc-predict with the site model on the same files gives the labels the service serves
      const out = join(work, 'site-folder.csv');
      const predict = spawnSync(process.execPath, [join(root, 'packages/predict/bin/msc-predict.mjs'), dicom, '--model-path', result.siteModel, '-o', out], {
        encoding: 'utf8',
      });
      expect(predict.status, predict.stderr).toBe(0);
      const rows = (await readTableAll(out)).rows;
      expect(site.size).toBe(rows.length);
      for (const row of rows) expect(site.get(String(row.series_uid)), String(row.series_uid)).toBe(row.prediction);
      // and they are the site model's labels, not the base model's
      const changed = [...site].filter(([uid, label]) => baseLabels.get(uid) !== label).length;
      expect(changed).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
