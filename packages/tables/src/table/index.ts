/**
 * Table I/O by extension: `readTable` streams column batches, `createTableWriter` streams rows out
 * atomically. Formats: parquet, CSV, TSV, JSON (flat or the original's nested tree), JSON Lines.
 */
import { type AtomicStream, assertRegularInput, atomicWriteFile, createAtomicStream, type Row } from '@msc/core';
import { formatDelimitedLine, formatDelimitedRows, readDelimited } from './delimited.js';
import { formatFromPath } from './format.js';
import { readJson, readJsonLines, toNestedTree } from './json.js';
import type { ColumnBatch, ReadTableOptions, Table, TableWriter, WriteTableOptions } from './types.js';

// The whole table I/O in one entry (`@msc/tables/table`), for callers that need none of the series code (msc-extract's main thread).
export * from './format.js';
export { formatDelimitedCell, formatDelimitedLine, formatDelimitedRows } from './delimited.js';
export { newRow, rowTemplate } from './row-template.js';
export { batchRows } from './batch-rows.js';
import { batchRows } from './batch-rows.js';

// hyparquet, its writer and its compressors cost ≈ 70 ms of CPU to load: a run that reads and
// writes TSV (most msc-extract runs, every shard of a batch job) never loads them.
const parquet = () => import('./parquet.js');

/** Streams a table as column batches; the format comes from the extension. */
export function readTable(path: string, options: ReadTableOptions = {}): AsyncIterable<ColumnBatch> {
  const format = formatFromPath(path);
  return checkedFirst(path, () => {
    switch (format) {
      case 'parquet':
        return lazyBatches(async () => (await parquet()).readParquet(path, options));
      case 'csv':
        return readDelimited(path, ',', options);
      case 'tsv':
        return readDelimited(path, '\t', options);
      case 'json':
        return readJson(path, options);
      case 'jsonl':
        return readJsonLines(path, options);
    }
  });
}

/**
 * The columns `readTable`'s first batch names (none for a table without one): a parquet file's
 * from its footer, without decoding a row group (every column of it, for a name list); other
 * formats' from their first batch.
 */
export async function readTableColumns(path: string): Promise<string[]> {
  if (formatFromPath(path) === 'parquet') {
    await assertRegularInput(path);
    return (await parquet()).readParquetColumns(path);
  }
  for await (const batch of readTable(path)) return [...batch.columns];
  return [];
}

/** A reader whose module is loaded when it is first read. */
async function* lazyBatches(reader: () => Promise<AsyncIterable<ColumnBatch>>): AsyncGenerator<ColumnBatch> {
  yield* await reader();
}

/** The reader's batches once the path is known to be no FIFO or device (which would block a reader forever). */
async function* checkedFirst(path: string, reader: () => AsyncIterable<ColumnBatch>): AsyncGenerator<ColumnBatch> {
  await assertRegularInput(path);
  yield* reader();
}

export async function* readRows(path: string, options: ReadTableOptions = {}): AsyncGenerator<Row> {
  for await (const batch of readTable(path, options)) yield* batchRows(batch);
}

/** Reads a whole table; columns in first-seen order across batches. */
export async function readTableAll(path: string, options: ReadTableOptions = {}): Promise<Table> {
  const columns: string[] = [];
  const seen = new Set<string>();
  const rows: Row[] = [];
  for await (const batch of readTable(path, options)) {
    for (const column of batch.columns) {
      if (!seen.has(column)) {
        seen.add(column);
        columns.push(column);
      }
    }
    for (const row of batchRows(batch)) rows.push(row);
  }
  return { columns, rows };
}

function writeChunk(output: AtomicStream, text: string): Promise<void> {
  return output.write(text);
}

function streamingWriter(output: AtomicStream, encode: (rows: readonly Row[], first: boolean) => string, footer = (): string => ''): TableWriter {
  let first = true;
  return {
    async write(rows) {
      if (rows.length === 0) return;
      await writeChunk(output, encode(rows, first));
      first = false;
    },
    async close() {
      const text = footer();
      if (text) await writeChunk(output, text);
      await output.commit();
    },
    abort: () => output.abort(),
  };
}

/** A streaming writer; nothing appears under `path` until `close()`. */
export async function createTableWriter(path: string, columns: readonly string[], options: WriteTableOptions = {}): Promise<TableWriter> {
  const format = formatFromPath(path);
  if (format === 'parquet') return (await parquet()).createParquetWriter(path, columns, options.rowGroupSize);
  if (format === 'json' && options.nested) {
    // The tree needs every row before it can be written; rows are grouped as they come.
    const rows: Row[] = [];
    return {
      async write(batch) {
        for (const row of batch) rows.push(row);
      },
      close: () => atomicWriteFile(path, `${JSON.stringify(toNestedTree(rows, columns), null, 1)}\n`),
      async abort() {
        rows.length = 0;
      },
    };
  }
  const output = await createAtomicStream(path);
  const pick = (row: Row) => Object.fromEntries(columns.map((column) => [column, row[column] ?? null]));
  switch (format) {
    case 'csv':
    case 'tsv': {
      const separator = format === 'csv' ? ',' : '\t';
      await writeChunk(output, formatDelimitedLine(columns, separator));
      return streamingWriter(output, (rows) => formatDelimitedRows(rows, columns, separator));
    }
    case 'jsonl':
      return streamingWriter(output, (rows) => rows.map((row) => `${JSON.stringify(pick(row))}\n`).join(''));
    case 'json': {
      await writeChunk(output, '[');
      let any = false;
      return streamingWriter(
        output,
        (rows, first) => {
          any = true;
          return (first ? '\n' : ',\n') + rows.map((row) => JSON.stringify(pick(row))).join(',\n');
        },
        () => (any ? '\n]\n' : ']\n'),
      );
    }
  }
}

/** Rows handed to a table writer at a time. */
const WRITE_BATCH_ROWS = 4096;

/** Writes rows (sync or async iterable) to `path` atomically. */
export async function writeTable(
  path: string,
  columns: readonly string[],
  rows: Iterable<Row> | AsyncIterable<Row>,
  options: WriteTableOptions = {},
): Promise<void> {
  const writer = await createTableWriter(path, columns, options);
  try {
    if (Array.isArray(rows)) {
      // An array is written in slices (the batches the loop below makes, its last one included, even
      // empty): `for await` over it cost a promise and a tick per row (60K rows: tens of ms).
      for (let start = 0; ; start += WRITE_BATCH_ROWS) {
        await writer.write(rows.slice(start, start + WRITE_BATCH_ROWS));
        if (start + WRITE_BATCH_ROWS > rows.length) break;
      }
      await writer.close();
      return;
    }
    let pending: Row[] = [];
    for await (const row of rows) {
      pending.push(row);
      if (pending.length >= WRITE_BATCH_ROWS) {
        await writer.write(pending);
        pending = [];
      }
    }
    await writer.write(pending);
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
