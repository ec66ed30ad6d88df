/**
 * Row objects built by one object literal whose keys are known up front: V8 makes such an object
 * from a boilerplate in fast mode, with no keyed store. Storing or reading by a column name that
 * changes from one statement to the next is V8's slow path (a megamorphic keyed access); on 60K
 * series rows of 55 columns it was most of building or copying them.
 */
import type { Cell, Row } from './types.js';

type ColumnCells = readonly (readonly (Cell | undefined)[])[];

/** A key `JSON.stringify` quotes safely into a literal, and that becomes an own key there (`__proto__` sets the prototype instead). */
function literalSafe(columns: readonly string[]): boolean {
  return !columns.includes('__proto__');
}

/**
 * A function building rows with `columns` as keys, in that order, from column arrays (row `r` of
 * `data[c]` is the cell of `columns[c]`). Undefined when a column name cannot be a literal's own
 * key: build those rows another way.
 */
export function rowFactory(columns: readonly string[]): ((data: ColumnCells, r: number) => Row) | undefined {
  if (!literalSafe(columns)) return undefined;
  const body = columns.map((column, c) => `${JSON.stringify(column)}: data[${c}][r]`).join(',\n');
  // eslint-disable-next-line no-new-func -- keys quoted by JSON.stringify; no value is ever code
  return new Function('data', 'r', `return {\n${body}\n};`) as (data: ColumnCells, r: number) => Row;
}

/**
 * A function copying a row whose keys are `keys` (in that order) and setting `fixed` columns to
 * their values: those already among `keys` keep their place, the others follow. Undefined when a
 * name cannot be a literal's own key.
 */
export function rowCopier(keys: readonly string[], fixed: Readonly<Record<string, Cell>>): ((row: Row) => Row) | undefined {
  const added = Object.keys(fixed).filter((column) => !keys.includes(column));
  if (!literalSafe([...keys, ...added])) return undefined;
  const names = Object.keys(fixed);
  const values = names.map((column) => fixed[column]!);
  const cell = (column: string) => (names.includes(column) ? `values[${names.indexOf(column)}]` : `row[${JSON.stringify(column)}]`);
  const body = [...keys, ...added].map((column) => `${JSON.stringify(column)}: ${cell(column)}`).join(',\n');
  // eslint-disable-next-line no-new-func -- keys quoted by JSON.stringify; no value is ever code
  const copy = new Function('row', 'values', `return {\n${body}\n};`) as (row: Row, values: readonly Cell[]) => Row;
  return (row) => copy(row, values);
}

/**
 * A function setting `fixed` columns of a row in place (one store by a constant name each) and
 * returning it. Undefined when a name cannot be written as a literal key.
 */
export function rowFiller(fixed: Readonly<Record<string, Cell>>): ((row: Row) => Row) | undefined {
  const names = Object.keys(fixed);
  if (!literalSafe(names)) return undefined;
  const values = names.map((column) => fixed[column]!);
  const body = names.map((column, c) => `row[${JSON.stringify(column)}] = values[${c}];`).join('\n');
  // eslint-disable-next-line no-new-func -- names quoted by JSON.stringify; no value is ever code
  const fill = new Function('row', 'values', `${body}\nreturn row;`) as (row: Row, values: readonly Cell[]) => Row;
  return (row) => fill(row, values);
}

/**
 * A function reading `columns` of a row, in that order, as an array: one property read by a
 * constant name per column (the row's cells by a changing name are V8's slow keyed read). Reads
 * as `row[column]` does, for every name.
 */
export function rowReader(columns: readonly string[]): (row: Row) => (Cell | undefined)[] {
  const body = columns.map((column) => `row[${JSON.stringify(column)}]`).join(',\n');
  // eslint-disable-next-line no-new-func -- names quoted by JSON.stringify; no value is ever code
  return new Function('row', `return [\n${body}\n];`) as (row: Row) => (Cell | undefined)[];
}

/** Whether the row's own keys are `keys`, in that order (a for-in pass, no array made). */
export function hasKeys(row: Row, keys: readonly string[]): boolean {
  let i = 0;
  for (const column in row) if (column !== keys[i++]) return false;
  return i === keys.length;
}
