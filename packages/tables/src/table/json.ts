/**
 * JSON tables: `.json` holds an array of row objects or the original's nested tree
 * (patient → study → series → column → values); `.jsonl` one row object per line (streamed).
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { type Cell, MscError, type Row, errorMessage } from '@msc/core';
import { reduceCells } from '../series/reduce/rules.js';
import { normalizeColumnName } from './format.js';
import type { ColumnBatch, ReadTableOptions } from './types.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function toCell(value: Json | undefined): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return JSON.stringify(value);
}

const JSON_HINT = 'a .json table is an array of row objects or a nested patient → study → series → column tree; use .jsonl for one object per line';
const JSONL_HINT = 'a .jsonl table has one row object per line ({"study_uid": …, "series_uid": …})';

function readError(path: string, error: unknown): MscError {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new MscError('E_INPUT_NOT_FOUND', `no such file: ${path}`, { path, hint: 'check the path' });
  return new MscError('E_TABLE_FORMAT', `${path}: not valid JSON: ${errorMessage(error)}`, { path, hint: JSON_HINT });
}

/** Rows (in file order) → one column batch; the union of keys in first-seen order. */
function* batchesOf(rows: Iterable<Row>, options: ReadTableOptions): Generator<ColumnBatch> {
  const batchSize = options.batchSize ?? 8192;
  const wanted = options.columns ? new Set(options.columns.map(normalizeColumnName)) : undefined;
  let pending: Row[] = [];
  const flush = (): ColumnBatch => {
    const columns: string[] = [];
    const seen = new Set<string>();
    for (const row of pending) {
      for (const key of Object.keys(row)) {
        if (!seen.has(key) && (!wanted || wanted.has(key))) {
          seen.add(key);
          columns.push(key);
        }
      }
    }
    const batch = { columns, data: columns.map((column) => pending.map((row) => row[column] ?? null)), length: pending.length };
    pending = [];
    return batch;
  };
  for (const row of rows) {
    pending.push(row);
    if (pending.length >= batchSize) yield flush();
  }
  if (pending.length > 0) yield flush();
}

function normalizeRow(object: { [key: string]: Json }): Row {
  const row: Row = {};
  for (const [key, value] of Object.entries(object)) row[normalizeColumnName(key)] = toCell(value);
  return row;
}

/** The nested tree's series as rows: each list reduced like instance values (core's reduction rules). */
function* nestedRows(tree: { [key: string]: Json }, path: string): Generator<Row> {
  const expectObject = (value: Json | undefined, where: string): { [key: string]: Json } => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new MscError('E_TABLE_FORMAT', `${path}: ${where} is not an object in the nested patient → study → series tree`, { path, hint: JSON_HINT });
    }
    return value;
  };
  for (const patient of Object.keys(tree)) {
    const studies = expectObject(tree[patient], `patient ${patient}`);
    for (const study of Object.keys(studies)) {
      const seriesMap = expectObject(studies[study], `study ${study}`);
      for (const series of Object.keys(seriesMap)) {
        const columns = expectObject(seriesMap[series], `series ${series}`);
        const row: Row = { patient_id: patient, study_uid: study, series_uid: series };
        for (const [key, value] of Object.entries(columns)) {
          const column = normalizeColumnName(key);
          if (column in row) continue;
          const cells = Array.isArray(value) ? value.map(toCell) : [toCell(value)];
          row[column] = reduceCells(column, cells);
        }
        yield row;
      }
    }
  }
}

export async function* readJson(path: string, options: ReadTableOptions = {}): AsyncGenerator<ColumnBatch> {
  let parsed: Json;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as Json;
  } catch (error) {
    throw readError(path, error);
  }
  if (Array.isArray(parsed)) {
    const rows = parsed.map((item, index) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw new MscError('E_TABLE_FORMAT', `${path}: item ${index} of the array is not a row object`, { path, hint: JSON_HINT });
      }
      return normalizeRow(item);
    });
    yield* batchesOf(rows, options);
    return;
  }
  if (typeof parsed !== 'object' || parsed === null) throw readError(path, new Error('expected an array or an object'));
  yield* batchesOf(nestedRows(parsed, path), options);
}

export async function* readJsonLines(path: string, options: ReadTableOptions = {}): AsyncGenerator<ColumnBatch> {
  const batchSize = options.batchSize ?? 8192;
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let pending: Row[] = [];
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      let value: Json;
      try {
        value = JSON.parse(line) as Json;
      } catch (error) {
        throw new MscError('E_TABLE_FORMAT', `${path}: line ${lineNumber} is not valid JSON: ${errorMessage(error)}`, { path, hint: JSONL_HINT });
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new MscError('E_TABLE_FORMAT', `${path}: line ${lineNumber} is not a row object`, { path, hint: JSONL_HINT });
      }
      pending.push(normalizeRow(value));
      if (pending.length >= batchSize) {
        yield* batchesOf(pending, options);
        pending = [];
      }
    }
  } catch (error) {
    if (error instanceof MscError) throw error;
    throw readError(path, error);
  }
  if (pending.length > 0) yield* batchesOf(pending, options);
}

/** The nested tree of the original: patient → study → series → column → list of unique values. */
export function toNestedTree(rows: Iterable<Row>, columns: readonly string[]): Record<string, Record<string, Record<string, Record<string, Cell[]>>>> {
  const tree: Record<string, Record<string, Record<string, Record<string, Cell[]>>>> = {};
  for (const row of rows) {
    const patient = String(row.patient_id ?? '-');
    const study = String(row.study_uid ?? '-');
    const series = String(row.series_uid ?? '-');
    const studies = (tree[patient] ??= {});
    const seriesMap = (studies[study] ??= {});
    const entry = (seriesMap[series] ??= {});
    for (const column of columns) {
      if (column === 'patient_id' || column === 'study_uid' || column === 'series_uid') continue;
      const values = (entry[column] ??= []);
      const cell = row[column] ?? null;
      if (!values.includes(cell)) values.push(cell);
    }
  }
  return tree;
}
