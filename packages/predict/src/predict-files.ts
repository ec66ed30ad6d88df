/**
 * Files in, predictions out: what msc-predict (and msc-serve's folder route) runs once models are
 * open. Reads only the columns the models and rules use.
 */
import type { Row } from '@msc/core';
import { STUDY_CONTEXT_INPUT_COLUMNS, specColumns } from '@msc/features';
import type { CompiledRuleSet } from '@msc/heuristics';
import type { SkippedFile } from '@msc/extract';
import { readPredictionInputs, type ReadInputsOptions } from './inputs.js';
import type { ModelBundle } from './model-bundle.js';
import { predictSeries, predictionRows, type PredictOptions, type Prediction } from './predict.js';

export interface PredictFilesOptions extends Omit<ReadInputsOptions, 'columns'>, Omit<PredictOptions, 'heuristics'> {
  heuristics?: CompiledRuleSet;
}

export interface PredictFilesResult {
  predictions: Prediction[];
  /** The output table: keys, labels, one probability column per class, confidence, rule. */
  table: { columns: string[]; rows: Row[] };
  skipped: SkippedFile[];
  /** What the user should know: rows left out, rules or a column map naming columns no input has. */
  warnings: string[];
  /** Whether the series were classified with their study's other series in view (study_uid present). */
  studyContext: boolean;
}

/** The columns prediction reads: keys, every model's features, the rules' columns, what study context and the readable output columns need. */
export function columnsRead(models: readonly ModelBundle[], heuristics?: CompiledRuleSet): string[] {
  return [
    ...new Set([
      'patient_id',
      'study_uid',
      'series_uid',
      'manufacturer',
      ...STUDY_CONTEXT_INPUT_COLUMNS,
      ...models.flatMap((model) => specColumns(model.spec)),
      ...(heuristics?.columns ?? []),
    ]),
  ];
}

export async function predictFiles(inputs: readonly string[], models: readonly ModelBundle[], options: PredictFilesOptions = {}): Promise<PredictFilesResult> {
  const { rows, skipped, columns, warnings, studyContext, coded } = await readPredictionInputs(inputs, {
    ...options,
    columns: columnsRead(models, options.heuristics),
  });
  // A rule on a column the input lacks never fires: say so rather than let it pass unnoticed.
  const unknown = (options.heuristics?.columns ?? []).filter((column) => !columns.has(column));
  if (unknown.length > 0 && rows.length > 0)
    warnings.push(`rule set ${options.heuristics!.name} uses column(s) ${unknown.join(', ')}, which no input has; rules on them never fire`);
  // A model ONNX Runtime cannot load is an error even when there is nothing to score.
  await Promise.all(models.map((model) => model.ready));
  const predictions = await predictSeries(rows, models, { ...options, coded });
  const first = models[0]!;
  return { predictions, table: predictionRows(predictions, first.task === 'classification' ? first.classNames : []), skipped, warnings, studyContext };
}
