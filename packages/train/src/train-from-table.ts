/**
 * Training from files (what msc-train runs once its flags are checked): read → subset → cross-validate (+ inner search) →
 * optional test set → write the model and metrics. Table and file I/O come in through `TrainIo`
 * so the flow is tested without touching disk; cli/main.ts wires it to core's table readers
 * and atomic writers.
 */
import { CLASS_LABELS, MscError, assertDistinctPaths, checkOutputPath, parseClassLabel, type Row } from '@msc/core';
import { MODEL_METADATA, addStudyContext, transform } from '@msc/features';
import { COHORT_RECIPE_VERSION, parseCohortDescription, rowsDigest, type CohortRecipe } from './cohort/recipe.js';
import { classificationMetricRows, regressionMetricRows, type MetricContext } from './metrics/long-table.js';
import type { ClassificationMetrics, RegressionMetrics } from './metrics/classification.js';
import { classIndexOf, trainModel } from './train.js';
import { subsetByStudy } from './validation/subset.js';
import { evaluateTestSet } from './validation/test-set.js';
import type { BoosterParams, Task } from './params.js';
import type { LabelledTable } from './labelled-table.js';
import type { TagDropout } from './augment/tag-dropout.js';

/** What one training run needs (msc-train maps its flags onto it; the grid builds one per job). */
export interface TrainRunOptions {
  input: string;
  output: string;
  testSet?: string;
  targetColumn: string;
  task: Task;
  excludeCols: string[];
  includeCols: string[];
  subset?: number;
  seed: number;
  params: Partial<BoosterParams>;
  folds: number;
  groupFile?: string;
  nIter: number;
  innerFolds: number;
  skipImportance: boolean;
  minDocFreq: number;
  /** Add the derived features (plane, b-value range, image-type flags, contrast); default true. */
  derivedFeatures: boolean;
  modelName: string;
  /** Train also on copies with informative columns blanked (--tag-dropout). */
  tagDropout?: TagDropout;
  /** JSON file describing the synthetic cohorts the input and test tables were made from (--cohort): recorded as the model's recipe. */
  cohort?: string;
}

export interface TrainIo {
  /** Series rows of a labelled table (see readLabelledTable: unlabelled rows left out, conflicts refused). */
  readRows(path: string, labelColumn: string): Promise<LabelledTable>;
  readText(path: string): Promise<string>;
  /** Atomic write of a whole file. */
  writeBytes(path: string, bytes: Uint8Array): Promise<void>;
  /** Writes a table, format by extension. */
  writeRows(path: string, rows: Row[]): Promise<void>;
  progress?(message: string): void;
}

export interface TrainSummary {
  rows: number;
  studies: number;
  features: number;
  folds: { name: string; score: number }[];
  /** CV macro-F1 (classification) or RMSE (regression) over out-of-fold predictions. */
  cvScore: number;
  testScore?: number;
  outputs: string[];
  /** What the user should know about the data: rows left out, labels that look wrong, no study context. */
  warnings: string[];
  /** Whether the series were featurized with their study's other series in view (the table has study_uid). */
  studyContext: boolean;
}

/** A table's labelled series with study context over all its series (labelled or not), as prediction computes it. */
function withStudyContext(table: LabelledTable): { rows: Row[]; studyContext: boolean } {
  const context = addStudyContext([...table.rows, ...(table.unlabelledSeries ?? [])]);
  return { rows: context.rows.slice(0, table.rows.length), studyContext: context.studyContext };
}

/** The files a run writes: the model, its metrics and (unless skipped) the importance table. */
function trainOutputs(opts: TrainRunOptions): string[] {
  const base = opts.output.replace(/\.onnx$/i, '');
  return [opts.output, `${base}.metrics.json`, `${base}.metrics.csv`, ...(opts.skipImportance ? [] : [`${base}.importance.csv`])];
}

/**
 * Every output checked before the (long) training: none of them is an input (`-o x.onnx` would
 * write x.metrics.csv over a table of that name), and each can be written.
 */
export function checkTrainOutputs(opts: TrainRunOptions): void {
  const inputs = [
    { path: opts.input, role: 'the input table' },
    ...(opts.testSet ? [{ path: opts.testSet, role: 'the test set' }] : []),
    ...(opts.groupFile ? [{ path: opts.groupFile, role: 'the group file' }] : []),
    ...(opts.cohort ? [{ path: opts.cohort, role: 'the cohort description' }] : []),
  ];
  const outputs = trainOutputs(opts);
  assertDistinctPaths(
    outputs.map((path, i) => ({ path, role: i === 0 ? 'the output model' : `the output ${path}` })),
    inputs,
  );
  for (const path of outputs) checkOutputPath(path);
}

