/**
 * The fast path for large CSV/TSV instance tables: a byte range of the file is scanned and
 * reduced to series in one pass, without building a row object per line. Consecutive rows of a
 * series repeat most cells, so a cell whose bytes equal the previous row's (same series) is
 * neither decoded nor added again. Runs in worker threads, one range each (scan-worker.ts): each
 * finishes the series only its range has, and hands over the state of the others for the caller to
 * merge. Anything the fast path does not handle exactly (a quoted record that spans lines) answers
 * `fallback`, and the caller reads the file the ordinary way.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parseRecord } from '../table/delimited.js';
import { type Row, unescapeCsvFormula } from '@msc/core';
import { ReducerCells, type SeriesGroup } from './reduce/cells.js';
import { SeriesReducer, type ReduceOptions } from './reduce/reducer.js';
import type { ReducerState } from './reduce/state.js';
import type { EncodedRows } from './row-transfer.js';

export interface ScanTask {
  path: string;
  /** Byte range; a line belongs to the range its first byte is in. */
  start: number;
  end: number;
  separator: ',' | '\t';
  /** Normalised header names, all of them. */
  header: string[];
  /** Indexes of the columns to reduce. */
  picked: number[];
  reduce: ReduceOptions;
}

/** What a scan ends with: its reducer (kept on the worker), or why the caller must read the file itself. */
export type ScanOutcome = { kind: 'scanned'; reducer: SeriesReducer; rows: number } | ScanFailure;

export type ScanFailure = { kind: 'fallback'; reason: string } | { kind: 'error'; message: string };

/** Caller → worker: scan a range, then (once every range is scanned) finish. */
export type ScanRequest = { kind: 'scan'; task: ScanTask } | { kind: 'finish'; shared: string[] };

/**
 * Worker → caller: after `scan` the ids of the range's series; after `finish` the rows of the
 * series no other range has (finished there), and the state of those that others have too.
 */
export type ScanReply =
  { kind: 'scanned'; ids: string[]; rows: number; blankKeyRows: number } | { kind: 'finished'; rows: EncodedRows; state: ReducerState } | ScanFailure;

const NEWLINE = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const CHUNK_BYTES = 8 << 20;
const KEY_COLUMNS = new Set(['patient_id', 'study_uid', 'series_uid']);

