/**
 * Files in, predictions out: what msc-predict (and msc-serve's folder route) runs once models are
 * open. Reads only the columns the models and rules use.
 */
import type { Row } from '@msc/core';
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
}

/** The columns prediction reads: keys, every model's features, the rules' columns. */
export function columnsRead(models: readonly ModelBundle[], heuristics?: CompiledRuleSet): string[] {
  return [...new Set(['patient_id', 'study_uid', 'series_uid', ...models.flatMap((model) => model.spec.features.map((feature) => feature.column)), ...(heuristics?.columns ?? [])])];
}

export async function predictFiles(inputs: readonly string[], models: readonly ModelBundle[], options: PredictFilesOptions = {}): Promise<PredictFilesResult> {
  const { rows, skipped } = await readPredictionInputs(inputs, { ...options, columns: columnsRead(models, options.heuristics) });
  // A model ONNX Runtime cannot load is an error even when there is nothing to score.
  await Promise.all(models.map((model) => model.ready));
  const predictions = await predictSeries(rows, models, options);
  const first = models[0]!;
  return { predictions, table: predictionRows(predictions, first.task === 'classification' ? first.classNames : []), skipped };
}