/** Rows left out while reading a table, in words. */
function readingWarnings(table: LabelledTable, path: string, target: string): string[] {
  const warnings: string[] = [];
  if (table.unlabelledRows > 0)
    warnings.push(`${table.unlabelledRows} of ${table.inputRows} rows of ${path} have no label in "${target}" (empty or -); left out`);
  if (table.blankKeyRows > 0) warnings.push(`${table.blankKeyRows} of ${table.inputRows} rows of ${path} have no study_uid or series_uid; left out`);
  return warnings;
}

/** Labels that train a useless model without failing: an identifier as the label, classes too rare for the folds. */
function labelWarnings(rows: readonly Row[], target: string, folds: number | undefined): string[] {
  const studiesOf = new Map<string, Set<string>>();
  for (const row of rows) {
    const cell = row[target];
    if (cell === null || cell === undefined) continue;
    const label = parseClassLabel(String(cell)) ?? String(cell).trim();
    const studies = studiesOf.get(label) ?? new Set<string>();
    studies.add(String(row.study_uid));
    studiesOf.set(label, studies);
  }
  const warnings: string[] = [];
  const classes = studiesOf.size;
  if (classes > CLASS_LABELS.length * 2 && classes * 2 >= rows.length) {
    warnings.push(
      `"${target}" has ${classes} different labels for ${rows.length} series: it looks like an identifier, not a class (name the label column with --target-column)`,
    );
    return warnings;
  }
  if (folds !== undefined) {
    const rare = [...studiesOf].filter(([, studies]) => studies.size < folds).map(([label, studies]) => `${label} (${studies.size})`);
    if (rare.length > 0)
      warnings.push(`classes found in fewer studies than the ${folds} folds: ${rare.join(', ')}; some folds train without them and cannot predict them`);
  }
  return warnings;
}

