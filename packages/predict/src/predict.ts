/**
 * Series rows → one prediction per series: featurize with each model's own spec (core), score with
 * ONNX Runtime, average probabilities over models (or majority vote), then apply heuristics.
 */
import { MscError, MISSING, columnSpec, hasKeys, rowFactory, type CodedCells, type Row } from '@msc/core';
import { featureRows, requiredColumns, transform } from '@msc/features';
import { combineWithModel, type CompiledRuleSet } from '@msc/heuristics';
import type { ModelBundle } from './model-bundle.js';
import { contributionsByName, formatExplanation, topContributions, type Contribution } from './explain.js';

export interface PredictOptions {
  /** `soft` (default) averages probabilities; `hard` takes the most common label over models. */
  vote?: 'soft' | 'hard';
  /** Below this top probability the prediction is `uncertain`. */
  minConfidence?: number;
  heuristics?: CompiledRuleSet;
  /** Explain each label by its `explain` largest feature contributions (TreeSHAP on the model's trees). */
  explain?: number;
  /** Columns of the rows already coded (readPredictionInputs' `coded`): the featurizer takes them as they are. */
  coded?: ReadonlyMap<string, CodedCells>;
}

export interface Prediction {
  patient_id: string;
  study_uid: string;
  series_uid: string;
  /** What a person reads beside the UIDs: the series number and description, and its acquisition group (study context). */
  series_number: string;
  series_description: string;
  series_group: string;
  prediction: string;
  prediction_heuristics: string;
  /** Top class probability (classification) or NaN (regression). */
  confidence: number;
  /** Id of the heuristic rule that fired, or ''. */
  rule: string;
  /** Manufacturer (0008,0070) passed through, so a reviewer can filter by vendor (msc-review). */
  manufacturer?: string;
  /** Class → probability (classification only). */
  probabilities: Record<string, number>;
  /** With `explain`: the features that moved the model to its label most, largest first. */
  explanation?: Contribution[];
}

export const UNCERTAIN = 'uncertain';

/** Rows featurized and scored together (small enough that scoring one overlaps featurizing the next). */
const PREDICT_BATCH_ROWS = 4096;
/** Batches handed to the model's scoring threads before waiting for the oldest. */
const SCORING_AHEAD = 3;

/**
 * Columns the models read that the rows lack. Columns MSC added to the original's set may be
 * absent (tables made by the original tool lack them) and then count as missing values.
 */
function missingColumns(models: readonly ModelBundle[], available: Iterable<string>): string[] {
  const have = new Set(available);
  // Only columns some feature is made from; columns the featurizer saw as constant produce none.
  // Evidence inputs are never required: absent ones read as missing (features/spec.ts requiredColumns).
  const needed = new Set(models.flatMap((model) => requiredColumns(model.spec)));
  return [...needed].filter((column) => !have.has(column) && columnSpec(column)?.origin !== 'msc').sort();
}

