#!/usr/bin/env node
// One-column ablation (issue 18): how much a model loses when an export leaves one tag empty.
// A held-out synthetic cohort of every vendor profile (training vendors and the held-out CANON
// and UIH; seeds the default model's training never used) is reduced to series rows and
// predicted; then each column the model reads is blanked in every row in turn and predicted
// again. A model passes when no single column costs more than `maxAccuracyDrop` accuracy and
// no class's recall falls by more than `maxRecallDrop` (a class lost wholesale).
//   pnpm build && node pipelines/ablation.mjs [--model models/prostate_mpmri.onnx] [--studies 3] [--seed 4101]
// Used by pipelines/test/ablation.test.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { labelledSeriesTable } from './cohort-table.mjs';
import { DEFAULT_VENDORS, HELD_OUT_VENDORS } from '@msc/synth';

// Every vendor profile: the training mix and the held-out vendors (site profiles are not vendors).
const ALL_VENDORS = [...DEFAULT_VENDORS, ...HELD_OUT_VENDORS];
import { isMissing } from '@msc/core';
import { specColumns } from '@msc/features';
import { addStudyContext, loadModel, predictSeries } from '@msc/predict';

export const ABLATION_LIMITS = { maxAccuracyDrop: 0.01, maxRecallDrop: 0.5 };

/**
 * Series rows (with `class` and `vendor`) of `studies` studies of each vendor profile, few files
 * per series. Seeds `seed`, `seed + 1`, … one per vendor (the default model trains on 2026–2029).
 */
export async function ablationCohort({ work, studies = 3, seed = 4101, maxInstancesPerSeries = 3 }) {
  const rows = [];
  for (const [index, vendor] of ALL_VENDORS.entries()) {
    const table = await labelledSeriesTable({ outDir: join(work, vendor), studies, seed: seed + index, vendors: [vendor], maxInstancesPerSeries });
    rows.push(...table.rows);
  }
  return rows;
}

const recallByClass = (rows, predicted) => {
  const totals = new Map();
  rows.forEach((row, i) => {
    const entry = totals.get(row.class) ?? { n: 0, right: 0 };
    entry.n += 1;
    if (predicted[i] === row.class) entry.right += 1;
    totals.set(row.class, entry);
  });
  return new Map([...totals].map(([label, { n, right }]) => [label, right / n]));
};

/**
 * Accuracy of `model` (a loaded ModelBundle) on `rows`, then with each column it reads blanked.
 * Columns with no value in any row are left out (blanking them changes nothing).
 * Returns { accuracy, recall, columns: [{ column, accuracy, delta, worstClass, worstRecallDrop, failed }] }.
 */
export async function columnAblation(model, rows, limits = ABLATION_LIMITS) {
  const columns = specColumns(model.spec).filter((column) => rows.some((row) => !isMissing(row[column])));
  // every ablated copy in one call: the model scores them in a few large batches
  // Study context is computed after the blanking, as msc-predict computes it from such an export.
  const withContext = (table) => addStudyContext(table).rows;
  const all = [withContext(rows), ...columns.map((column) => withContext(rows.map((row) => ({ ...row, [column]: null }))))].flat();
  const labels = (await predictSeries(all, [model])).map((prediction) => prediction.prediction);
  const slice = (k) => labels.slice(k * rows.length, (k + 1) * rows.length);
  const accuracyOf = (predicted) => predicted.filter((label, i) => label === rows[i].class).length / rows.length;
  const base = slice(0);
  const accuracy = accuracyOf(base);
  const recall = recallByClass(rows, base);
  const results = columns.map((column, k) => {
    const predicted = slice(k + 1);
    const blankAccuracy = accuracyOf(predicted);
    const blankRecall = recallByClass(rows, predicted);
    let worstClass = '';
    let worstRecallDrop = 0;
    for (const [label, before] of recall) {
      const drop = before - blankRecall.get(label);
      if (drop > worstRecallDrop) [worstClass, worstRecallDrop] = [label, drop];
    }
    const delta = blankAccuracy - accuracy;
    return {
      column,
      accuracy: blankAccuracy,
      delta,
      worstClass,
      worstRecallDrop,
      failed: -delta > limits.maxAccuracyDrop || worstRecallDrop > limits.maxRecallDrop,
    };
  });
  results.sort((a, b) => a.delta - b.delta || a.column.localeCompare(b.column));
  return { accuracy, recall: Object.fromEntries(recall), columns: results };
}

