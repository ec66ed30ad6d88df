/**
 * The table I/O contract. Implementations live beside this file, one per format; callers use
 * `readTable`, `readRows`, `readTableAll`, `writeTable` and `createTableWriter` from `./index.js`
 * and never care which format a path has.
 */
import type { Cell, Row } from '@msc/core';

export type TableFormat = 'parquet' | 'csv' | 'tsv' | 'json' | 'jsonl';

/** A slice of a table in column-major form (what parquet and arrow hand out, cheap to build from CSV). */
export interface ColumnBatch {
  readonly columns: readonly string[];
  /** `data[c][r]` is column `columns[c]`, row `r`. */
  readonly data: readonly (readonly Cell[])[];
  readonly length: number;
  /**
   * With `dictionaryColumns`: the columns read as a dictionary and an index per row (parquet's
   * dictionary encoding), undefined for the others. Such a column's `data` array is made only when
   * read (from these), so a reader working from the dictionary converts each value once.
   */
  readonly dictionary?: readonly (DictionaryColumn | undefined)[];
}

/** A column as its distinct values and each row's index into them (-1: a null cell). */
export interface DictionaryColumn {
  readonly values: readonly Cell[];
  readonly indexes: Int32Array;
}

export interface ReadTableOptions {
  /** Only these columns are decoded (others skipped as early as the format allows). Missing ones are not an error here. */
  columns?: readonly string[];
  /** Rows per batch, a hint (parquet hands out whole row groups). Default 8192. */
  batchSize?: number;
  /** Parquet: dictionary-encoded columns also handed out as `ColumnBatch.dictionary` (see there). */
  dictionaryColumns?: boolean;
}

export interface Table {
  readonly columns: readonly string[];
  readonly rows: Row[];
}

export interface WriteTableOptions {
  /**
   * JSON only: write the original's nested tree (patient → study → series → column → values)
   * instead of an array of row objects.
   */
  nested?: boolean;
  /** Parquet only: rows per row group. */
  rowGroupSize?: number;
}

/** Streaming writer; output appears under its path only after `close()` (atomic). */
export interface TableWriter {
  write(rows: readonly Row[]): Promise<void>;
  close(): Promise<void>;
  /** Discards everything written; the target path is untouched. */
  abort(): Promise<void>;
}
