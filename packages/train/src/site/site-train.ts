/**
 * A site model from reviewed series (msc-train --base model.onnx --corrections corrections.csv
 * site-features.parquet -o site.onnx): the base model's training cohort, regenerated from its
 * recipe, plus the site's reviewed series with a weight, trained with the base model's options.
 *
 * Figures, all from model files scored by ONNX Runtime or from study-grouped cross-validation:
 * - the site's reviewed series before (the base model) and after (each series scored by the fold
 *   model that did not train on its study: the site's studies are split into the base model's
 *   folds, so every fold model is also a study-grouped CV model of the site);
 * - the base model's held-out cohort before and after; a site model that loses more than
 *   `maxBaseDrop` macro-F1 there is refused and not written.
 */
import { readFile } from 'node:fs/promises';
import { MscError, parseClassLabel, type Row } from '@msc/core';
import { MODEL_METADATA, addStudyContext, parseFeatureSpec, transform } from '@msc/features';
import { readTableAll } from '@msc/tables';
import { readOnnxMetadata } from '../export/onnx/export.js';
import { argmaxRows } from '../model/booster.js';
import { classificationMetrics, type ClassificationMetrics } from '../metrics/classification.js';
import { classIndexOf, trainModel } from '../train.js';
import { groupKFold } from '../validation/folds.js';
import { parseCohortRecipe, type CohortRecipe } from '../cohort/recipe.js';
import { regenerateCohortTable } from '../cohort/synthetic.js';
import type { LabelledTable } from '../labelled-table.js';
import type { TrainIo } from '../train-from-table.js';
import { onnxProbabilities } from './onnx-score.js';

export interface SiteTrainOptions {
  /** The site's features table (per instance or per series), reviewed and unreviewed series alike. */
  input: string;
  output: string;
  base: string;
  corrections: string;
  /** Sample weight of each reviewed series; default `defaultCorrectionWeight`. */
  correctionWeight?: number;
  /** Largest macro-F1 loss on the base model's held-out cohort a site model may have. */
  maxBaseDrop: number;
  cacheDir: string;
}

/** Per class: precision, recall, F1 and the number of series of the class. */
export interface ClassFigures {
  class: string;
  precision: number;
  recall: number;
  f1: number;
  series: number;
}

export interface Figures {
  series: number;
  correct: number;
  macroF1: number;
  perClass: ClassFigures[];
}

export interface SiteTrainSummary {
  base: string;
  output: string;
  outputs: string[];
  reviewedSeries: number;
  reviewedStudies: number;
  /** Reviews that changed the base model's label (class ≠ previous). */
  changedLabels: number;
  correctionWeight: number;
  baseRows: number;
  /** The site's reviewed series: base model, and study-grouped CV of the site model. */
  site: { before: Figures; after: Figures };
  /** The base model's held-out cohort, base model and site model. */
  heldOut: { before: Figures; after: Figures; drop: number; maxDrop: number };
  warnings: string[];
}

/** Reviewed series weigh this much by default: together a twentieth of the base rows (at least 1 each). */
export function defaultCorrectionWeight(baseRows: number, reviewedSeries: number): number {
  return Math.max(1, Math.round(baseRows / 20 / Math.max(reviewedSeries, 1)));
}

const CORRECTION_HINT = 'a CSV with study_uid, series_uid, class, previous, reviewed_at (msc-review writes it)';
/** A label column no table has: readRows then keeps every series of the site table. */
const NO_LABEL = '\u0000no label';

interface Correction {
  seriesUid: string;
  label: string;
  previous: string;
  reviewedAt: string;
}

/** Reviews by series; a series reviewed twice keeps its latest review. */
async function readCorrections(path: string, classNames: readonly string[]): Promise<Map<string, Correction>> {
  const table = await readTableAll(path);
  for (const column of ['series_uid', 'class'])
    if (!table.columns.includes(column))
      throw new MscError('E_MISSING_COLUMNS', `the corrections ${path} have no "${column}" column`, { path, hint: CORRECTION_HINT });
  const reviews = new Map<string, Correction>();
  table.rows.forEach((row, i) => {
    const seriesUid = String(row.series_uid ?? '').trim();
    const cell = String(row.class ?? '').trim();
    if (seriesUid === '' || cell === '') throw new MscError('E_BAD_DATA', `${path} row ${i + 2}: no series_uid or class`, { path, hint: CORRECTION_HINT });
    const c = classIndexOf(classNames, cell);
    if (c === undefined)
      throw new MscError('E_BAD_DATA', `${path} row ${i + 2}: "${cell}" is not one of the model's classes (${classNames.join(', ')})`, {
        path,
        hint: CORRECTION_HINT,
      });
    const review = {
      seriesUid,
      label: classNames[c]!,
      previous: parseClassLabel(String(row.previous ?? '')) ?? String(row.previous ?? ''),
      reviewedAt: String(row.reviewed_at ?? ''),
    };
    const known = reviews.get(seriesUid);
    if (!known || review.reviewedAt >= known.reviewedAt) reviews.set(seriesUid, review);
  });
  if (reviews.size === 0) throw new MscError('E_BAD_DATA', `${path} holds no reviewed series`, { path, hint: CORRECTION_HINT });
  return reviews;
}

