/**
 * Any feature table → series rows. Instance tables (several rows per series) are reduced; series
 * tables pass through the same reduction unchanged (one value per cell stays that value), so
 * callers need not know which kind they were given.
 */
import { batchRows, readTable } from '../table/index.js';
import type { ReadTableOptions } from '../table/types.js';
import type { SeriesRow } from '../types.js';
import { SeriesReducer, assertReducible, type ReduceOptions } from './reduce.js';

export interface SeriesTable {
  rows: SeriesRow[];
  /** Rows read from the file. */
  inputRows: number;
  /** True when some series had more than one row (an instance table). */
  perInstance: boolean;
  /** Columns the file had (after normalisation and projection). */
  columns: string[];
}

export async function readSeriesTable(path: string, options: ReadTableOptions & ReduceOptions = {}): Promise<SeriesTable> {
  const reducer = new SeriesReducer(options);
  const columns = new Set<string>();
  let inputRows = 0;
  for await (const batch of readTable(path, options)) {
    if (inputRows === 0) assertReducible(batch.columns, path);
    for (const column of batch.columns) columns.add(column);
    for (const row of batchRows(batch)) reducer.add(row);
    inputRows += batch.length;
  }
  const rows = reducer.finish();
  return { rows, inputRows, perInstance: rows.length < inputRows, columns: [...columns] };
}
