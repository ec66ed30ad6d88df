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
/** A row already formatted as a table line (see `extractLineBatches`). */
export type LineEvent =
  | { kind: 'line'; path: string; studyUid: string; seriesUid: string; line: string; imageNote?: string; partial?: string }
  | { kind: 'skipped'; path: string; reason: string };

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
