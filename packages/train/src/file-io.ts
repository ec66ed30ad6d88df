/**
 * TrainIo on real files: tables through @msc/tables (instance tables are reduced to series),
 * every output written atomically. Shared by msc-train and the grid's worker threads.
 */
import { readFile } from 'node:fs/promises';
import { MscError, atomicWriteFile, type Row } from '@msc/core';
import { writeTable } from '@msc/tables';
import { readLabelledTable } from './labelled-table.js';
import type { TrainIo } from './train-from-table.js';

/** Column order of written rows: first-seen over all rows. */
export function columnsOf(rows: readonly Row[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const column of Object.keys(row)) columns.add(column);
  return [...columns];
}

export function fileTrainIo(progress?: (message: string) => void): TrainIo {
  return {
    readRows: (path, labelColumn) => readLabelledTable(path, labelColumn),
    readText: (path) =>
      readFile(path, 'utf8').catch((cause: Error) => {
        throw new MscError('E_INPUT_NOT_FOUND', `cannot read ${path}: ${cause.message}`, { path, cause, hint: 'check the path' });
      }),
    writeBytes: (path, bytes) => atomicWriteFile(path, bytes),
    writeRows: (path, rows) => writeTable(path, columnsOf(rows), rows),
    ...(progress ? { progress } : {}),
  };
}