/** Series rows with study context over every series of their table (as prediction computes it). */
function contextRows(table: LabelledTable): Row[] {
  return addStudyContext([...table.rows, ...(table.unlabelledSeries ?? [])]).rows.slice(0, table.rows.length);
}

function figures(truth: readonly number[], predicted: ArrayLike<number>, classNames: readonly string[]): Figures {
  const metrics: ClassificationMetrics = classificationMetrics(truth, predicted, classNames.length);
  return {
    series: truth.length,
    correct: truth.filter((t, i) => t === predicted[i]).length,
    macroF1: metrics.macroF1,
    perClass: metrics.perClass.map((m, c) => ({ class: classNames[c]!, precision: m.precision, recall: m.recall, f1: m.f1, series: m.support })),
  };
}

async function readModel(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (cause) {
    throw new MscError('E_MODEL', `cannot read the base model ${path}: ${(cause as Error).message}`, {
      path,
      cause,
      hint: 'give the .onnx file of the model the site reviewed',
    });
  }
}

export async function runSiteTrain(opts: SiteTrainOptions, io: TrainIo): Promise<SiteTrainSummary> {
  const baseBytes = await readModel(opts.base);
  let metadata: Record<string, string>;
  try {
    metadata = readOnnxMetadata(baseBytes);
  } catch (cause) {
    throw new MscError('E_MODEL', `${opts.base} is not an ONNX model`, { path: opts.base, cause, hint: 'give the .onnx file of the model the site reviewed' });
  }
  const recipe: CohortRecipe = parseCohortRecipe(metadata[MODEL_METADATA.trainingCohort], opts.base);
  const classNames = JSON.parse(metadata[MODEL_METADATA.classNames] ?? '[]') as string[];
  const baseSpec = parseFeatureSpec(metadata[MODEL_METADATA.featureSpec] ?? '');
  const training = recipe.training;
  const target = training.targetColumn;

  // The site: every series (for study context), the reviewed ones labelled.
  const corrections = await readCorrections(opts.corrections, classNames);
  const siteTable = await io.readRows(opts.input, NO_LABEL);
  const siteRows = contextRows(siteTable);
  const reviewed: Row[] = [];
  const found = new Set<string>();
  for (const row of siteRows) {
    const review = corrections.get(String(row.series_uid ?? ''));
    if (!review) continue;
    found.add(review.seriesUid);
    reviewed.push({ ...row, [target]: review.label });
  }
  const missing = [...corrections.keys()].filter((uid) => !found.has(uid));
  if (missing.length > 0)
    throw new MscError('E_BAD_DATA', `${missing.length} reviewed series are not in the site table ${opts.input} (first: ${missing[0]})`, {
      path: opts.corrections,
      hint: 'give the features table of the site the reviews were made on',
    });
  const reviewedStudies = new Set(reviewed.map((row) => String(row.study_uid ?? '')));
  if (reviewedStudies.size < training.folds)
    throw new MscError(
      'E_BAD_DATA',
      `the reviewed series come from ${reviewedStudies.size} studies; study-grouped cross-validation over ${training.folds} folds needs ${training.folds}`,
      {
        path: opts.corrections,
        hint: `review series of at least ${training.folds} studies`,
      },
    );

  // The base model's cohorts, as it was trained and tested on them.
  const progress = (message: string) => io.progress?.(message);
  const baseTable = await regenerateCohortTable(
    recipe.train,
    { generator: recipe.generator, digest: recipe.trainDigest, role: 'training cohort', model: opts.base },
    opts.cacheDir,
    progress,
  );
  const heldTable = await regenerateCohortTable(
    recipe.heldOut,
    { generator: recipe.generator, digest: recipe.heldOutDigest, role: 'held-out cohort', model: opts.base },
    opts.cacheDir,
    progress,
  );
  const baseRows = contextRows(baseTable);
  const heldRows = contextRows(heldTable);

  const weight = opts.correctionWeight ?? defaultCorrectionWeight(baseRows.length, reviewed.length);
  const rows = [...baseRows, ...reviewed];
  const weights = Float64Array.from(rows, (_, r) => (r < baseRows.length ? 1 : weight));
  // The base rows keep the base model's folds; the site's studies are split into the same number of folds.
  const seed = training.params.seed ?? training.seed;
  const foldOfRow = Int32Array.from([
    ...groupKFold(
      baseRows.map((row) => String(row.study_uid ?? '')),
      training.folds,
      seed,
    ),
    ...groupKFold(
      reviewed.map((row) => String(row.study_uid ?? '')),
      training.folds,
      seed,
    ),
  ]);
  progress(`training on ${baseRows.length} base series and ${reviewed.length} reviewed series (weight ${weight})`);
  const model = trainModel(rows, {
    task: 'classification',
    targetColumn: target,
    folds: training.folds,
    foldOfRow,
    params: training.params,
    featurizer: { exclude: training.excludeCols, include: training.includeCols, minDocFreq: training.minDocFreq, derived: training.derivedFeatures },
    nIter: training.nIter,
    innerFolds: training.innerFolds,
    importance: false,
    weights,
    // Tag dropout for the base rows only: the reviewed series are there to teach this site's habits,
    // tags and all; their blanked copies taught "EPI without b-values is DWI" to every EPI series of
    // a site (issue 21 first SITE version: 3 such errors without the copies, 6 with them).
    ...(training.tagDropout ? { tagDropout: training.tagDropout, tagDropoutRows: baseRows.length } : {}),
    trainingArgs: {
      base_model: opts.base,
      corrections: opts.corrections,
      site_table: opts.input,
      correction_weight: weight,
      reviewed_series: reviewed.length,
      base_cohort: { generator: recipe.generator, train: recipe.train, digest: recipe.trainDigest },
    },
    onRound: (fold, info) => progress(`fold ${fold + 1}: round ${info.round + 1}`),
  });
  if (model.classNames.join('\u0000') !== classNames.join('\u0000'))
    throw new MscError('E_MODEL', `the site model's classes (${model.classNames.join(', ')}) differ from the base model's (${classNames.join(', ')})`, {
      path: opts.base,
    });

  const k = classNames.length;
  const labelsOf = (list: readonly Row[]) => list.map((row) => classIndexOf(classNames, row[target])!);
  const reviewedLabels = labelsOf(reviewed);
  const siteBefore = argmaxRows(await onnxProbabilities(baseBytes, transform(reviewed, baseSpec), opts.base), k);
  const outOfFold = model.cv.outOfFold;
  const siteAfter = argmaxRows(outOfFold.subarray(baseRows.length * k, (baseRows.length + reviewed.length) * k), k);
  const heldLabels = labelsOf(heldRows);
  const heldBefore = argmaxRows(await onnxProbabilities(baseBytes, transform(heldRows, baseSpec), opts.base), k);
  const heldAfter = argmaxRows(await onnxProbabilities(model.onnx, transform(heldRows, model.spec), opts.output), k);

  const site = { before: figures(reviewedLabels, siteBefore, classNames), after: figures(reviewedLabels, siteAfter, classNames) };
  const before = figures(heldLabels, heldBefore, classNames);
  const after = figures(heldLabels, heldAfter, classNames);
  const heldOut = { before, after, drop: before.macroF1 - after.macroF1, maxDrop: opts.maxBaseDrop };
  if (heldOut.drop > opts.maxBaseDrop)
    throw new MscError(
      'E_MODEL',
      `the site model loses ${heldOut.drop.toFixed(4)} macro-F1 on the base model's held-out cohort (${before.macroF1.toFixed(4)} → ${after.macroF1.toFixed(4)}), more than --max-base-drop ${opts.maxBaseDrop}; no model written`,
      { path: opts.output, hint: 'lower --correction-weight, review more series, or allow a larger --max-base-drop' },
    );

  const changedLabels = [...corrections.values()].filter((review) => review.previous !== '' && review.previous !== review.label).length;
  const report = `${opts.output.replace(/\.onnx$/i, '')}.site-report.json`;
  const summary: SiteTrainSummary = {
    base: opts.base,
    output: opts.output,
    outputs: [opts.output, report],
    reviewedSeries: reviewed.length,
    reviewedStudies: reviewedStudies.size,
    changedLabels,
    correctionWeight: weight,
    baseRows: baseRows.length,
    site,
    heldOut,
    warnings: [],
  };
  await io.writeBytes(opts.output, model.onnx);
  await io.writeBytes(report, new TextEncoder().encode(`${JSON.stringify(summary, null, 2)}\n`));
  return summary;
}

