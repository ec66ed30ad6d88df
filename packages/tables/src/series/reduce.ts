/**
 * Instance rows → one row per series (behaviour.md §2), in a deterministic form: unique values in
 * `compareReducedValues` order, series sorted by key, so shuffling the input changes nothing.
 */
import { type Cell, COLUMNS, columnSpec, compareReducedValues, IMAGE_COLUMN_NAMES, isMissing, MISSING, MscError, normalizeForReduction, parseNumber, PER_FRAME_VALUE_COLUMNS, type Row, type SeriesRow } from '@msc/core';
import { newRow, rowTemplate } from '../table/row-template.js';

export interface ReduceOptions {
  /**
   * Group by study only (`study`) instead of by series (`series`, the default). A study row's
   * `series_uid` holds the study's series UIDs like any other column.
   */
  level?: 'series' | 'study';
  /** Columns left out of the reduced rows; default `file_path` (one path per file is not a series property). */
  dropColumns?: readonly string[];
  /**
   * Keep every image-column value, not only the running sum, in `toState`: a reducer that
   * `absorb`s this state after another's then adds them one by one, in row order, so its means are
   * bit-for-bit those of one pass (a sum of partial sums is rounded differently). For every part
   * of a split input but the first; costs 8 bytes per image cell.
   */
  exactMerge?: boolean;
}

/** Running mean of an image column; `values` only with `exactMerge`. */
interface MeanAccumulator {
  sum: number;
  count: number;
  values?: number[];
}

const IMAGE_COLUMNS = new Set(IMAGE_COLUMN_NAMES);
const PER_FRAME_VALUES = new Set(PER_FRAME_VALUE_COLUMNS);
/** A multi-frame file's row counts its frames as images (`number_of_images`). */
const FRAMES = 'number_of_frames';
const TABLE_ORDER = new Map(COLUMNS.map((spec, index) => [spec.name, index]));

interface SeriesAccumulator {
  key: Row;
  rows: number;
  /**
   * The group's only row so far, not yet accumulated: series tables have one row per series, and
   * passing such a row through costs a fraction of building sets for it.
   */
  single: Row | undefined;
  /**
   * Per column: the normalized unique values; one value is held as is, and becomes a set only when
   * a second one arrives (most columns of most series have one value: a Set per cell cost ~6 KB
   * per series).
   */
  uniques: Map<string, Uniques>;
  /** Per image column: running sum and count of numeric values. */
  means: Map<string, MeanAccumulator>;
  fileCounts: number[];
  /** Frames beyond one per row, summed over rows that have `number_of_frames`. */
  extraFrames: number;
}

/** One column's unique values in a series: a single value, or the set of several. */
type Uniques = string | Set<string>;

/** A series being reduced (opaque outside the reducer). */
export type SeriesGroup = object;

/** A reducer's state as plain, structured-cloneable data. */
export interface ReducerState {
  columnOrder: string[];
  groups: {
    id: string;
    key: Row;
    rows: number;
    single?: Row;
    uniques: [string, string[]][];
    /** Column, running sum, count and, with `exactMerge`, the values in row order. */
    means: [string, number, number, number[]?][];
    fileCounts: number[];
    extraFrames?: number;
  }[];
}

/**
 * Streaming reducer: feed instance rows with `add` (any number, any order), then `finish`.
 * Memory grows with the number of series and distinct values, not with the number of rows.
 */
export class SeriesReducer {
  private readonly groups = new Map<string, SeriesAccumulator>();
  private readonly columnOrder = new Map<string, number>();
  private readonly keyColumns: readonly string[];
  private readonly drop: ReadonlySet<string>;

  constructor(private readonly options: ReduceOptions = {}) {
    this.keyColumns = options.level === 'study' ? ['study_uid'] : ['study_uid', 'series_uid'];
    this.drop = new Set(options.dropColumns ?? ['file_path']);
  }

  get seriesCount(): number {
    return this.groups.size;
  }

  private keyOf(row: Row): { id: string; key: Row } {
    // One loop, no intermediate arrays: this runs once per input row.
    const key: Row = {};
    let id = '';
    for (let i = 0; i < this.keyColumns.length; i++) {
      const column = this.keyColumns[i]!;
      const value = normalizeForReduction(row[column]);
      key[column] = value;
      id = i === 0 ? value : `${id}\u0000${value}`;
    }
    // patient_id joins the key when the table has it (§2), so one study UID reused across
    // patients stays apart.
    if ('patient_id' in row) {
      const patient = normalizeForReduction(row.patient_id);
      key.patient_id = patient;
      id = `${id}\u0000${patient}`;
    }
    return { id, key };
  }