export function scanRange(task: ScanTask): ScanOutcome {
  const reducer = new SeriesReducer(task.reduce);
  const cells = new ReducerCells(reducer);
  const separator = task.separator.charCodeAt(0);
  const picked = task.picked.filter((index) => !cells.drops(task.header[index]!));
  const names = picked.map((index) => task.header[index]!);
  const pickedAt = new Int32Array(task.header.length).fill(-1);
  picked.forEach((index, p) => (pickedAt[index] = p));
  const keyFields = names.map((name, p) => (KEY_COLUMNS.has(name) ? p : -1)).filter((p) => p >= 0);
  const perRow = names.map((name) => cells.isPerRowColumn(name));
  const starts = new Int32Array(picked.length);
  const ends = new Int32Array(picked.length);
  // The previous row's cells: bytes (to compare) and text (to reuse).
  const previousBytes = names.map(() => new Uint8Array(64));
  const previousLength = new Int32Array(picked.length).fill(-1);
  const previousText: string[] = names.map(() => '');
  let group: SeriesGroup | undefined;
  let rows = 0;

  const fd = openSync(task.path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    // Start one byte early: a range that begins just after a line break starts with a whole line.
    let filePosition = Math.max(0, task.start - 1);
    let used = 0;
    let skipFirst = task.start > 0;
    let atEnd = false;
    for (;;) {
      if (used === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, used);
        buffer = bigger;
      }
      const read = readSync(fd, buffer, used, buffer.length - used, filePosition);
      filePosition += read;
      const length = used + read;
      atEnd = read === 0;
      let position = 0;
      if (skipFirst) {
        const newline = buffer.indexOf(NEWLINE, 0);
        if (newline === -1 || newline >= length) {
          if (atEnd) return done();
          used = 0; // the whole chunk is the tail of the previous range's line
          continue;
        }
        position = newline + 1;
        skipFirst = false;
      }
      // The file offset of buffer[0].
      const base = filePosition - length;
      let nextQuote = buffer.indexOf(QUOTE, position);
      if (nextQuote >= length) nextQuote = -1;
      for (;;) {
        if (base + position >= task.end) return done();
        let newline = buffer.indexOf(NEWLINE, position);
        if (newline >= length) newline = -1;
        if (newline === -1 && !atEnd) break;
        const lineEnd = newline === -1 ? length : newline;
        if (lineEnd === position && newline === -1) return done();
        let contentEnd = lineEnd;
        if (contentEnd > position && buffer[contentEnd - 1] === CR) contentEnd -= 1;
        if (nextQuote !== -1 && nextQuote < position) {
          nextQuote = buffer.indexOf(QUOTE, position);
          if (nextQuote >= length) nextQuote = -1;
        }
        if (contentEnd > position) {
          if (nextQuote !== -1 && nextQuote < lineEnd) {
            const slow = quotedLine(buffer.toString('utf8', position, lineEnd + (newline === -1 ? 0 : 1)), newline === -1);
            if (slow.kind !== 'row') return slow;
            group = undefined; // the slow row does not update the previous-row cache
            if (slow.counted) rows += 1;
          } else {
            const error = fastLine(position, contentEnd);
            if (error) return error;
            rows += 1;
          }
        }
        if (newline === -1) return done();
        position = newline + 1;
      }
      // Keep the unfinished line for the next read.
      buffer.copy(buffer, 0, position, length);
      used = length - position;
    }

    function fastLine(start: number, end: number): ScanFailure | undefined {
      // The hottest loop (every byte of the file): the buffer in a local, one test per byte.
      const bytes = buffer;
      const columns = pickedAt.length;
      let field = 0;
      let fieldStart = start;
      for (let i = start; i < end; i++) {
        if (bytes[i] !== separator) continue;
        if (field < columns) {
          const p = pickedAt[field]!;
          if (p >= 0) {
            starts[p] = fieldStart;
            ends[p] = i;
          }
        }
        field += 1;
        fieldStart = i + 1;
      }
      if (field < columns) {
        const p = pickedAt[field]!;
        if (p >= 0) {
          starts[p] = fieldStart;
          ends[p] = end;
        }
      }
      field += 1;
      // The ordinary reader names the line; it reads the file again for the message.
      if (field !== columns) return { kind: 'error', message: `a line has ${field} fields but the header has ${columns}` };
      let sameKey = group !== undefined;
      for (let k = 0; sameKey && k < keyFields.length; k++) if (!sameBytes(keyFields[k]!)) sameKey = false;
      if (!sameKey) {
        const keyCells: Row = {};
        for (const p of keyFields) keyCells[names[p]!] = text(p);
        group = cells.startRow(keyCells);
        if (!group) return undefined; // a blank key: counted by the reducer, not a series
      } else cells.repeatRow(group!);
      for (let p = 0; p < picked.length; p++) {
        if (sameKey && !perRow[p] && sameBytes(p)) continue;
        cells.addCell(group!, names[p]!, text(p));
      }
      return undefined;
    }

    function sameBytes(p: number): boolean {
      const start = starts[p]!;
      const length = ends[p]! - start;
      if (length !== previousLength[p]) return false;
      const previous = previousBytes[p]!;
      const bytes = buffer;
      for (let i = 0; i < length; i++) if (previous[i] !== bytes[start + i]) return false;
      return true;
    }

    /** The cell's text, decoded only when its bytes changed since the previous row. */
    function text(p: number): string {
      if (sameBytes(p)) return previousText[p]!;
      const start = starts[p]!;
      const length = ends[p]! - start;
      if (previousBytes[p]!.length < length) previousBytes[p] = new Uint8Array(length * 2);
      buffer.copy(previousBytes[p]!, 0, start, start + length);
      previousLength[p] = length;
      // A leading `'` (39) is the writer's formula escape (core csv-formulas.ts).
      const decoded = buffer.toString('utf8', start, start + length);
      return (previousText[p] = buffer[start] === 39 ? unescapeCsvFormula(decoded) : decoded);
    }

    function quotedLine(line: string, atEndOfFile: boolean): ScanFailure | { kind: 'row'; counted: boolean } {
      const record = parseRecord(line, 0, task.separator, atEndOfFile, line.indexOf('"'));
      if (!record || record.next < line.length) return { kind: 'fallback', reason: 'a quoted field spans lines' };
      const fields = record.fields;
      if (fields.length === 1 && fields[0] === '') return { kind: 'row', counted: false }; // `""` alone: a blank line
      if (fields.length !== task.header.length)
        return { kind: 'error', message: `a line has ${fields.length} fields but the header has ${task.header.length}` };
      const row: Row = {};
      for (let p = 0; p < picked.length; p++) row[names[p]!] = unescapeCsvFormula(fields[picked[p]!] ?? '');
      reducer.add(row);
      previousLength.fill(-1);
      return { kind: 'row', counted: true };
    }

    function done(): ScanOutcome {
      return { kind: 'scanned', reducer, rows };
    }
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  } finally {
    closeSync(fd);
  }
}