/** The end-of-run table for a terminal: before/after per class on the site and on the held-out cohort. */
export function formatSiteSummary(s: SiteTrainSummary): string {
  const pct = (x: number) => x.toFixed(3);
  const lines = [
    `${s.reviewedSeries} reviewed series from ${s.reviewedStudies} studies (${s.changedLabels} relabelled), weight ${s.correctionWeight}, on ${s.baseRows} base series`,
    `reviewed series (site model: study-grouped CV)  before ${s.site.before.correct}/${s.site.before.series}  after ${s.site.after.correct}/${s.site.after.series}`,
    `class     n     F1 before  F1 after`,
  ];
  s.site.before.perClass.forEach((b, c) =>
    lines.push(`${b.class.padEnd(10)}${String(b.series).padEnd(6)}${pct(b.f1).padEnd(11)}${pct(s.site.after.perClass[c]!.f1)}`),
  );
  lines.push(
    `base held-out cohort macro-F1  before ${s.heldOut.before.macroF1.toFixed(4)}  after ${s.heldOut.after.macroF1.toFixed(4)}  (drop ${s.heldOut.drop.toFixed(4)}, allowed ${s.heldOut.maxDrop})`,
    `wrote ${s.outputs.join(', ')}`,
  );
  return lines.join('\n');
}
