/**
 * Scoring: feature matrix → per-row class probabilities (or regression values) from one model,
 * in batches so memory stays bounded on large tables.
 */
import { createFeatureMatrix, type FeatureMatrix } from '@msc/features';
import type { ModelBundle } from './model-bundle.js';

/** Row-major scores: classes per row for classification, one value per row for regression. */
export interface Scores {
  readonly values: Float32Array;
  readonly width: number;
}

export async function scoreMatrix(model: ModelBundle, matrix: FeatureMatrix, batchRows = 32_768): Promise<Scores> {
  const width = model.task === 'regression' ? 1 : model.classNames.length;
  const values = new Float32Array(matrix.nRows * width);
  for (let start = 0; start < matrix.nRows; start += batchRows) {
    const end = Math.min(matrix.nRows, start + batchRows);
    const batch = createFeatureMatrix(end - start, matrix.nCols, matrix.data.subarray(start * matrix.nCols, end * matrix.nCols));
    values.set(await model.score(batch), start * width);
  }
  return { values, width };
}
