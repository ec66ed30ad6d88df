/**
 * What extraction yields per file, shared by the orchestrator (extract.ts), the worker protocol
 * and the table writer: a row or the reason the file was skipped, or the row already formatted
 * as a table line.
 */
import type { InstanceRow } from '@msc/core';
import { formatDelimitedLine } from '@msc/tables/delimited';

/**
 * A row; `imageNote` says why its image columns are empty when image features were asked for;
 * `partial` (`partial: <what broke> at offset N`) that the file is damaged and the row holds what
 * came before the damage — the skipped-files report lists such files with that reason.
 */
export type ExtractEvent =
  { kind: 'row'; path: string; row: InstanceRow; imageNote?: string; partial?: string } | { kind: 'skipped'; path: string; reason: string };
/**
 * What a batch of files gave, with the rows already formatted as table lines (see
 * `extractLineBatches`): the lines as UTF-8 bytes one after another (a worker thread's batch is moved
 * to the writing thread as one buffer, not a string per row), each row's series, and in file order
 * the files skipped and the notes of rows (partial rows, missing image features).
 */
export interface LineBatch {
  /** Files the batch accounts for: its rows and its skipped files (not other shards' files). */
  files: number;
  /** The rows' lines, UTF-8, in file order. */
  text: Uint8Array;
  /** Per row, the end of its line in `text` (the next row's line starts there). */
  lineEnds: Uint32Array;
  /** Per row, its series: an index into `series`. */
  rowSeries: Uint32Array;
  /** The batch's distinct series, as study UID and series UID. */
  series: [studyUid: string, seriesUid: string][];
  /** In file order: a skipped file (`row` -1) or a note on row `row` (`partial`, or an image features note). */
  notes: LineNote[];
}

export type LineNote = { kind: 'skipped'; path: string; reason: string; row: -1 } | { kind: 'partial' | 'image'; path: string; reason: string; row: number };

/** How rows become lines: these columns, this separator. */
export interface LineFormat {
  columns: readonly string[];
  separator: ',' | '\t';
}

export function lineOf(row: InstanceRow, format: LineFormat): string {
  return formatDelimitedLine(
    format.columns.map((column) => row[column]),
    format.separator,
  );
}
