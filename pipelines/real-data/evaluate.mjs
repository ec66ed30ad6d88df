// Scoring a model on the real-scanner set, shared by pipelines/evaluate-real.mjs (the report) and
// pipelines/test/real-scanners.test.ts (so the test checks what the report says). Extraction and
// prediction run the built binaries (msc-extract, msc-predict), as a user would.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { LABELS_PATH, SKIP_EXPECTED_PATH } from './cache.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The b-value columns of extract's instance table (core's BVALUE_SOURCE_COLUMNS and their merge). */
export const BVALUE_COLUMNS = ['diffusion_bvalue', 'diffusion_bvalue_ge', 'diffusion_bvalue_siemens', 'diffusion_bvalue_philips', 'diffusion_bvalue_final'];
export const CLASSES = ['T2W', 'ADC', 'DWI', 'DCE', 'Others'];
const bin = (name) => join(ROOT, 'packages', name, 'bin', `msc-${name}.mjs`);
const run = promisify(execFile);

const readCsv = (path) => parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true });
const seriesKey = (row) => `${row.study_uid}|${row.series_uid}`;
const readJsonl = async (path) =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));

/** labels.csv: one row per series; `files` split into file keys, `ambiguous` a boolean. */
export function readLabels(path = LABELS_PATH) {
  return readCsv(path).map((row) => ({ ...row, files: row.files.split(';'), ambiguous: row.ambiguous === '1' }));
}

/**
 * A committed header set's labels (pipelines/real-prostate/labels.csv and its kin: `patient`,
 * `study_uid`, `series_uid`, `class`, `series_description`, `reason`, optional `vendor` and
 * `ambiguous`) in the shape seriesResults takes. `files` stays empty: these sets name series, not
 * files; the vendor comes from the extracted rows when the csv has none (fillVendors).
 */
export function readHeaderSetLabels(path, source) {
  return readCsv(path).map((row) => ({
    source,
    patient: row.patient,
    study_uid: row.study_uid,
    series_uid: row.series_uid,
    label: row.class,
    description: row.series_description,
    why: row.reason,
    vendor: row.vendor || '',
    ambiguous: row.ambiguous === '1',
    family: /^(DWI|ADC)$/.test(row.class) ? 'diffusion' : '',
    files: [],
  }));
}

/** Labels without a vendor take the manufacturer extract read for their series. */
export function fillVendors(labels, instances) {
  const manufacturer = new Map(instances.map((row) => [seriesKey(row), String(row.manufacturer ?? '-').toUpperCase()]));
  return labels.map((label) => (label.vendor ? label : { ...label, vendor: manufacturer.get(seriesKey(label)) ?? '-' }));
}

/** Unpacks a header set's tar (headers.tar.xz) under work/<name>/files, the layout extractCache reads. */
export async function unpackHeaderSet(tarPath, work, name) {
  const dir = join(work, name);
  await mkdir(join(dir, 'files'), { recursive: true });
  await run('tar', ['-xJf', tarPath, '-C', join(dir, 'files')]);
  return dir;
}

/**
 * For every labelled series: the distinct values extract read in each b-value column (`-` left
 * out), so a report can say whether a diffusion series' b-values were read, and from which tag.
 */
export function bvaluesBySeries(instances) {
  const bySeries = new Map();
  for (const row of instances) {
    const key = seriesKey(row);
    const seen = bySeries.get(key) ?? Object.fromEntries(BVALUE_COLUMNS.map((column) => [column, new Set()]));
    for (const column of BVALUE_COLUMNS) {
      const value = row[column];
      if (value !== undefined && value !== null && value !== '-' && value !== '') seen[column].add(String(value));
    }
    bySeries.set(key, seen);
  }
  return bySeries;
}

/** skip-expected.csv: files that are no image series and must be skipped by extract. */
export function readSkipExpected(path = SKIP_EXPECTED_PATH) {
  return readCsv(path);
}

/** A cache path → the `source:path` key labels.csv uses. */
export function keyOfCachePath(cache, path) {
  const [source, ...rest] = relative(join(cache, 'files'), path).split(sep);
  return `${source}:${rest.join('/')}`;
}

/**
 * msc-extract over the cache's files: the instance table (file → series) and the skipped files
 * with their reasons, keyed like labels.csv.
 */
export async function extractCache(cache, work) {
  await mkdir(work, { recursive: true });
  const table = join(work, 'instances.jsonl');
  const skippedReport = join(work, 'skipped.csv');
  await run(process.execPath, [bin('extract'), join(cache, 'files'), '-o', table, '--skipped-report', skippedReport], { maxBuffer: 1 << 26 });
  const instances = (await readJsonl(table)).map((row) => ({ ...row, file: keyOfCachePath(cache, row.file_path) }));
  const skipped = new Map(readCsv(skippedReport).map((row) => [keyOfCachePath(cache, row.path), row.reason]));
  return { table, instances, skipped };
}