  add(row: Row): void {
    this.addRow(row, true);
  }

  /**
   * `add` for each of `rows`, which all have `columns` as their keys in that order (a table's
   * batch): the columns are registered once for the batch, not once per row (a third of `add`'s
   * time on a 60K-series table).
   */
  addRows(rows: readonly Row[], columns: readonly string[]): void {
    const keys = new Set(columns.includes('patient_id') ? [...this.keyColumns, 'patient_id'] : this.keyColumns);
    for (const column of columns) {
      if (rows.length > 0 && !keys.has(column) && !this.drop.has(column) && !this.columnOrder.has(column)) this.columnOrder.set(column, this.columnOrder.size);
    }
    for (const row of rows) this.addRow(row, false);
  }

  private addRow(row: Row, register: boolean): void {
    const { id, key } = this.keyOf(row);
    let group = this.groups.get(id);
    if (!group) {
      group = { key, rows: 1, single: row, uniques: new Map(), means: new Map(), fileCounts: [], extraFrames: 0 };
      this.groups.set(id, group);
      if (!register) return;
      for (const column in row) {
        if (!(column in key) && !this.drop.has(column) && !this.columnOrder.has(column)) this.columnOrder.set(column, this.columnOrder.size);
      }
      return;
    }
    this.materialize(group);
    group.rows += 1;
    this.accumulate(group, row);
  }

  /**
   * Cell-by-cell input, for readers that know which cells repeat the previous row's: `startRow`
   * with the row's key cells (patient_id, study_uid, series_uid as present), then `addCell` for
   * its cells. A cell equal to one already added to the same series may be left out, except
   * number_of_images, number_of_frames and image columns (`isPerRowColumn`), which count every row.
   */
  startRow(keyCells: Row): SeriesGroup {
    const { id, key } = this.keyOf(keyCells);
    let group = this.groups.get(id);
    if (!group) {
      group = { key, rows: 0, single: undefined, uniques: new Map(), means: new Map(), fileCounts: [], extraFrames: 0 };
      this.groups.set(id, group);
    }
    this.materialize(group);
    group.rows += 1;
    return group;
  }

  /** Starts another row of the group of the previous `startRow` (same key, no lookup). */
  repeatRow(group: SeriesGroup): void {
    const accumulator = group as SeriesAccumulator;
    this.materialize(accumulator);
    accumulator.rows += 1;
  }

  addCell(group: SeriesGroup, column: string, cell: Cell | undefined): void {
    this.accumulateCell(group as SeriesAccumulator, column, cell);
  }

  /** Columns whose every row counts (`addCell` must not skip repeats of them). */
  isPerRowColumn(column: string): boolean {
    return column === 'number_of_images' || column === FRAMES || IMAGE_COLUMNS.has(column);
  }

  /** Whether `finish` leaves this column out anyway (readers need not read it). */
  drops(column: string): boolean {
    return this.drop.has(column);
  }

  /** The ids of the series so far (any order); `finish` sorts them. */
  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  /**
   * The reducer's state as plain data (for other threads), to be `absorb`ed by another reducer;
   * only the series `keep` accepts, when given (the column order is always whole).
   */
  toState(keep?: (id: string) => boolean): ReducerState {
    const groups = [...this.groups].filter(([id]) => !keep || keep(id));
    return {
      columnOrder: [...this.columnOrder.keys()],
      groups: groups.map(([id, group]) => ({
        id,
        key: group.key,
        rows: group.rows,
        ...(group.single ? { single: group.single } : {}),
        uniques: [...group.uniques].map(([column, values]) => [column, typeof values === 'string' ? [values] : [...values]] as [string, string[]]),
        means: [...group.means].map(([column, mean]): [string, number, number, number[]?] =>
          mean.values ? [column, mean.sum, mean.count, mean.values] : [column, mean.sum, mean.count],
        ),
        fileCounts: group.fileCounts,
        ...(group.extraFrames > 0 ? { extraFrames: group.extraFrames } : {}),
      })),
    };
  }

