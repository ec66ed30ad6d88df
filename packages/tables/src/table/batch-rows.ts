/** A column batch's rows as objects keyed by column (apart from index.ts so the reducer can use it without every format's reader). */
import type { Row } from '@msc/core';
import { newRow, rowTemplate } from './row-template.js';
import type { ColumnBatch } from './types.js';

/** Rows of one batch as objects keyed by column. */
export function batchRows(batch: ColumnBatch): Row[] {
  const rows: Row[] = new Array(batch.length);
  const template = rowTemplate(batch.columns);
  for (let r = 0; r < batch.length; r++) {
    const row = newRow(template);
    for (let c = 0; c < batch.columns.length; c++) row[batch.columns[c]!] = batch.data[c]![r] ?? null;
    rows[r] = row;
  }
  return rows;
}
