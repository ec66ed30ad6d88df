/**
 * Row objects with many columns, built fast. Assigning 40+ computed keys to `{}` turns an object
 * into a slow dictionary (V8 allows few keyed additions in fast mode); copying a template that
 * already has every key (JSON.parse builds it in fast mode) and then setting values keeps rows
 * fast to build and to read: measured 3× faster to build 60K rows × 52 columns.
 */
import type { Row } from '@msc/core';

export function rowTemplate(columns: readonly string[]): Readonly<Row> {
  const shape: Record<string, null> = {};
  for (const column of columns) shape[column] = null;
  return JSON.parse(JSON.stringify(shape)) as Row;
}

/** A new row with the template's keys, in its order, all null. */
export function newRow(template: Readonly<Row>): Row {
  return { ...template };
}
