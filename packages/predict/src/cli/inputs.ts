/**
 * Reading one prediction input into rows at the level asked for. The column map is applied
 * before reduction so renamed key columns (e.g. `StudyInstanceUID:study_uid`) group correctly.
 */
import { SeriesReducer, assertReducible, normalizeColumnName, type readSeriesTable, type readTableAll } from '@msc/tables';
import { type Row } from '@msc/core';

export interface TableReaders {
  readSeriesTable: typeof readSeriesTable;
  readTableAll: typeof readTableAll;
}

function rename(row: Row, columnMap: ReadonlyMap<string, string>): Row {
  if (columnMap.size === 0) return row;
  const renamed: Row = {};
  for (const [column, value] of Object.entries(row)) renamed[columnMap.get(column) ?? column] = value;
  return renamed;
}

export async function predictRowsFrom(
  path: string,
  level: 'series' | 'study' | 'instance',
  columnMap: ReadonlyMap<string, string>,
  readers: TableReaders,
  /** The only columns prediction reads (models' features, rules, keys); all when undefined. */
  columns?: readonly string[],
): Promise<Row[]> {
  const map = new Map([...columnMap].map(([from, to]) => [normalizeColumnName(from), normalizeColumnName(to)]));
  if (level === 'series' && map.size === 0) return (await readers.readSeriesTable(path, columns ? { columns } : {})).rows;
  const table = await readers.readTableAll(path);
  const rows = table.rows.map((row) => rename(row, map));
  assertReducible(table.columns.map((column) => map.get(column) ?? column), path);
  if (level === 'instance') return rows;
  const reducer = new SeriesReducer({ level });
  for (const row of rows) reducer.add(row);
  return reducer.finish();
}
