/**
 * Scoring: feature matrix → per-row class probabilities (or regression values) from one model,
 * in batches so memory stays bounded on large tables.
 */
import * as ort from 'onnxruntime-node';
import { MODEL_INPUT, MODEL_OUTPUTS, type FeatureMatrix } from '@msc/core';
import type { ModelBundle } from './model-bundle.js';

/** Row-major scores: classes per row for classification, one value per row for regression. */
export interface Scores {
  readonly values: Float32Array;
  readonly width: number;
}

export async function scoreMatrix(model: ModelBundle, matrix: FeatureMatrix, batchRows = 32_768): Promise<Scores> {
  const output = model.task === 'regression' ? MODEL_OUTPUTS.prediction : MODEL_OUTPUTS.probabilities;
  const width = model.task === 'regression' ? 1 : model.classNames.length;
  const values = new Float32Array(matrix.nRows * width);
  for (let start = 0; start < matrix.nRows; start += batchRows) {
    const end = Math.min(matrix.nRows, start + batchRows);
    const input = new ort.Tensor('float32', matrix.data.subarray(start * matrix.nCols, end * matrix.nCols), [end - start, matrix.nCols]);
    const result = await model.session.run({ [MODEL_INPUT]: input }, [output]);
    values.set(result[output]!.data as Float32Array, start * width);
  }
  return { values, width };
}
