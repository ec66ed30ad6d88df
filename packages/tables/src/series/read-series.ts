/**
 * Any feature table → series rows. Instance tables (several rows per series) are reduced; series
 * tables pass through the same reduction unchanged (one value per cell stays that value), so
 * callers need not know which kind they were given. Large CSV/TSV files are scanned by worker
 * threads, a byte range each, and their reductions merged (same result as one pass).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { type CodedCells, type SeriesRow, ThreadClient, assertRegularInput, workerScriptUrl } from '@msc/core';
import { assertUniqueColumns } from '../table/delimited.js';
import { formatFromPath, normalizeColumnName } from '../table/format.js';
import { readTable } from '../table/index.js';
import { projectColumns } from '../table/projection.js';
import type { ReadTableOptions } from '../table/types.js';
import { SeriesReducer, type ReduceOptions } from './reduce/reducer.js';
import { assertReducible } from './reduce/rules.js';
import { absorb, mergeById } from './reduce/state.js';
import { decodeRows } from './row-transfer.js';
import type { ScanReply, ScanRequest, ScanTask } from './scan-delimited.js';

export interface SeriesTable {
  rows: SeriesRow[];
  /** Rows read from the file. */
  inputRows: number;
  /** True when some series had more than one row (an instance table). */
  perInstance: boolean;
  /** Columns the file had (after normalisation and projection). */
  columns: string[];
  /** Rows left out for an empty or `-` study_uid or series_uid (see SeriesReducer.blankKeyRows). */
  blankKeyRows: number;
  /** Columns of `rows` read from a parquet dictionary, as codes (SeriesReducer.codedColumns); empty when none. */
  coded: ReadonlyMap<string, CodedCells>;
}

export interface ReadSeriesOptions extends ReadTableOptions, ReduceOptions {
  /** Threads for large CSV/TSV files (default: the machine's cores; 0 or 1: this thread). */
  workers?: number;
  /** CSV/TSV files smaller than this are read on this thread (default 32 MB: below it, starting threads costs more than it saves). */
  parallelMinBytes?: number;
}

const PARALLEL_MIN_BYTES = 32 << 20;

export async function readSeriesTable(path: string, options: ReadSeriesOptions = {}): Promise<SeriesTable> {
  const format = formatFromPath(path);
  await assertRegularInput(path);
  const workers = options.workers ?? availableParallelism();
  if ((format === 'csv' || format === 'tsv') && workers > 1 && sizeOf(path) >= (options.parallelMinBytes ?? PARALLEL_MIN_BYTES)) {
    const parallel = await readDelimitedInParallel(path, format === 'csv' ? ',' : '\t', workers, options);
    if (parallel) return parallel;
  }
  const reducer = new SeriesReducer(options);
  const columns = new Set<string>();
  let inputRows = 0;
  // Parquet dictionary columns stay dictionary and indexes: the reducer converts each value once.
  for await (const batch of readTable(path, { ...options, dictionaryColumns: true })) {
    if (inputRows === 0) assertReducible(batch.columns, path);
    for (const column of batch.columns) columns.add(column);
    reducer.addBatch(batch);
    inputRows += batch.length;
  }
  const rows = reducer.finish();
  return {
    rows,
    inputRows,
    perInstance: rows.length < inputRows - reducer.blankKeyRows,
    columns: [...columns],
    blankKeyRows: reducer.blankKeyRows,
    coded: reducer.codedColumns(),
  };
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // the ordinary reader reports a missing file
  }
}

/** The header line's text and the offset just after its line break (undefined when too long, absent or quoted). */
function readHeaderLine(path: string): { text: string; end: number } | undefined {
  const fd = openSync(path, 'r');
  try {
    const bytes = Buffer.allocUnsafe(1 << 20);
    const read = readSync(fd, bytes, 0, bytes.length, 0);
    const newline = bytes.indexOf(0x0a);
    if (newline === -1 || newline >= read) return undefined;
    let text = bytes.toString('utf8', 0, newline).replace(/\r$/, '');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.includes('"')) return undefined; // quoted names: leave them to the ordinary reader
    if (text === '') return undefined; // the ordinary reader skips blank lines before the header
    return { text, end: newline + 1 };
  } finally {
    closeSync(fd);
  }
}

async function readDelimitedInParallel(path: string, separator: ',' | '\t', workers: number, options: ReadSeriesOptions): Promise<SeriesTable | undefined> {
  const headerLine = readHeaderLine(path);
  if (!headerLine) return undefined;
  const header = headerLine.text.split(separator).map(normalizeColumnName);
  assertReducible(header, path);
  const picked = projectColumns(header, options.columns);
  assertUniqueColumns(
    picked.map((index) => header[index]!),
    path,
  );
  const size = statSync(path).size;
  const step = Math.ceil((size - headerLine.end) / workers);
  const reduce: ReduceOptions = {
    ...(options.level ? { level: options.level } : {}),
    ...(options.dropColumns ? { dropColumns: options.dropColumns } : {}),
    ...(options.trailingColumns ? { trailingColumns: options.trailingColumns } : {}),
  };
  const tasks: ScanTask[] = Array.from({ length: workers }, (_, k) => ({
    path,
    start: headerLine.end + k * step,
    end: k === workers - 1 ? size : headerLine.end + (k + 1) * step,
    separator,
    header,
    picked,
    // Later parts keep their image values so the merged means are exactly one pass's.
    reduce: k === 0 ? reduce : { ...reduce, exactMerge: true },
  }));
  const script = workerScriptUrl(import.meta.url, './scan-worker.js');
  const threads = tasks.map((_, k) => new ThreadClient<ScanRequest, ScanReply>(script, { name: `scan thread ${k + 1} of ${path}` }));
  try {
    const scanned = await Promise.all(threads.map((thread, k) => thread.request({ kind: 'scan', task: tasks[k]! })));
    // Fall back to the ordinary reader for what the fast path does not do (and for its exact error messages).
    if (scanned.some((reply) => reply.kind !== 'scanned')) return undefined;
    // Series found in more than one range are merged here; each thread finishes all the others.
    const seen = new Set<string>();
    const shared = new Set<string>();
    let inputRows = 0;
    let blankKeyRows = 0;
    for (const reply of scanned) {
      if (reply.kind !== 'scanned') continue;
      inputRows += reply.rows;
      blankKeyRows += reply.blankKeyRows;
      for (const id of reply.ids) {
        if (seen.has(id)) shared.add(id);
        else seen.add(id);
      }
    }
    const finished = await Promise.all(threads.map((thread) => thread.request({ kind: 'finish', shared: [...shared] })));
    const reducer = new SeriesReducer(options);
    const parts: { ids: string[]; rows: SeriesRow[] }[] = [];
    // In range order: later ranges' image values are added after earlier ones' (as one pass adds them).
    for (const reply of finished) {
      if (reply.kind !== 'finished') throw new Error(`scan thread of ${path} answered ${reply.kind} to finish`);
      absorb(reducer, reply.state);
      parts.push({ ids: reply.rows.ids, rows: decodeRows(reply.rows) });
    }
    parts.push(reducer.finishWhere());
    const rows = mergeById(parts);
    return {
      rows,
      inputRows,
      perInstance: rows.length < inputRows - blankKeyRows,
      columns: picked.map((index) => header[index]!),
      blankKeyRows,
      coded: new Map(),
    };
  } finally {
    await Promise.all(threads.map((thread) => thread.close()));
  }
}