  /**
   * Adds another reducer's state: the result is as if its rows had been added here, after this
   * reducer's. Means are exact (as one pass) when this reducer had no values yet for the series'
   * column or the state was made with `exactMerge`.
   */
  absorb(state: ReducerState): void {
    for (const column of state.columnOrder) if (!this.columnOrder.has(column)) this.columnOrder.set(column, this.columnOrder.size);
    for (const incoming of state.groups) {
      let group = this.groups.get(incoming.id);
      if (!group) {
        group = { key: incoming.key, rows: 0, single: undefined, uniques: new Map(), means: new Map(), fileCounts: [], extraFrames: 0 };
        this.groups.set(incoming.id, group);
        if (incoming.single && incoming.rows === 1) {
          group.single = incoming.single;
          group.rows = 1;
          continue;
        }
      }
      this.materialize(group);
      group.rows += incoming.rows;
      if (incoming.single) this.accumulate(group, incoming.single);
      for (const [column, values] of incoming.uniques) for (const value of values) addUnique(group.uniques, column, value);
      for (const [column, sum, count, values] of incoming.means) {
        let mean = group.means.get(column);
        if (!mean) group.means.set(column, (mean = this.options.exactMerge ? { sum: 0, count: 0, values: [] } : { sum: 0, count: 0 }));
        // Nothing summed here yet: one pass would have reached exactly the incoming running sum.
        if (mean.count === 0) mean.sum = sum;
        else if (values) for (const value of values) mean.sum += value;
        else mean.sum += sum;
        mean.count += count;
        if (mean.values && values) for (const value of values) mean.values.push(value);
      }
      for (const count of incoming.fileCounts) group.fileCounts.push(count);
      group.extraFrames += incoming.extraFrames ?? 0;
    }
  }

  /** A one-row group's row, accumulated now that more is coming. */
  private materialize(group: SeriesAccumulator): void {
    if (!group.single) return;
    const single = group.single;
    group.single = undefined;
    this.accumulate(group, single);
  }

  private accumulate(group: SeriesAccumulator, row: Row): void {
    for (const column in row) this.accumulateCell(group, column, row[column]);
  }

  private accumulateCell(group: SeriesAccumulator, column: string, cell: Cell | undefined): void {
    if (column in group.key || this.drop.has(column)) return;
    if (!this.columnOrder.has(column)) this.columnOrder.set(column, this.columnOrder.size);
    if (column === 'number_of_images') {
      const count = toNumber(cell);
      if (Number.isFinite(count)) group.fileCounts.push(count);
      return;
    }
    if (IMAGE_COLUMNS.has(column)) {
      addToMean(group.means, column, cell, this.options.exactMerge === true);
      return;
    }
    if (column === FRAMES) group.extraFrames += framesOf(cell) - 1;
    const value = normalizeForReduction(cell);
    if (PER_FRAME_VALUES.has(column) && value.includes(' ')) for (const part of value.split(' ')) addUnique(group.uniques, column, part);
    else addUnique(group.uniques, column, value);
  }

  /** The reduced rows, sorted by key; each has every column any input row had. */
  finish(): SeriesRow[] {
    return this.finishWhere().rows;
  }

