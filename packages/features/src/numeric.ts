/**
 * Numeric features (docs/behaviour.md §4): a multi-value cell (`0.7 0.7`, `256 0 0 230`) becomes
 * count, sum, min, max, mean of its numbers, non-numbers ignored, -1 for all five when there is
 * none (as the original); a single numeric column is one number, NaN when missing.
 */
import { type Cell, parseNumber } from '@msc/core';

export const MULTI_STATS = ['count', 'sum', 'min', 'max', 'mean'] as const;
export type MultiStat = (typeof MULTI_STATS)[number];

/** The numbers in a cell: a number as is, text split on white space, `\` and `;`. */
export function cellNumbers(cell: Cell): number[] {
  if (cell === null) return [];
  if (typeof cell === 'number') return Number.isFinite(cell) ? [cell] : [];
  const out: number[] = [];
  for (const part of cell.split(/[\s\\;]+/)) {
    if (part === '') continue;
    const v = parseNumber(part);
    if (Number.isFinite(v)) out.push(v);
  }
  return out;
}

/** [count, sum, min, max, mean], or five -1 without numbers. */
export function multiValueStats(cell: Cell): [number, number, number, number, number] {
  return statsOf(cellNumbers(cell));
}

/** [count, sum, min, max, mean] of numbers, or five -1 without any. */
export function statsOf(values: readonly number[]): [number, number, number, number, number] {
  if (values.length === 0) return [-1, -1, -1, -1, -1];
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [values.length, sum, min, max, sum / values.length];
}

/** A single-number cell, NaN when missing or not a number. */
export function singleNumber(cell: Cell): number {
  const values = cellNumbers(cell);
  return values.length === 1 ? values[0]! : Number.NaN;
}