/** msc-predict on the instance table: one prediction per series (label, confidence, fired rule). */
export async function predictTable(table, { model, heuristics, out }) {
  const args = [
    bin('predict'),
    table,
    '-o',
    out,
    ...(model ? ['-m', ...[model].flat()] : []),
    ...(heuristics && heuristics !== 'none' ? ['--heuristics', heuristics] : []),
  ];
  await run(process.execPath, args, { maxBuffer: 1 << 26 });
  return readJsonl(out);
}

/**
 * Joins predictions with the labels: one result per labelled series (status `scored`, `ambiguous`
 * or `missing` when extract produced no such series) and one per extracted series no label names
 * (status `unlabelled`: a non-image object that became a series, or a file outside the set).
 */
export function seriesResults(labels, predictions) {
  const byKey = new Map(predictions.map((prediction) => [seriesKey(prediction), prediction]));
  const results = labels.map((label) => {
    const prediction = byKey.get(seriesKey(label));
    byKey.delete(seriesKey(label));
    const status = !prediction ? 'missing' : label.ambiguous ? 'ambiguous' : 'scored';
    return {
      key: seriesKey(label),
      source: label.source,
      vendor: label.vendor,
      family: label.family,
      label: label.label,
      why: label.why,
      files: label.files,
      status,
      predicted: prediction?.prediction_heuristics ?? null,
      model: prediction?.prediction ?? null,
      confidence: prediction ? Number(prediction.confidence) : null,
      rule: prediction?.rule || null,
      correct: prediction ? prediction.prediction_heuristics === label.label : false,
    };
  });
  for (const [key, prediction] of byKey) {
    results.push({
      key,
      status: 'unlabelled',
      predicted: prediction.prediction_heuristics,
      confidence: Number(prediction.confidence),
      rule: prediction.rule || null,
    });
  }
  return results;
}

/** For each file that must be skipped: was it, and why (or which series it went into). */
export function skipResults(skipExpected, extraction) {
  const seriesOf = new Map(extraction.instances.map((row) => [row.file, seriesKey(row)]));
  return skipExpected.map((expected) => ({
    file: expected.file,
    what: expected.what,
    modality: expected.modality,
    sop_class_uid: expected.sop_class_uid,
    skipped: extraction.skipped.has(expected.file),
    reason: extraction.skipped.get(expected.file) ?? null,
    series: seriesOf.get(expected.file) ?? null,
  }));
}

const ratio = (a, b) => (b === 0 ? null : a / b);

/**
 * Scores over the scored series (ambiguous and missing ones left out; a missing series counts as
 * an error in `missing`): accuracy, per-class precision/recall/F1, macro-F1 over the classes
 * present, per-vendor accuracy, confusion matrix (truth → predicted → count).
 */
export function scoreResults(results) {
  const scored = results.filter((result) => result.status === 'scored');
  const confusion = Object.fromEntries(CLASSES.map((truth) => [truth, Object.fromEntries(CLASSES.map((predicted) => [predicted, 0]))]));
  for (const result of scored) {
    confusion[result.label][result.predicted] = (confusion[result.label][result.predicted] ?? 0) + 1;
  }
  const perClass = {};
  for (const name of CLASSES) {
    const tp = confusion[name][name];
    const support = CLASSES.reduce((sum, predicted) => sum + confusion[name][predicted], 0);
    const predictedAs = CLASSES.reduce((sum, truth) => sum + (confusion[truth][name] ?? 0), 0);
    const precision = ratio(tp, predictedAs);
    const recall = ratio(tp, support);
    const f1 = precision === null || recall === null ? null : precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass[name] = { support, predicted: predictedAs, precision, recall, f1 };
  }
  const present = CLASSES.filter((name) => perClass[name].support > 0);
  const perVendor = {};
  for (const result of scored) {
    const vendor = (perVendor[result.vendor] ??= { series: 0, correct: 0 });
    vendor.series += 1;
    vendor.correct += result.correct ? 1 : 0;
  }
  for (const vendor of Object.values(perVendor)) vendor.accuracy = vendor.correct / vendor.series;
  const correct = scored.filter((result) => result.correct).length;
  return {
    series: scored.length,
    correct,
    accuracy: ratio(correct, scored.length),
    macroF1: present.length === 0 ? null : present.reduce((sum, name) => sum + (perClass[name].f1 ?? 0), 0) / present.length,
    perClass,
    perVendor,
    confusion,
    errors: scored.filter((result) => !result.correct),
    missing: results.filter((result) => result.status === 'missing'),
  };
}

