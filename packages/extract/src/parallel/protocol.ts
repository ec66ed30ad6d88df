/**
 * Messages between the worker pool and its threads. Rows travel as value arrays in a fixed column
 * order, not objects: cloning 45-key objects across threads costs more than reading the file. For
 * table output the threads can also format each row's line themselves (`lines`), which leaves the
 * main thread only the writing.
 */
import type { CsvFormulaPolicy, InstanceRow, Shard } from '@msc/core';
import { formatDelimitedLine } from '@msc/tables/delimited';
import { lineOf, type ExtractEvent, type LineBatch, type LineFormat } from '../events.js';
import { instanceColumns } from '../instance-columns.js';
import type { InstanceCellsOutcome } from '../instance-row.js';
import { LineBatchBuilder } from '../line-batch.js';

export interface RequestOptions {
  /** Compute image features too. */
  image: boolean;
  /** Answer with formatted lines rather than values. */
  lines?: LineFormat;
  /** How the lines write cells that spreadsheets read as formulas (the caller's `--csv-formulas`: a thread has its own module state). */
  csvFormulas?: CsvFormulaPolicy;
  /** Only files of this shard's studies: others are read no further than their study UID, and left out of the reply. */
  shard?: Shard;
}

export interface WorkerRequest extends RequestOptions {
  /** The files to read, packed (`packFiles`). */
  files: PackedFiles;
}

/**
 * Paths as folders' prefixes and names, one `\0`-separated string a folder (no path holds NUL):
 * cloning a string per folder costs the sending thread far less than a string per file, and the
 * paths are put together only by the thread that reads the files.
 */
export type PackedFiles = string[];

/** One folder's entry of `PackedFiles`: the paths `prefix + name`. */
export function packFiles(prefix: string, names: readonly string[]): string {
  return `${prefix}\0${names.join('\0')}`;
}

export function unpackFiles(files: PackedFiles): string[] {
  const paths: string[] = [];
  for (const folder of files) {
    const parts = folder.split('\0');
    const prefix = parts[0]!;
    for (let i = 1; i < parts.length; i++) paths.push(prefix + parts[i]!);
  }
  return paths;
}

/**
 * Per file, the reason it was skipped (a string) or its row: the values in `instanceColumns(image)`
 * order then the image note and the partial-row note.
 */
export interface RowsReply {
  image: boolean;
  paths: string[];
  outcomes: (string[] | string)[];
  /** Files left out as another shard's. */
  otherShard: number;
}

/** With `lines`: the rows as one buffer of lines (its buffers are transferred, see `lineBatchTransfer`). */
export interface LinesReply extends LineBatch {
  /** Files left out as another shard's. */
  otherShard: number;
}

export type WorkerReply = RowsReply | LinesReply;

/** The files of the shard (all without one): another shard's file has no outcome. */
function ofShard<T>(paths: readonly string[], outcomes: readonly (T | undefined)[]): { paths: string[]; outcomes: T[]; otherShard: number } {
  const kept = { paths: [] as string[], outcomes: [] as T[], otherShard: 0 };
  for (let i = 0; i < paths.length; i++) {
    const outcome = outcomes[i];
    if (outcome === undefined) kept.otherShard += 1;
    else {
      kept.paths.push(paths[i]!);
      kept.outcomes.push(outcome);
    }
  }
  return kept;
}

export function encodeEvents(all: readonly (ExtractEvent | undefined)[], options: RequestOptions): WorkerReply {
  const fields = instanceColumns(options.image);
  const { outcomes: events, otherShard } = ofShard(
    all.map((event) => event?.path ?? ''),
    all,
  );
  const lines = options.lines;
  if (lines) {
    const batch = new LineBatchBuilder();
    for (const event of events) {
      if (event.kind === 'skipped') batch.skipped(event.path, event.reason);
      else batch.row(event.path, event.row.study_uid, event.row.series_uid, lineOf(event.row, lines), event.imageNote, event.partial);
    }
    return { ...batch.finish(), otherShard };
  }
  return {
    otherShard,
    image: options.image,
    paths: events.map((event) => event.path),
    outcomes: events.map((event) => {
      if (event.kind === 'skipped') return event.reason;
      return [...fields.map((field) => String(event.row[field] ?? '')), event.imageNote ?? '', event.partial ?? ''];
    }),
  };
}

/**
 * As `encodeEvents` for rows made as cells (`instanceCells`, no image features): the same reply,
 * without a row object per file. `cellsOf` reads each file when its turn comes: with `lines`, a
 * file's cells (and the header text they are sliced from) die as soon as its line is written,
 * instead of a batch's worth surviving the worker's scavenges until the reply.
 */
export function encodeCells(allPaths: readonly string[], cellsOf: (path: string) => InstanceCellsOutcome | undefined, options: RequestOptions): WorkerReply {
  const fields = instanceColumns(false);
  const lines = options.lines;
  if (lines) {
    const lineCells = lines.columns.map((column) => fields.indexOf(column));
    // The usual table has the cells' own columns in their order: its lines are the cells as they are.
    const asCells = lineCells.length === fields.length && lineCells.every((index, i) => index === i);
    const [study, series] = [fields.indexOf('study_uid'), fields.indexOf('series_uid')];
    const batch = new LineBatchBuilder();
    let otherShard = 0;
    for (let i = 0; i < allPaths.length; i++) {
      const outcome = cellsOf(allPaths[i]!);
      if (outcome === undefined) otherShard += 1;
      else if (outcome.kind === 'skipped') batch.skipped(allPaths[i]!, outcome.reason);
      else {
        const { cells } = outcome;
        const line = formatDelimitedLine(asCells ? cells : lineCells.map((index) => (index < 0 ? undefined : cells[index])), lines.separator);
        batch.row(allPaths[i]!, cells[study]!, cells[series]!, line, undefined, outcome.partial);
      }
    }
    return { ...batch.finish(), otherShard };
  }
  const { paths, outcomes, otherShard } = ofShard(allPaths, allPaths.map(cellsOf));
  return {
    otherShard,
    image: false,
    paths,
    outcomes: outcomes.map((outcome) => (outcome.kind === 'skipped' ? outcome.reason : [...outcome.cells, '', outcome.partial ?? ''])),
  };
}

export function decodeEvents(reply: WorkerReply): ExtractEvent[] {
  if (!('outcomes' in reply)) throw new Error('a lines reply where rows were asked for');
  return reply.outcomes.map((outcome, i) => {
    const path = reply.paths[i]!;
    if (typeof outcome === 'string') return { kind: 'skipped', path, reason: outcome };
    const fields = instanceColumns(reply.image);
    const row: Record<string, string> = {};
    for (let f = 0; f < fields.length; f++) row[fields[f]!] = outcome[f]!;
    const note = outcome[fields.length];
    const partial = outcome[fields.length + 1];
    return { kind: 'row', path, row: row as InstanceRow, ...(note ? { imageNote: note } : {}), ...(partial ? { partial } : {}) };
  });
}

export function decodeLineBatch(reply: WorkerReply): LineBatch {
  if ('outcomes' in reply) throw new Error('a rows reply where lines were asked for');
  const { otherShard: _otherShard, ...batch } = reply;
  return batch;
}