  /**
   * `finish` for the series `keep` accepts (all when not given), with their ids: the same rows,
   * in the same order, as `finish` gives for them (parts of a split input finish the series no
   * other part has themselves, in parallel).
   */
  finishWhere(keep?: (id: string) => boolean): { ids: string[]; rows: SeriesRow[] } {
    const columns = [...this.columnOrder.keys()].sort((a, b) => orderOf(a, this.columnOrder) - orderOf(b, this.columnOrder));
    const result: SeriesRow[] = [];
    const ids = [...this.groups.keys()].filter((id) => !keep || keep(id)).sort();
    // One template per key shape (with or without patient_id): key columns, columns, number_of_images.
    const templates = new Map<string, { template: Readonly<Row>; cells: string[] }>();
    // Keys are built in one order (key columns, then patient_id when present): two shapes at most.
    const shapes: ({ template: Readonly<Row>; cells: string[] } | undefined)[] = [undefined, undefined];
    const shapeOf = (key: Row) => {
      const known = shapes['patient_id' in key ? 1 : 0];
      if (known) return known;
      const keyNames = Object.keys(key);
      const id = keyNames.join('\u0000');
      let shape = templates.get(id);
      if (!shape) {
        const cells = columns.filter((column) => !keyNames.includes(column) && column !== 'number_of_images' && (this.keyColumns.length > 1 || column !== 'series_uid'));
        const series = this.keyColumns.length === 1 ? ['series_uid'] : [];
        templates.set(id, (shape = { template: rowTemplate([...keyNames, ...series, ...cells, 'number_of_images']), cells }));
      }
      shapes['patient_id' in key ? 1 : 0] = shape;
      return shape;
    };
    for (const id of ids) {
      const group = this.groups.get(id)!;
      const { template, cells } = shapeOf(group.key);
      const row = newRow(template);
      for (const column in group.key) row[column] = group.key[column]!;
      if (group.single) {
        this.passThrough(row, group.single, cells);
        result.push(row as SeriesRow);
        continue;
      }
      if (this.keyColumns.length === 1) row.series_uid = joinSorted(group.uniques.get('series_uid'));
      for (const column of cells) {
        if (IMAGE_COLUMNS.has(column)) {
          const mean = group.means.get(column);
          row[column] = mean && mean.count > 0 ? mean.sum / mean.count : null;
        } else {
          row[column] = joinSorted(group.uniques.get(column));
        }
      }
      row.number_of_images = group.fileCounts.length > 0 ? median(group.fileCounts) : group.rows + group.extraFrames;
      result.push(row as SeriesRow);
    }
    return { ids, rows: result };
  }

  /** What `finish` makes of a group of one row (the same cells as accumulating it would give), into `row`. */
  private passThrough(row: Row, single: Row, cells: readonly string[]): void {
    if (this.keyColumns.length === 1) row.series_uid = normalizeForReduction(single.series_uid);
    for (const column of cells) {
      const cell = single[column];
      if (IMAGE_COLUMNS.has(column)) {
        const value = toNumber(cell);
        row[column] = Number.isFinite(value) ? value : null;
      } else {
        const value = normalizeForReduction(cell);
        row[column] = PER_FRAME_VALUES.has(column) && value.includes(' ') ? joinSorted(new Set(value.split(' '))) : value;
      }
    }
    const count = toNumber(single.number_of_images);
    row.number_of_images = Number.isFinite(count) ? count : framesOf(single[FRAMES]);
  }
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

/** Reduces a whole set of instance rows; see `SeriesReducer` for streaming. */
export function reduceToSeries(rows: Iterable<Row>, options: ReduceOptions = {}): SeriesRow[] {
  const reducer = new SeriesReducer(options);
  for (const row of rows) reducer.add(row);
  return reducer.finish();
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

function orderOf(column: string, firstSeen: ReadonlyMap<string, number>): number {
  // Known columns in table order, unknown ones after them in the order they were first seen.
  const known = TABLE_ORDER.get(column) ?? (columnSpec(column) ? COLUMNS.length : undefined);
  return known ?? COLUMNS.length + 1 + (firstSeen.get(column) ?? 0);
}

function joinSorted(values: Uniques | undefined): string {
  if (values === undefined) return MISSING;
  if (typeof values === 'string') return values;
  if (values.size === 0) return MISSING;
  return [...values].sort(compareReducedValues).join(' ');
}

function addUnique(uniques: Map<string, Uniques>, column: string, value: string): void {
  const held = uniques.get(column);
  if (held === undefined) uniques.set(column, value);
  else if (typeof held !== 'string') held.add(value);
  else if (held !== value) uniques.set(column, new Set([held, value]));
}

/** Images a row stands for: its number_of_frames when that is a count, else one. */
function framesOf(cell: Cell | undefined): number {
  const frames = toNumber(cell);
  return Number.isInteger(frames) && frames >= 1 ? frames : 1;
}

function toNumber(cell: Cell | undefined): number {
  return typeof cell === 'number' ? cell : isMissing(cell) ? Number.NaN : parseNumber(String(cell).trim());
}

function addToMean(means: Map<string, MeanAccumulator>, column: string, cell: Cell | undefined, keepValues: boolean): void {
  const value = toNumber(cell);
  let entry = means.get(column);
  if (!entry) means.set(column, (entry = keepValues ? { sum: 0, count: 0, values: [] } : { sum: 0, count: 0 }));
  if (Number.isFinite(value)) {
    entry.sum += value;
    entry.count += 1;
    entry.values?.push(value);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