export async function predictSeries(rows: readonly Row[], models: readonly ModelBundle[], options: PredictOptions = {}): Promise<Prediction[]> {
  if (models.length === 0) throw new MscError('E_USAGE', 'no model given', { hint: 'add --model path/to/model.onnx' });
  const first = models[0]!;
  for (const model of models) {
    if (model.task !== first.task || model.classNames.join('\u0000') !== first.classNames.join('\u0000')) {
      throw new MscError('E_MODEL', `${model.path} predicts other classes than ${first.path} and cannot be combined with it`, {
        hint: `classes: ${model.classNames.join(', ')} vs ${first.classNames.join(', ')}`,
      });
    }
  }
  const columns = new Set<string>();
  // Rows of one table share their keys: a row's keys are listed only when they differ from the
  // row before's (an Object.keys array per row was 60K arrays to collect).
  let keys: string[] = [];
  for (const row of rows) {
    if (hasKeys(row, keys)) continue;
    keys = Object.keys(row);
    for (const column of keys) columns.add(column);
  }
  const missing = rows.length > 0 ? missingColumns(models, columns) : [];
  if (missing.length > 0) {
    throw new MscError('E_MISSING_COLUMNS', `the input lacks column(s) the model needs: ${missing.join(', ')}`, {
      hint: 'extract the table with msc-extract, or rename columns with --column-map old:new',
    });
  }

  const classes = first.classNames;
  const width = first.task === 'regression' ? 1 : classes.length;
  const summed = new Float64Array(rows.length * width);
  const votes = options.vote === 'hard' ? rows.map(() => new Map<number, number>()) : undefined;
  /** Checks a batch's scores and puts them at `start` of `scores`. */
  const store = (model: ModelBundle, scores: Float32Array, start: number, batchRows: number, values: Float32Array) => {
    if (values.length !== batchRows * width) {
      throw new MscError('E_MODEL', `${model.path} returned ${values.length / batchRows} values per series, but it has ${width} class names`, {
        path: model.path,
        hint: 'the class names do not match the model; retrain it or give the right --classes',
      });
    }
    scores.set(values, start * width);
  };
  // Rows whose cells the model reads are all the same get the same features, so each distinct
  // feature row is scored once (ONNX Runtime scores a row alike whatever its batch: one thread
  // per session). Featurized and scored a batch at a time: a dense matrix of every row would
  // hold rows × features floats at once (60K series × 1,000+ features ≈ 300 MB). The model's
  // threads score batches while this thread featurizes the next. Models one after another, so
  // each row's probabilities are summed in model order.
  // Each prediction's score-free cells (and its heuristic's verdict), made while the model's
  // threads score the last batches (this thread would wait for them idle).
  let predictions: Prediction[] | undefined;
  let verdicts: ReturnType<CompiledRuleSet['evaluate']>[] | undefined;
  const prepare = () => {
    if (predictions) return;
    if (options.heuristics) verdicts = rows.map((row) => options.heuristics!.evaluate(row));
    predictions = rows.map((row): Prediction => ({
      patient_id: text(row.patient_id),
      study_uid: text(row.study_uid),
      series_uid: text(row.series_uid),
      series_number: text(row.series_number),
      series_description: text(row.series_description),
      series_group: text(row.series_group),
      prediction: '',
      prediction_heuristics: '',
      confidence: Number.NaN,
      rule: '',
      manufacturer: text(row.manufacturer),
      probabilities: {},
    }));
  };
  for (const model of models) {
    const features = featureRows(rows, model.spec, { merge: true, ...(options.coded ? { coded: options.coded } : {}) });
    const scores = new Float32Array(features.distinct * width);
    // Up to SCORING_AHEAD batches in flight: the model's threads (two on two cores) stay busy
    // while this thread featurizes the next.
    const inFlight: { start: number; rows: number; values: Promise<Float32Array> }[] = [];
    for (let start = 0; start < features.distinct; start += PREDICT_BATCH_ROWS) {
      const end = Math.min(features.distinct, start + PREDICT_BATCH_ROWS);
      const next = { start, rows: end - start, values: model.score(features.matrix(start, end), true) };
      next.values.catch(() => undefined); // awaited below, after the batches before it
      inFlight.push(next);
      if (inFlight.length >= SCORING_AHEAD) {
        const done = inFlight.shift()!;
        store(model, scores, done.start, done.rows, await done.values);
      }
    }
    if (!predictions) {
      // The batches go to the threads once this thread lets their sends run (after an await).
      await new Promise((resolve) => setImmediate(resolve));
      prepare();
    }
    for (const done of inFlight) store(model, scores, done.start, done.rows, await done.values);
    const { rowOf } = features;
    for (let r = 0; r < rows.length; r++) {
      const at = rowOf[r]! * width;
      let best = 0;
      for (let c = 0; c < width; c++) {
        const value = scores[at + c]!;
        summed[r * width + c]! += value;
        if (value > scores[at + best]!) best = c;
      }
      votes?.[r]!.set(best, (votes[r]!.get(best) ?? 0) + 1);
    }
  }

  prepare();
  const classOfRow = new Int32Array(rows.length);
  // Probabilities by class name built as one literal (a keyed store per class added each key anew).
  const buildProbabilities = first.task === 'regression' ? undefined : rowFactory(classes);
  const byClass = buildProbabilities ? classes.map(() => new Float64Array(rows.length)) : [];
  for (let c = 0; c < byClass.length; c++) {
    const column = byClass[c]!;
    for (let r = 0; r < rows.length; r++) column[r] = summed[r * width + c]! / models.length;
  }
  predictions!.forEach((prediction, r) => {
    let label: string;
    let confidence = Number.NaN;
    if (first.task === 'regression') {
      label = String(summed[r]! / models.length);
    } else {
      let best = 0;
      if (buildProbabilities) prediction.probabilities = buildProbabilities(byClass as unknown as number[][], r) as Record<string, number>;
      for (let c = 0; c < width; c++) {
        if (!buildProbabilities) prediction.probabilities[classes[c]!] = summed[r * width + c]! / models.length;
        if (summed[r * width + c]! > summed[r * width + best]!) best = c;
      }
      if (votes) best = mostVoted(votes[r]!, best);
      classOfRow[r] = best;
      label = classes[best]!;
      confidence = summed[r * width + best]! / models.length;
      if (options.minConfidence !== undefined && confidence < options.minConfidence) label = UNCERTAIN;
    }
    const heuristic = verdicts?.[r] ?? { label: null, rule: null };
    prediction.prediction = label;
    prediction.prediction_heuristics = combineWithModel(label, heuristic);
    prediction.confidence = confidence;
    prediction.rule = heuristic.rule ?? '';
  });
  if (options.explain !== undefined && options.explain > 0) explainPredictions(rows, models, classOfRow, predictions!, options.explain);
  return predictions!;
}

