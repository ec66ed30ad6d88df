/**
 * Reduced rows between threads in columnar form: per column a dictionary of its distinct texts
 * and an Int32Array of codes (numbers kept in a Float64Array, so -0 and NaN survive exactly).
 * Cloning 30K row objects of 40+ cells cost the main thread more than a worker spent finishing
 * them; this form is a few typed arrays and the distinct texts.
 */
import type { Cell, Row, SeriesRow } from '@msc/core';
import { newRow, rowTemplate } from '../table/row-template.js';

export interface EncodedRows {
  /** Row i's series id (the reducer's sort key). */
  ids: string[];
  /** The distinct column lists (row key orders); `shapes[shapeOf[i]]` is row i's. */
  shapes: string[][];
  shapeOf: Int32Array;
  /** All columns of all shapes. */
  columns: string[];
  dictionaries: string[][];
  /** Per column, per row: ≥ 0 a dictionary index, -1 null, -2 `numbers[c][i]`, -3 not in the row. */
  codes: Int32Array[];
  numbers: (Float64Array | null)[];
}

const NULL = -1;
const NUMBER = -2;
const ABSENT = -3;

export function encodeRows(ids: string[], rows: readonly Row[]): EncodedRows {
  const n = rows.length;
  const shapes: string[][] = [];
  const shapeIndex = new Map<string, number>();
  const shapeOf = new Int32Array(n);
  const columns: string[] = [];
  const columnIndex = new Map<string, number>();
  const dictionaries: string[][] = [];
  const lookups: Map<string, number>[] = [];
  const codes: Int32Array[] = [];
  const numbers: (Float64Array | null)[] = [];
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    const keys = Object.keys(row);
    const shapeKey = keys.join('\u0000');
    let shape = shapeIndex.get(shapeKey);
    if (shape === undefined) {
      shapeIndex.set(shapeKey, (shape = shapes.length));
      shapes.push(keys);
      for (const column of keys) {
        if (columnIndex.has(column)) continue;
        columnIndex.set(column, columns.length);
        columns.push(column);
        dictionaries.push([]);
        lookups.push(new Map());
        codes.push(new Int32Array(n).fill(ABSENT));
        numbers.push(null);
      }
    }
    shapeOf[i] = shape;
    for (const column of shapes[shape]!) {
      const c = columnIndex.get(column)!;
      const cell: Cell | undefined = row[column];
      if (typeof cell === 'string') {
        const lookup = lookups[c]!;
        let code = lookup.get(cell);
        if (code === undefined) {
          lookup.set(cell, (code = dictionaries[c]!.length));
          dictionaries[c]!.push(cell);
        }
        codes[c]![i] = code;
      } else if (typeof cell === 'number') {
        numbers[c] ??= new Float64Array(n);
        numbers[c]![i] = cell;
        codes[c]![i] = NUMBER;
      } else {
        codes[c]![i] = NULL;
      }
    }
  }
  return { ids, shapes, shapeOf, columns, dictionaries, codes, numbers };
}

/** The typed arrays of `encoded`, to transfer rather than copy. */
export function transferList(encoded: EncodedRows): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [encoded.shapeOf.buffer as ArrayBuffer];
  for (const codes of encoded.codes) buffers.push(codes.buffer as ArrayBuffer);
  for (const numbers of encoded.numbers) if (numbers) buffers.push(numbers.buffer as ArrayBuffer);
  return buffers;
}

export function decodeRows(encoded: EncodedRows): SeriesRow[] {
  const { shapes, shapeOf, columns, dictionaries, codes, numbers } = encoded;
  const columnIndex = new Map(columns.map((column, c) => [column, c]));
  const templates = shapes.map((shape) => rowTemplate(shape));
  const shapeColumns = shapes.map((shape) => shape.map((column) => columnIndex.get(column)!));
  const rows: SeriesRow[] = new Array(shapeOf.length);
  for (let i = 0; i < shapeOf.length; i++) {
    const shape = shapeOf[i]!;
    const row = newRow(templates[shape]!);
    for (const c of shapeColumns[shape]!) {
      const code = codes[c]![i]!;
      row[columns[c]!] = code >= 0 ? dictionaries[c]![code]! : code === NUMBER ? numbers[c]![i]! : null;
    }
    rows[i] = row as SeriesRow;
  }
  return rows;
}
