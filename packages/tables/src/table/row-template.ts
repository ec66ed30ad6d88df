/**
 * Row objects with many columns, built fast. Assigning 40+ computed keys to `{}` turns an object
 * into a slow dictionary (V8 allows few keyed additions in fast mode); copying a template that
 * already has every key (JSON.parse builds it in fast mode) and then setting values keeps rows
 * fast to build and to read: measured 3× faster to build 60K rows × 52 columns.
 */
import type { Cell, Row } from '@msc/core';

export function rowTemplate(columns: readonly string[]): Readonly<Row> {
  const shape: Record<string, null> = {};
  for (const column of columns) shape[column] = null;
  return JSON.parse(JSON.stringify(shape)) as Row;
}

/** A new row with the template's keys, in its order, all null. */
export function newRow(template: Readonly<Row>): Row {
  return { ...template };
}

/**
 * A function building rows with `columns` as keys, in that order, from column arrays (row `r` of
 * `data[c]` is the cell of `columns[c]`): one object literal with those keys, which V8 builds
 * from a boilerplate in fast mode with no keyed store (storing by a column name that changes is
 * V8's slow path: most of building 60K series rows from a 55-column table). Undefined when a
 * column name would not be an own key in a literal (`__proto__`): use `newRow` then.
 */
export function rowFactory(columns: readonly string[]): ((data: readonly (readonly (Cell | undefined)[])[], r: number) => Row) | undefined {
  if (columns.includes('__proto__')) return undefined;
  const body = columns.map((column, c) => `${JSON.stringify(column)}: data[${c}][r]`).join(',\n');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the keys are quoted by JSON.stringify, the values are never code
  return new Function('data', 'r', `return {\n${body}\n};`) as (data: readonly (readonly (Cell | undefined)[])[], r: number) => Row;
}
