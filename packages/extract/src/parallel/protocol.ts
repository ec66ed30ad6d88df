/**
 * Messages between the worker pool and its threads. Rows travel as value arrays in a fixed column
 * order, not objects: cloning 45-key objects across threads costs more than reading the file. For
 * table output the threads can also format each row's line themselves (`lines`), which leaves the
 * main thread only the writing.
 */
import type { CsvFormulaPolicy, InstanceRow, Shard } from '@msc/core';
import { formatDelimitedLine } from '@msc/tables/delimited';
import { lineOf, type ExtractEvent, type LineEvent, type LineFormat } from '../events.js';
import { instanceColumns, type InstanceCellsOutcome } from '../instance-row.js';

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
  paths: string[];
}

/**
 * Per file, the reason it was skipped (a string) or its row: the values in `instanceColumns(image)`
 * order then the image note and the partial-row note, or with `lines`, [study_uid, series_uid,
 * line, image note, partial-row note].
 */
export interface WorkerReply {
  image: boolean;
  paths: string[];
  outcomes: (string[] | string)[];
  /** Files left out as another shard's. */
  otherShard: number;
}

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
  return {
    otherShard,
    image: options.image,
    paths: events.map((event) => event.path),
    outcomes: events.map((event) => {
      if (event.kind === 'skipped') return event.reason;
      const notes = [event.imageNote ?? '', event.partial ?? ''];
      if (options.lines) return [event.row.study_uid, event.row.series_uid, lineOf(event.row, options.lines), ...notes];
      return [...fields.map((field) => String(event.row[field] ?? '')), ...notes];
    }),
  };
}

/**
 * As `encodeEvents` for rows made as cells (`instanceCells`, no image features): the same reply,
 * without a row object per file.
 */
export function encodeCells(allPaths: readonly string[], all: readonly (InstanceCellsOutcome | undefined)[], options: RequestOptions): WorkerReply {
  const { paths, outcomes, otherShard } = ofShard(allPaths, all);
  const fields = instanceColumns(false);
  const lines = options.lines;
  const lineCells = lines ? lines.columns.map((column) => fields.indexOf(column)) : [];
  const [study, series] = [fields.indexOf('study_uid'), fields.indexOf('series_uid')];
  return {
    otherShard,
    image: false,
    paths,
    outcomes: outcomes.map((outcome) => {
      if (outcome.kind === 'skipped') return outcome.reason;
      const { cells } = outcome;
      const partial = outcome.partial ?? '';
      if (!lines) return [...cells, '', partial];
      const line = formatDelimitedLine(
        lineCells.map((index) => (index < 0 ? undefined : cells[index])),
        lines.separator,
      );
      return [cells[study]!, cells[series]!, line, '', partial];
    }),
  };
}

export function decodeEvents(reply: WorkerReply): ExtractEvent[] {
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

export function decodeLineEvents(reply: WorkerReply): LineEvent[] {
  return reply.outcomes.map((outcome, i) => {
    const path = reply.paths[i]!;
    if (typeof outcome === 'string') return { kind: 'skipped', path, reason: outcome };
    const note = outcome[3];
    const partial = outcome[4];
    return {
      kind: 'line',
      path,
      studyUid: outcome[0]!,
      seriesUid: outcome[1]!,
      line: outcome[2]!,
      ...(note ? { imageNote: note } : {}),
      ...(partial ? { partial } : {}),
    };
  });
}
