/**
 * Instance rows → one row per series (docs/behaviour.md §2), in a deterministic form: unique values in
 * `compareReducedValues` order, series sorted by key, so shuffling the input changes nothing.
 * Rows come in here (`add`, `addRows`); the byte scanner's cells come through cells.ts, and other
 * reducers' states (other threads) through state.ts; both use the accumulation steps below.
 */
import { MISSING, normalizeForReduction, type Cell, type Row, type SeriesRow } from '@msc/core';
import { newRow, rowTemplate } from '../../table/row-template.js';
import {
  FRAMES,
  IMAGE_COLUMNS,
  PER_FRAME_VALUES,
  addToMean,
  addUnique,
  columnRank,
  framesOf,
  joinSorted,
  median,
  toNumber,
  type MeanAccumulator,
  type Uniques,
} from './rules.js';

export interface ReduceOptions {
  /**
   * Group by study only (`study`) instead of by series (`series`, the default). A study row's
   * `series_uid` holds the study's series UIDs like any other column.
   */
  level?: 'series' | 'study';
  /** Columns left out of the reduced rows; default `file_path` (one path per file is not a series property). */
  dropColumns?: readonly string[];
  /**
   * Keep every image-column value, not only the running sum, in `toState` (state.ts): a reducer
   * that `absorb`s this state after another's then adds them one by one, in row order, so its
   * means are bit-for-bit those of one pass (a sum of partial sums is rounded differently). For
   * every part of a split input but the first; costs 8 bytes per image cell.
   */
  exactMerge?: boolean;
}

/** A series being reduced. */
export interface SeriesAccumulator {
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

/**
 * Streaming reducer: feed instance rows with `add` (any number, any order), then `finish`.
 * Memory grows with the number of series and distinct values, not with the number of rows.
 */
export class SeriesReducer {
  /** The series so far, by id (key cells joined). */
  readonly groups = new Map<string, SeriesAccumulator>();
  /** Columns in the order first seen (key and dropped columns excluded). */
  readonly columnOrder = new Map<string, number>();
  private readonly keyColumns: readonly string[];
  private readonly drop: ReadonlySet<string>;
  private blankKeys = 0;
  private readonly reader = new CellReader();

  constructor(readonly options: ReduceOptions = {}) {
    this.keyColumns = options.level === 'study' ? ['study_uid'] : ['study_uid', 'series_uid'];
    this.drop = new Set(options.dropColumns ?? ['file_path']);
  }

  get seriesCount(): number {
    return this.groups.size;
  }

  /**
   * Rows left out because a key cell (study_uid, and series_uid per series) was empty or `-`:
   * they belong to no series, and grouping them under `-` would make one up.
   */
  get blankKeyRows(): number {
    return this.blankKeys;
  }

  /** The ids of the series so far (any order); `finish` sorts them. */
  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  /** Whether `finish` leaves this column out anyway (readers need not read it). */
  drops(column: string): boolean {
    return this.drop.has(column);
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
    const keyed = this.keyOf(row);
    if (!keyed) return;
    const { id, key } = keyed;
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
   * A row's series id and key cells (patient_id, study_uid, series_uid as the level and row have
   * them); undefined, and counted in `blankKeyRows`, when a key cell is missing.
   */
  keyOf(row: Row): { id: string; key: Row } | undefined {
    // One loop, no intermediate arrays: this runs once per input row.
    const key: Row = {};
    let id = '';
    for (let i = 0; i < this.keyColumns.length; i++) {
      const column = this.keyColumns[i]!;
      const value = normalizeForReduction(row[column]);
      if (value === MISSING) {
        this.blankKeys += 1;
        return undefined;
      }
      key[column] = value;
      id = i === 0 ? value : `${id}\u0000${value}`;
    }
    // patient_id joins the key when the table has it (docs/behaviour.md §2), so one study UID reused across
    // patients stays apart.
    if ('patient_id' in row) {
      const patient = normalizeForReduction(row.patient_id);
      key.patient_id = patient;
      id = `${id}\u0000${patient}`;
    }
    return { id, key };
  }

  /** The series `id`, created empty (no rows yet) when new. */
  groupOf(id: string, key: Row): SeriesAccumulator {
    let group = this.groups.get(id);
    if (!group) {
      group = { key, rows: 0, single: undefined, uniques: new Map(), means: new Map(), fileCounts: [], extraFrames: 0 };
      this.groups.set(id, group);
    }
    return group;
  }

  /** A one-row group's row, accumulated now that more is coming. */
  materialize(group: SeriesAccumulator): void {
    if (!group.single) return;
    const single = group.single;
    group.single = undefined;
    this.accumulate(group, single);
  }

  accumulate(group: SeriesAccumulator, row: Row): void {
    for (const column in row) this.accumulateCell(group, column, row[column]);
  }

  accumulateCell(group: SeriesAccumulator, column: string, cell: Cell | undefined): void {
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
    const columns = [...this.columnOrder.keys()].sort((a, b) => columnRank(a, this.columnOrder) - columnRank(b, this.columnOrder));
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
        const cells = columns.filter(
          (column) => !keyNames.includes(column) && column !== 'number_of_images' && (this.keyColumns.length > 1 || column !== 'series_uid'),
        );
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
    const values = this.reader.read(single, cells);
    for (let c = 0; c < cells.length; c++) {
      const column = cells[c]!;
      const cell = values[c];
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
 * A row's cells of `columns`, in that order (undefined where the row lacks one), read with one
 * for-in pass: `row[column]` by changing column name is V8's slowest property read (a third of
 * passing 60K series rows through). Rows of one table share their key order, so the key → column
 * mapping is worked out once per key order.
 */
class CellReader {
  private columns: readonly string[] = [];
  private index = new Map<string, number>();
  private keys: string[] = [];
  private slots: number[] = [];
  private readonly values: (Cell | undefined)[] = [];

  read(row: Row, columns: readonly string[]): readonly (Cell | undefined)[] {
    if (columns !== this.columns) {
      this.columns = columns;
      this.index = new Map(columns.map((column, c) => [column, c]));
      this.keys = [];
    }
    const values = this.values;
    values.length = columns.length;
    values.fill(undefined);
    let k = 0;
    for (const key in row) {
      if (key !== this.keys[k]) {
        this.keys = Object.keys(row);
        this.slots = this.keys.map((name) => this.index.get(name) ?? -1);
      }
      const slot = this.slots[k++]!;
      if (slot >= 0) values[slot] = row[key];
    }
    return values;
  }
}

/** Reduces a whole set of instance rows; see `SeriesReducer` for streaming. */
export function reduceToSeries(rows: Iterable<Row>, options: ReduceOptions = {}): SeriesRow[] {
  const reducer = new SeriesReducer(options);
  for (const row of rows) reducer.add(row);
  return reducer.finish();
}