export async function runTrain(opts: TrainRunOptions, io: TrainIo): Promise<TrainSummary> {
  const outputs = trainOutputs(opts);
  const table = await io.readRows(opts.input, opts.targetColumn);
  const warnings = readingWarnings(table, opts.input, opts.targetColumn);
  const context = withStudyContext(table);
  if (!context.studyContext && table.rows.length > 0) warnings.push('no study context: series classified alone (the table has no study_uid)');
  let rows = context.rows;
  if (rows.length === 0)
    throw new MscError('E_BAD_DATA', `the table ${opts.input} has no rows`, {
      path: opts.input,
      hint: 'give a table with a header line and one row per instance or series',
    });
  if (opts.subset !== undefined) {
    const keep = subsetByStudy(
      rows.map((r) => String(r['study_uid'] ?? '')),
      opts.subset,
      opts.seed,
    );
    rows = Array.from(keep, (i) => rows[i]!);
  }
  const groupOfStudy = opts.groupFile ? parseGroupFile(await io.readText(opts.groupFile), opts.groupFile) : undefined;
  if (opts.task === 'classification') warnings.push(...labelWarnings(rows, opts.targetColumn, groupOfStudy ? undefined : opts.folds));
  // The test set is read (and its labels checked) before training, not after it.
  let testRows: Row[] | undefined;
  let testTableRows: Row[] | undefined;
  if (opts.testSet) {
    const testTable = await io.readRows(opts.testSet, opts.targetColumn);
    testTableRows = testTable.rows;
    warnings.push(...readingWarnings(testTable, opts.testSet, opts.targetColumn));
    testRows = withStudyContext(testTable).rows;
    if (testRows.length === 0)
      throw new MscError('E_BAD_DATA', `the test set ${opts.testSet} has no rows`, {
        path: opts.testSet,
        hint: 'give a labelled table, or leave out --test-set',
      });
    if (!testRows.some((row) => Object.hasOwn(row, opts.targetColumn))) {
      throw new MscError('E_MISSING_COLUMNS', `the test set ${opts.testSet} has no "${opts.targetColumn}" column`, {
        path: opts.testSet,
        hint: 'the test set needs the same label column as the training table',
      });
    }
  }
  const recipe = opts.cohort ? await cohortRecipe(opts, io, table, testTableRows) : undefined;
  const model = trainModel(rows, {
    task: opts.task,
    targetColumn: opts.targetColumn,
    folds: opts.folds,
    ...(groupOfStudy ? { groupOfStudy } : {}),
    params: opts.params,
    featurizer: { exclude: opts.excludeCols, include: opts.includeCols, minDocFreq: opts.minDocFreq, derived: opts.derivedFeatures },
    nIter: opts.nIter,
    innerFolds: opts.innerFolds,
    importance: !opts.skipImportance,
    ...(opts.tagDropout ? { tagDropout: opts.tagDropout } : {}),
    trainingArgs: {
      subset: opts.subset ?? 1,
      exclude_cols: opts.excludeCols,
      include_cols: opts.includeCols,
      input: opts.input,
      derived_features: opts.derivedFeatures,
    },
    ...(recipe ? { metadata: { [MODEL_METADATA.trainingCohort]: JSON.stringify(recipe) } } : {}),
    onRound: (fold, info) => io.progress?.(`fold ${fold + 1}: round ${info.round + 1}`),
  });

  const ctx = (set: string, split: string, fold: number | string): MetricContext => ({
    model: opts.modelName,
    exclusion: opts.excludeCols.length > 0 ? opts.excludeCols.join(':') : 'standard',
    set,
    split,
    fold,
    fraction: opts.subset ?? 1,
  });
  const metricRows: Row[] = [];
  const addMetrics = (c: MetricContext, m: ClassificationMetrics | RegressionMetrics, auc?: number[]) =>
    metricRows.push(...('macroF1' in m ? classificationMetricRows(c, m, model.classNames, auc) : regressionMetricRows(c, m)));
  // Leave-one-group-out folds are named by their held-out group (a centre, a vendor), k folds by index.
  const foldId = (fold: number): number | string => (groupOfStudy ? model.foldNames[fold]! : fold);
  for (const f of model.cv.folds) addMetrics(ctx('validation', 'cv', foldId(f.fold)), (f.classification ?? f.regression)!, f.aucOvr);
  addMetrics(ctx('validation', 'cv', '-'), (model.cv.classification ?? model.cv.regression)!);

  let testScore: number | undefined;
  let testReport;
  let predictionRows: Row[] | undefined;
  if (opts.testSet && testRows) {
    const labels = testRows.map((row, i) => {
      if (opts.task === 'regression') return Number(row[opts.targetColumn]);
      const c = classIndexOf(model.classNames, row[opts.targetColumn]);
      if (c === undefined)
        throw new MscError(
          'E_BAD_DATA',
          `test row ${i + 1}: label "${String(row[opts.targetColumn])}" is not one of the model's classes (${model.classNames.join(', ')})`,
          { path: opts.testSet, hint: 'the test set may only hold classes the training table has' },
        );
      return c;
    });
    testReport = evaluateTestSet(
      model.cv.folds.map((f) => f.booster),
      transform(testRows, model.spec),
      labels,
    );
    testReport.perFold.forEach((m, i) => addMetrics(ctx('test', 'test', foldId(model.cv.folds[i]!.fold)), m));
    if (testReport.consensus) addMetrics(ctx('test', 'test_consensus', '-'), testReport.consensus);
    addMetrics(ctx('test', 'test_ensemble', '-'), testReport.ensemble, testReport.ensembleAucOvr);
    testScore = 'macroF1' in testReport.ensemble ? testReport.ensemble.macroF1 : testReport.ensemble.rmse;
    predictionRows = testPredictionRows(testRows, labels, model.classNames, testReport.ensembleOutput);
  }

  await io.writeBytes(opts.output, model.onnx);
  // The per-row output goes to the predictions table, not into the JSON.
  const test = testReport && Object.fromEntries(Object.entries(testReport).filter(([key]) => key !== 'ensembleOutput'));
  const json = {
    cv: model.cv.classification ?? model.cv.regression,
    folds: model.cv.folds.map((f) => ({ fold: model.foldNames[f.fold], metrics: f.classification ?? f.regression, auc_ovr: f.aucOvr, params: f.params })),
    test,
  };
  await io.writeBytes(outputs[1]!, new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`));
  await io.writeRows(outputs[2]!, metricRows);
  if (!opts.skipImportance) {
    await io.writeRows(
      outputs[3]!,
      model.importance.map((imp) => ({
        model: opts.modelName,
        exclusion: ctx('', '', '').exclusion,
        class: imp.class,
        feature: imp.feature,
        gain: imp.gain,
        shap: imp.shap,
        fold: imp.fold,
        fraction: opts.subset ?? 1,
      })),
    );
  }
  if (predictionRows) {
    outputs.push(`${opts.output.replace(/\.onnx$/i, '')}.predictions.csv`);
    await io.writeRows(outputs[outputs.length - 1]!, predictionRows);
  }
  const cvScore = model.cv.classification ? model.cv.classification.macroF1 : model.cv.regression!.rmse;
  return {
    rows: rows.length,
    studies: new Set(rows.map((r) => r['study_uid'])).size,
    features: model.spec.features.length,
    folds: model.cv.folds.map((f) => ({ name: model.foldNames[f.fold]!, score: f.classification ? f.classification.macroF1 : f.regression!.rmse })),
    cvScore,
    ...(testScore !== undefined ? { testScore } : {}),
    outputs,
    warnings,
    studyContext: context.studyContext,
  };
}

/**
 * The test set's series with their label and the fold ensemble's output (what the ONNX file
 * gives): prediction, confidence and one probability column per class, named as msc-predict
 * names them.
 */
function testPredictionRows(testRows: readonly Row[], labels: readonly number[], classNames: readonly string[], output: Float32Array): Row[] {
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  const k = classNames.length;
  return testRows.map((row, r) => {
    const keys: Row = {
      study_uid: row['study_uid'] ?? null,
      series_uid: row['series_uid'] ?? null,
      // What a person reads beside the UIDs, as msc-predict writes it.
      series_number: row['series_number'] ?? null,
      series_description: row['series_description'] ?? null,
      series_group: row['series_group'] ?? null,
      true: k === 0 ? labels[r]! : classNames[labels[r]!]!,
    };
    if (k === 0) return { ...keys, prediction: output[r]! };
    let best = 0;
    for (let c = 1; c < k; c++) if (output[r * k + c]! > output[r * k + best]!) best = c;
    const probabilities = Object.fromEntries(classNames.map((name, c) => [`probability_${name.toLowerCase()}`, round(output[r * k + c]!)]));
    return { ...keys, prediction: classNames[best]!, confidence: round(output[r * k + best]!), ...probabilities };
  });
}

/**
 * The recipe of a model trained on synthetic cohorts: the pipeline's description of them, the
 * digests of the tables as read here, and the training options of this run.
 */
async function cohortRecipe(opts: TrainRunOptions, io: TrainIo, table: LabelledTable, testRows: readonly Row[] | undefined): Promise<CohortRecipe> {
  if (opts.subset !== undefined || opts.groupFile)
    throw new MscError('E_USAGE', '--cohort records a recipe of the whole cohort with k folds: leave out --subset and --group-file', {
      hint: 'msc-train table --cohort cohort.json -o model.onnx',
    });
  const description = parseCohortDescription(await io.readText(opts.cohort!), opts.cohort!);
  return {
    recipeVersion: COHORT_RECIPE_VERSION,
    ...description,
    trainDigest: rowsDigest(table.rows),
    ...(testRows ? { heldOutDigest: rowsDigest(testRows) } : {}),
    training: {
      targetColumn: opts.targetColumn,
      folds: opts.folds,
      seed: opts.seed,
      params: opts.params,
      excludeCols: opts.excludeCols,
      includeCols: opts.includeCols,
      minDocFreq: opts.minDocFreq,
      derivedFeatures: opts.derivedFeatures,
      nIter: opts.nIter,
      innerFolds: opts.innerFolds,
      ...(opts.tagDropout ? { tagDropout: opts.tagDropout } : {}),
    },
  };
}

function parseGroupFile(text: string, path: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new MscError('E_BAD_DATA', `the group file is not JSON`, { path, cause, hint: '{"1.2.3": "centre_a", ...}' });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((g) => typeof g === 'string' || typeof g === 'number')) {
    throw new MscError('E_BAD_DATA', 'the group file must map study_uid to a group name', { path, hint: '{"1.2.3": "centre_a", ...}' });
  }
  return Object.fromEntries(Object.entries(value as Record<string, string | number>).map(([k, g]) => [k, String(g)]));
}

/** The end-of-run table for a terminal. */
export function formatSummary(s: TrainSummary, task: 'classification' | 'regression'): string {
  const metric = task === 'classification' ? 'macro-F1' : 'RMSE';
  const lines = [`${s.rows} series, ${s.studies} studies, ${s.features} features`, `fold        ${metric}`];
  for (const f of s.folds) lines.push(`${f.name.padEnd(12)}${f.score.toFixed(4)}`);
  lines.push(`${'cv'.padEnd(12)}${s.cvScore.toFixed(4)}`);
  if (s.testScore !== undefined) lines.push(`${'test'.padEnd(12)}${s.testScore.toFixed(4)}`);
  lines.push(`wrote ${s.outputs.join(', ')}`);
  return lines.join('\n');
}