/** Adds each prediction's largest feature contributions, averaged over models by feature name. */
function explainPredictions(rows: readonly Row[], models: readonly ModelBundle[], classOfRow: Int32Array, predictions: Prediction[], top: number): void {
  for (let start = 0; start < rows.length; start += PREDICT_BATCH_ROWS) {
    const batch = rows.slice(start, start + PREDICT_BATCH_ROWS);
    const merged = batch.map(() => new Map<string, Contribution>());
    for (const model of models) {
      const perRow = contributionsByName(model.treeEnsembles(), model.spec, transform(batch, model.spec), classOfRow.subarray(start, start + batch.length));
      perRow.forEach((contributions, b) => {
        for (const [name, c] of contributions) {
          const sum = merged[b]!.get(name);
          merged[b]!.set(name, { feature: name, value: c.value, contribution: (sum?.contribution ?? 0) + c.contribution / models.length });
        }
      });
    }
    merged.forEach((contributions, b) => (predictions[start + b]!.explanation = topContributions(contributions.values(), top)));
  }
}

/** The label with most votes; ties go to the highest mean probability (`fallback`) when it is tied. */
function mostVoted(votes: ReadonlyMap<number, number>, fallback: number): number {
  let best = fallback;
  let bestCount = votes.get(fallback) ?? 0;
  for (const [label, count] of votes) {
    if (count > bestCount) {
      best = label;
      bestCount = count;
    }
  }
  return best;
}

function text(cell: Row[string] | undefined): string {
  return cell === null || cell === undefined ? MISSING : String(cell);
}

/** The columns after the identifiers that let a person tell the series apart (issue 19). */
export const READABLE_COLUMNS = ['series_number', 'series_description', 'series_group'] as const;

/** Output rows in the original's column layout (the readable columns after the identifiers) plus probabilities, confidence and rule. */
export function predictionRows(predictions: readonly Prediction[], classes: readonly string[]): { columns: string[]; rows: Row[] } {
  // Lower-case like every other column (readers normalise headers to lower case).
  const probabilityColumns = classes.map((name) => `probability_${name.toLowerCase()}`);
  const explained = predictions.some((p) => p.explanation !== undefined);
  const columns = [
    'patient_id',
    'study_uid',
    'series_uid',
    ...READABLE_COLUMNS,
    'prediction',
    'prediction_heuristics',
    ...probabilityColumns,
    'confidence',
    'rule',
    'manufacturer',
    ...(explained ? ['explanation'] : []),
  ];
  const rows = predictions.map((p) => {
    const row: Row = {
      patient_id: p.patient_id,
      study_uid: p.study_uid,
      series_uid: p.series_uid,
      series_number: p.series_number,
      series_description: p.series_description,
      series_group: p.series_group,
      prediction: p.prediction,
      prediction_heuristics: p.prediction_heuristics,
    };
    classes.forEach((name, i) => (row[probabilityColumns[i]!] = round(p.probabilities[name])));
    row.confidence = round(p.confidence);
    row.rule = p.rule;
    row.manufacturer = p.manufacturer ?? MISSING;
    if (explained) row.explanation = formatExplanation(p.explanation ?? []);
    return row;
  });
  return { columns, rows };
}

function round(value: number | undefined): number | null {
  return value === undefined || Number.isNaN(value) ? null : Math.round(value * 1e6) / 1e6;
}
