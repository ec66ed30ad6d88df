/**
 * The reduction rules of docs/behaviour.md §2, per column: the unique values of a column joined in
 * `compareReducedValues` order, the median file count of `number_of_images`, the mean of image
 * columns. Used by the streaming reducer (reducer.ts) and by readers whose input arrives grouped
 * already (the original's nested JSON: `reduceCells`).
 */
import {
  COLUMNS,
  IMAGE_COLUMN_NAMES,
  MISSING,
  MscError,
  PER_FRAME_VALUE_COLUMNS,
  columnSpec,
  compareReducedValues,
  isMissing,
  normalizeForReduction,
  parseNumber,
  type Cell,
} from '@msc/core';

export const IMAGE_COLUMNS: ReadonlySet<string> = new Set(IMAGE_COLUMN_NAMES);
/** Columns whose cell in a multi-frame file's row lists its frames' distinct values (space-separated). */
export const PER_FRAME_VALUES: ReadonlySet<string> = new Set(PER_FRAME_VALUE_COLUMNS);
/** A multi-frame file's row counts its frames as images (`number_of_images`). */
export const FRAMES = 'number_of_frames';
const TABLE_ORDER = new Map(COLUMNS.map((spec, index) => [spec.name, index]));

/** Columns whose every row counts (a reader must not skip a cell that repeats the previous row's). */
export function isPerRowColumn(column: string): boolean {
  return column === 'number_of_images' || column === FRAMES || IMAGE_COLUMNS.has(column);
}

/** Images a row stands for: its number_of_frames when that is a count, else one. */
export function framesOf(cell: Cell | undefined): number {
  const frames = toNumber(cell);
  return Number.isInteger(frames) && frames >= 1 ? frames : 1;
}

/** An image column's cell of a one-row series, as passed through: its number, or null. */
export function passedImageCell(cell: Cell | undefined): number | null {
  const value = toNumber(cell);
  return Number.isFinite(value) ? value : null;
}

/** A per-frame column's cell of a one-row series: normalized, its space-separated values sorted and unique. */
export function passedPerFrameCell(cell: Cell | undefined): string {
  const value = normalizeForReduction(cell);
  return value.includes(' ') ? joinSorted(new Set(value.split(' '))) : value;
}

/** number_of_images of a one-row series: its own count when it has one, else the frames the row stands for. */
export function passedImageCount(count: Cell | undefined, frames: Cell | undefined): number {
  const value = toNumber(count);
  return Number.isFinite(value) ? value : framesOf(frames);
}

/** One column's unique values in a series: a single value, or the set of several. */
export type Uniques = string | Set<string>;

export function addUnique(uniques: Map<string, Uniques>, column: string, value: string): void {
  const held = uniques.get(column);
  if (held === undefined) uniques.set(column, value);
  else if (typeof held !== 'string') held.add(value);
  else if (held !== value) uniques.set(column, new Set([held, value]));
}

/** A series cell: its unique values, sorted and space-joined (`-` when there are none). */
export function joinSorted(values: Uniques | undefined): string {
  if (values === undefined) return MISSING;
  if (typeof values === 'string') return values;
  if (values.size === 0) return MISSING;
  return [...values].sort(compareReducedValues).join(' ');
}

/** Running mean of an image column; `values` only when a merge must be exact (see ReduceOptions.exactMerge). */
export interface MeanAccumulator {
  sum: number;
  count: number;
  values?: number[];
}

export function addToMean(means: Map<string, MeanAccumulator>, column: string, cell: Cell | undefined, keepValues: boolean): void {
  const value = toNumber(cell);
  let entry = means.get(column);
  if (!entry) means.set(column, (entry = keepValues ? { sum: 0, count: 0, values: [] } : { sum: 0, count: 0 }));
  if (Number.isFinite(value)) {
    entry.sum += value;
    entry.count += 1;
    entry.values?.push(value);
  }
}

export function toNumber(cell: Cell | undefined): number {
  return typeof cell === 'number' ? cell : isMissing(cell) ? Number.NaN : parseNumber(String(cell).trim());
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Reduces one column's instance values to a series cell, by the same rules as `SeriesReducer`
 * (for inputs that arrive already grouped, such as the original's nested JSON).
 */
export function reduceCells(column: string, cells: readonly Cell[]): Cell {
  if (column === 'number_of_images') {
    const counts = cells.map(toNumber).filter(Number.isFinite);
    return counts.length > 0 ? median(counts) : cells.length;
  }
  if (PER_FRAME_VALUES.has(column)) return joinSorted(new Set(cells.flatMap((cell) => normalizeForReduction(cell).split(' '))));
  if (IMAGE_COLUMNS.has(column)) {
    const values = cells.map(toNumber).filter(Number.isFinite);
    return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null;
  }
  return joinSorted(new Set(cells.map(normalizeForReduction)));
}

/** Checks a table has the columns reduction needs, with a message naming what is missing. */
export function assertReducible(columns: readonly string[], source = 'the table'): void {
  const missing = ['study_uid', 'series_uid'].filter((column) => !columns.includes(column));
  if (missing.length > 0) {
    throw new MscError('E_MISSING_COLUMNS', `${source} lacks column(s) ${missing.join(', ')}`, {
      hint: 'instance and series tables need study_uid and series_uid; use --column-map old:new to rename columns',
    });
  }
}

/** Output position of a column: known columns in table order, unknown ones after them in the order they were first seen. */
export function columnRank(column: string, firstSeen: ReadonlyMap<string, number>): number {
  const known = TABLE_ORDER.get(column) ?? (columnSpec(column) ? COLUMNS.length : undefined);
  return known ?? COLUMNS.length + 1 + (firstSeen.get(column) ?? 0);
}
