/**
 * Parquet through hyparquet (reader) and hyparquet-writer: measured several times faster than
 * parquetjs-lite on 45 string columns (README, design notes). Reads row group by row group with
 * column projection; zstd, gzip, brotli and lz4 (polars' and pyarrow's codecs) via
 * hyparquet-compressors.
 */
import { rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
// The writer loads when a parquet table is written (most runs only read one, or none).
import type { ParquetWriter, ColumnSource } from 'hyparquet-writer';
import { MscError, columnSpec, makeOutputDirectory, outputError, registerTemporary, temporaryPathFor, type Cell, type Row, errorMessage } from '@msc/core';
import { assertUniqueColumns } from './delimited.js';
import { normalizeColumnName } from './format.js';
import { projectColumns } from './projection.js';
import type { ColumnBatch, DictionaryColumn, ReadTableOptions, TableWriter } from './types.js';

function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? Number(inner) : inner));
}

/** A column chunk hyparquet read as dictionary indexes (option `dictionaryIndexes`, patched in: patches/). */
interface DictionaryIndexes {
  dictionary: ArrayLike<unknown>;
  indexes: Int32Array;
  length: number;
}

function isDictionaryIndexes(chunk: unknown): chunk is DictionaryIndexes {
  return !Array.isArray(chunk) && (chunk as Partial<DictionaryIndexes>).indexes instanceof Int32Array;
}

/** Value `i` of a chunk as a cell. */
function chunkCell(chunk: ArrayLike<unknown> | DictionaryIndexes, i: number): Cell {
  if (!isDictionaryIndexes(chunk)) return toCell(chunk[i]);
  const k = chunk.indexes[i]!;
  return k < 0 ? null : toCell(chunk.dictionary[k]);
}

/** A dictionary column's cells, row by row. */
function dictionaryCells({ values, indexes }: DictionaryColumn): Cell[] {
  const cells = new Array<Cell>(indexes.length);
  for (let i = 0; i < indexes.length; i++) {
    const k = indexes[i]!;
    cells[i] = k < 0 ? null : values[k]!;
  }
  return cells;
}

/**
 * The batch's column arrays, those of dictionary columns made when first read (and then kept):
 * a reader working from `dictionary` never pays for them.
 */
function lazyData(data: (Cell[] | undefined)[], dictionary: readonly (DictionaryColumn | undefined)[], length: number): Cell[][] {
  const out = data.map((cells) => cells ?? new Array<Cell>(length).fill(null));
  dictionary.forEach((column, c) => {
    if (!column) return;
    Object.defineProperty(out, c, {
      configurable: true,
      enumerable: true,
      get() {
        const cells = dictionaryCells(column);
        Object.defineProperty(out, c, { value: cells, configurable: true, enumerable: true, writable: true });
        return cells;
      },
    });
  });
  return out;
}

/** The file's footer, and its top-level columns as the file names them and normalized. */
async function openParquet(path: string) {
  let metadata: FileMetaData;
  let file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  try {
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new MscError('E_INPUT_NOT_FOUND', `no such file: ${path}`, { path, hint: 'check the path' });
    throw new MscError('E_TABLE_FORMAT', `${path}: not a readable parquet file: ${errorMessage(error)}`, {
      path,
      cause: error,
      hint: 'check that the file is a whole parquet file (a copy cut short, or another format under a .parquet name?)',
    });
  }
  // Top-level columns only (the schema's root children), named as the file names them.
  const fileColumns = metadata.schema
    .slice(1)
    .filter((element, index, all) => isTopLevel(all, index))
    .map((element) => element.name);
  return { file, metadata, fileColumns, normalized: fileColumns.map(normalizeColumnName) };
}

/** The columns `readParquet` names in its batches (none for a file of no row group), from the footer alone. */
export async function readParquetColumns(path: string): Promise<string[]> {
  const { metadata, normalized } = await openParquet(path);
  assertUniqueColumns(normalized, path);
  return metadata.row_groups.length > 0 ? normalized : [];
}