const inSeconds = (cell) =>
  isMissing(cell)
    ? cell
    : String(cell)
        .split(/\s+/)
        .map((value) => (Number.isFinite(Number(value)) && value !== '' ? String(Number(value) / 1000) : value))
        .join(' ');

/** Export habits that write DICOM's millisecond timing tags in seconds. */
export const SECONDS_EXPORTS = {
  'temporal_resolution in s': ['temporal_resolution'],
  'echo_time and repetition_time in s': ['echo_time', 'repetition_time'],
};

/** Accuracy of `model` on `rows` and on each SECONDS_EXPORTS rewrite of them: [{ variant, accuracy, delta }]. */
export async function secondsExportAccuracy(model, rows) {
  const variants = Object.entries(SECONDS_EXPORTS);
  const withContext = (table) => addStudyContext(table).rows;
  const all = [
    withContext(rows),
    ...variants.map(([, columns]) => withContext(rows.map((row) => ({ ...row, ...Object.fromEntries(columns.map((c) => [c, inSeconds(row[c])])) })))),
  ].flat();
  const labels = (await predictSeries(all, [model])).map((prediction) => prediction.prediction);
  const accuracyOf = (k) => labels.slice(k * rows.length, (k + 1) * rows.length).filter((label, i) => label === rows[i].class).length / rows.length;
  const base = accuracyOf(0);
  return variants.map(([variant], k) => ({ variant, accuracy: accuracyOf(k + 1), delta: accuracyOf(k + 1) - base }));
}

/** The ablation as a Markdown table, worst column first. */
export function formatAblation({ accuracy, columns }, { top = Infinity } = {}) {
  const lines = [
    `baseline accuracy ${(100 * accuracy).toFixed(2)} %`,
    '',
    '| column blanked | accuracy | Δ points | worst class (recall drop) | |',
    '|---|---|---|---|---|',
  ];
  for (const r of columns.slice(0, top)) {
    const worst = r.worstClass ? `${r.worstClass} (−${(100 * r.worstRecallDrop).toFixed(1)})` : '–';
    lines.push(`| ${r.column} | ${(100 * r.accuracy).toFixed(2)} | ${(100 * r.delta).toFixed(2)} | ${worst} | ${r.failed ? 'FAIL' : ''} |`);
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'models/prostate_mpmri.onnx' },
      studies: { type: 'string', default: '3' },
      seed: { type: 'string', default: '4101' },
      'max-instances': { type: 'string', default: '3' },
      top: { type: 'string' },
    },
  });
  const work = await mkdtemp(join(tmpdir(), 'msc-ablation-'));
  try {
    const rows = await ablationCohort({
      work,
      studies: Number(values.studies),
      seed: Number(values.seed),
      maxInstancesPerSeries: Number(values['max-instances']),
    });
    const model = await loadModel(values.model);
    try {
      const result = await columnAblation(model, rows);
      const counts = Object.entries(rows.reduce((n, row) => ({ ...n, [row.class]: (n[row.class] ?? 0) + 1 }), {}));
      console.log(
        `${values.model}: ${rows.length} series (${counts.map(([c, n]) => `${c} ${n}`).join(', ')}) from ${values.studies} studies of each of ${ALL_VENDORS.join(', ')}`,
      );
      console.log(formatAblation(result, values.top ? { top: Number(values.top) } : {}));
      const seconds = await secondsExportAccuracy(model, rows);
      console.log(`\n${seconds.map((r) => `${r.variant}: accuracy ${(100 * r.accuracy).toFixed(2)} % (Δ ${(100 * r.delta).toFixed(2)} points)`).join('\n')}`);
      process.exitCode = result.columns.some((r) => r.failed) || seconds.some((r) => -r.delta > ABLATION_LIMITS.maxAccuracyDrop) ? 1 : 0;
    } finally {
      await model.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
