/**
 * The dense feature matrix shared by the featurizer, the trainer and the predictor.
 * Row-major float32 (what ONNX Runtime's tree ensembles take as input), NaN marks a missing value.
 */
import { MscError } from '@msc/core';

export interface FeatureMatrix {
  /** nRows × nCols values, row-major; NaN = missing. */
  readonly data: Float32Array;
  readonly nRows: number;
  readonly nCols: number;
}

export function createFeatureMatrix(nRows: number, nCols: number, data?: Float32Array): FeatureMatrix {
  if (!Number.isInteger(nRows) || !Number.isInteger(nCols) || nRows < 0 || nCols < 0) {
    throw new MscError('E_BAD_DATA', `invalid feature matrix shape ${nRows} × ${nCols}`);
  }
  const values = data ?? new Float32Array(nRows * nCols);
  if (values.length !== nRows * nCols) {
    throw new MscError('E_BAD_DATA', `feature matrix holds ${values.length} values, expected ${nRows} × ${nCols}`);
  }
  return { data: values, nRows, nCols };
}

/** Builds a matrix from nested arrays (tests, small inputs); `null` becomes NaN. */
export function matrixFromRows(rows: readonly (readonly (number | null)[])[], nCols?: number): FeatureMatrix {
  const cols = nCols ?? rows[0]?.length ?? 0;
  const m = createFeatureMatrix(rows.length, cols);
  rows.forEach((row, r) => {
    if (row.length !== cols) {
      throw new MscError('E_BAD_DATA', `row ${r} has ${row.length} values, expected ${cols}`);
    }
    for (let c = 0; c < cols; c++) m.data[r * cols + c] = row[c] ?? Number.NaN;
  });
  return m;
}

/** The value at (row, col) as float32 (NaN = missing). */
export function matrixValue(m: FeatureMatrix, row: number, col: number): number {
  return m.data[row * m.nCols + col] ?? Number.NaN;
}

/** A new matrix holding the given rows, in the given order. */
export function selectRows(m: FeatureMatrix, rows: ArrayLike<number>): FeatureMatrix {
  const out = createFeatureMatrix(rows.length, m.nCols);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out.data.set(m.data.subarray(r * m.nCols, (r + 1) * m.nCols), i * m.nCols);
  }
  return out;
}