export async function* readParquet(path: string, options: ReadTableOptions = {}): AsyncGenerator<ColumnBatch> {
  const { file, metadata, fileColumns, normalized } = await openParquet(path);
  const picked = projectColumns(normalized, options.columns);
  const columns = picked.map((index) => normalized[index]!);
  assertUniqueColumns(columns, path);
  const readNames = picked.map((index) => fileColumns[index]!);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    if (readNames.length === 0) {
      yield { columns, data: [], length: rowEnd - rowStart };
      rowStart = rowEnd;
      continue;
    }
    // Column chunks as hyparquet decodes them, placed by row: asking for rows (onComplete) made
    // hyparquet transpose the columns into row arrays, and this reader transpose them back.
    const length = rowEnd - rowStart;
    // A column whose one chunk is the whole row group (hyparquet's usual case) keeps its array,
    // its cells made cells in place; others are copied into a column of nulls.
    const data: (Cell[] | undefined)[] = columns.map(() => undefined);
    // A dictionary column whose one chunk is the whole row group is kept as dictionary and indexes.
    const dictionary: (DictionaryColumn | undefined)[] = columns.map(() => undefined);
    const indexOf = new Map(readNames.map((name, c) => [name, c]));
    try {
      await parquetRead({
        file,
        metadata,
        columns: readNames,
        rowStart,
        rowEnd,
        compressors,
        ...(options.dictionaryColumns ? { dictionaryIndexes: true } : {}),
        onChunk: ({ columnName, columnData: chunk, rowStart: chunkStart }) => {
          const c = indexOf.get(columnName);
          if (c === undefined) return;
          const columnData: ArrayLike<unknown> | DictionaryIndexes = chunk;
          if (
            isDictionaryIndexes(columnData) &&
            data[c] === undefined &&
            dictionary[c] === undefined &&
            chunkStart === rowStart &&
            columnData.length === length
          ) {
            dictionary[c] = { values: Array.from(columnData.dictionary, toCell), indexes: columnData.indexes };
            return;
          }
          if (data[c] === undefined && chunkStart === rowStart && columnData.length === length && Array.isArray(columnData)) {
            const cells = columnData as unknown[];
            for (let i = 0; i < length; i++) {
              const value = cells[i];
              if (typeof value !== 'string' && typeof value !== 'number' && value !== null) cells[i] = toCell(value);
            }
            data[c] = cells as Cell[];
            return;
          }
          // A column in several chunks (a dictionary overflowing into plain pages) is kept as cells.
          const held = dictionary[c];
          if (held) {
            data[c] = dictionaryCells(held);
            dictionary[c] = undefined;
          }
          const cells = (data[c] ??= new Array<Cell>(length).fill(null));
          for (let i = Math.max(0, rowStart - chunkStart); i < columnData.length && chunkStart + i < rowEnd; i++)
            cells[chunkStart + i - rowStart] = chunkCell(columnData, i);
        },
      });
    } catch (error) {
      throw new MscError('E_TABLE_FORMAT', `${path}: cannot decode row group at row ${rowStart}: ${errorMessage(error)}`, {
        path,
        cause: error,
        hint: 'the file is damaged from that row on; write it again from its source',
      });
    }
    if (dictionary.some((column) => column !== undefined)) yield { columns, data: lazyData(data, dictionary, length), length, dictionary };
    else yield { columns, data: data.map((cells) => cells ?? new Array<Cell>(length).fill(null)), length };
    rowStart = rowEnd;
  }
}

/** Whether schema element `index` (root excluded) is a direct child of the root. */
function isTopLevel(elements: readonly { num_children?: number }[], index: number): boolean {
  let position = 0;
  // Walk the flattened tree: each top-level element is followed by its whole subtree.
  while (position < elements.length) {
    if (position === index) return true;
    position += subtreeSize(elements, position);
  }
  return false;
}

function subtreeSize(elements: readonly { num_children?: number }[], position: number): number {
  let size = 1;
  for (let child = 0; child < (elements[position]?.num_children ?? 0); child++) size += subtreeSize(elements, position + size);
  return size;
}

/** Columns whose role is numeric are DOUBLE; everything else is text, as the original's tables are. */
function isNumericColumn(column: string, rows: readonly Row[]): boolean {
  const spec = columnSpec(column);
  if (spec) return spec.role === 'numeric';
  let sawNumber = false;
  for (const row of rows) {
    const cell = row[column];
    if (typeof cell === 'string') return false;
    if (typeof cell === 'number') sawNumber = true;
  }
  return sawNumber;
}

export async function createParquetWriter(path: string, columns: readonly string[], rowGroupSize = 65_536): Promise<TableWriter> {
  const { ParquetWriter, fileWriter } = await import('hyparquet-writer');
  const temporary = temporaryPathFor(path);
  makeOutputDirectory(dirname(path), path);
  const unregister = registerTemporary(temporary);
  let writer: ParquetWriter | undefined;
  let numeric: boolean[] = [];
  let pending: Row[] = [];
  const fail = async (error: unknown): Promise<never> => {
    await rm(temporary, { force: true }).catch(() => undefined);
    unregister();
    throw outputError(path, error);
  };
  const flush = async (): Promise<void> => {
    if (pending.length === 0 && writer) return;
    if (!writer) {
      numeric = columns.map((column) => isNumericColumn(column, pending));
      writer = new ParquetWriter({
        writer: fileWriter(temporary),
        schema: [
          { name: 'root', num_children: columns.length },
          ...columns.map((name, c) =>
            numeric[c]
              ? { name, type: 'DOUBLE' as const, repetition_type: 'OPTIONAL' as const }
              : { name, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const },
          ),
        ],
        codec: 'SNAPPY',
        createdBy: 'msc (hyparquet-writer)',
      });
    }
    const columnData: ColumnSource[] = columns.map((name, c) => ({
      name,
      data: pending.map((row) => toStoredCell(row[name], numeric[c]!, name, path)),
      type: numeric[c] ? 'DOUBLE' : 'STRING',
      nullable: true,
    }));
    if (pending.length > 0) await writer.write({ columnData, rowGroupSize });
    pending = [];
  };
  return {
    async write(rows) {
      for (const row of rows) pending.push(row);
      if (pending.length >= rowGroupSize) await flush().catch(fail);
    },
    async close() {
      try {
        await flush();
        await writer!.finish();
        await rename(temporary, path);
        unregister();
      } catch (error) {
        await fail(error);
      }
    },
    async abort() {
      pending = [];
      await rm(temporary, { force: true }).catch(() => undefined);
      unregister();
    },
  };
}

function toStoredCell(cell: Cell | undefined, numeric: boolean, column: string, path: string): string | number | null {
  if (cell === null || cell === undefined) return null;
  if (!numeric) return typeof cell === 'number' ? String(cell) : cell;
  if (typeof cell === 'number') return cell;
  const value = Number(cell);
  if (cell.trim() === '' || cell.trim() === '-') return null;
  if (Number.isNaN(value)) {
    throw new MscError('E_BAD_DATA', `column ${column} holds numbers but also the text '${cell}'`, {
      path,
      hint: 'write the table as CSV/TSV, or make the column text in every row',
    });
  }
  return value;
}