/**
 * The physics the issue asks of a model (labels.csv `family`): every diffusion series DWI, and
 * no non-diffusion EPI (BOLD, ASL, DSC…) DWI. Ambiguous series included: their family is known.
 */
export function physicsChecks(results) {
  const labelled = results.filter((result) => result.status === 'scored' || result.status === 'ambiguous');
  return {
    diffusion: labelled.filter((result) => result.family === 'diffusion-epi'),
    diffusionNotDwi: labelled.filter((result) => result.family === 'diffusion-epi' && result.predicted !== 'DWI'),
    nonDiffusionEpi: labelled.filter((result) => /-epi$/.test(result.family) && result.family !== 'diffusion-epi'),
    nonDiffusionEpiDwi: labelled.filter((result) => /-epi$/.test(result.family) && result.family !== 'diffusion-epi' && result.predicted === 'DWI'),
  };
}

/**
 * Every rule of a rule set on every labelled series (the series rows extract makes): where it
 * fires and whether its label is the hand label. Needs `pnpm build` (heuristics' dist).
 */
export async function ruleResults(seriesRows, labels, ruleSetName) {
  const { loadRuleSet, compileRuleSet } = await import('../../packages/heuristics/dist/index.js');
  const rules = compileRuleSet(await loadRuleSet(ruleSetName));
  const byKey = new Map(seriesRows.map((row) => [seriesKey(row), row]));
  const verdicts = labels.map((label) => {
    const row = byKey.get(seriesKey(label));
    return { label, verdicts: row ? rules.explain(row) : [], firstRule: row ? rules.evaluate(row).rule : null };
  });
  const ids = verdicts.find((entry) => entry.verdicts.length > 0)?.verdicts.map((verdict) => verdict.rule) ?? [];
  return ids.map((id) => {
    const fired = verdicts.filter((entry) => entry.verdicts.find((verdict) => verdict.rule === id)?.fired);
    const ruleLabel = verdicts.flatMap((entry) => entry.verdicts).find((verdict) => verdict.rule === id)?.label;
    return {
      rule: id,
      label: ruleLabel,
      fired: fired.map((entry) => ({
        key: seriesKey(entry.label),
        truth: entry.label.label,
        ambiguous: entry.label.ambiguous,
        decides: entry.firstRule === id,
      })),
      // Series of the rule's class (not ambiguous) it does not fire on.
      notFired: verdicts
        .filter((entry) => !entry.label.ambiguous && entry.label.label === ruleLabel && !fired.includes(entry))
        .map((entry) => seriesKey(entry.label)),
    };
  });
}

/** msc-extract's series rows for the rules (one row per series, as predict reduces them). */
export async function extractSeriesRows(cache, work) {
  const table = join(work, 'series.jsonl');
  await run(process.execPath, [bin('extract'), join(cache, 'files'), '--per-series', '-o', table, '--skipped-report', join(work, 'series-skipped.csv')], {
    maxBuffer: 1 << 26,
  });
  return readJsonl(table);
}

const PLANE_WORDS = { axial: ['ax', 'axial', 'tra', 'transverse', 'transversal'], coronal: ['cor', 'coronal'], sagittal: ['sag', 'sagittal'] };

/**
 * For deliverable 5 (rules by geometry where words fail): per labelled series, the planes its
 * ImageOrientationPatient values give (features' planeOf, as the model's derived feature) and the
 * plane words of its description, and whether they agree. Needs `pnpm build` (features' dist).
 */
export async function planeResults(seriesRows, labels) {
  const { planeOf } = await import('../../packages/features/dist/index.js');
  const byKey = new Map(seriesRows.map((row) => [seriesKey(row), row]));
  return labels.map((label) => {
    const row = byKey.get(seriesKey(label)) ?? {};
    const cosines = String(row.image_orientation_patient ?? '-')
      .split(' ')
      .map(Number)
      .filter((value) => Number.isFinite(value));
    const planes = new Set();
    if (cosines.length > 0 && cosines.length % 6 === 0) for (let i = 0; i < cosines.length; i += 6) planes.add(planeOf(cosines.slice(i, i + 6)) ?? 'oblique');
    const words = String(row.series_description ?? '')
      .toLowerCase()
      .split(/[^a-z0-9]+/);
    const named = Object.keys(PLANE_WORDS).filter((plane) => PLANE_WORDS[plane].some((word) => words.includes(word)));
    const fromGeometry = [...planes].sort();
    return {
      key: seriesKey(label),
      description: row.series_description ?? '-',
      geometry: fromGeometry,
      words: named,
      agree: named.length === 0 || fromGeometry.length === 0 ? null : named.every((plane) => fromGeometry.includes(plane)),
    };
  });
}
