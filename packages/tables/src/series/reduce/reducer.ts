/**
 * Instance rows → one row per series (docs/behaviour.md §2), in a deterministic form: unique values in
 * `compareReducedValues` order, series sorted by key, so shuffling the input changes nothing.
 * Rows come in here (`add`, `addRows`); the byte scanner's cells come through cells.ts, and other
 * reducers' states (other threads) through state.ts; both use the accumulation steps below.
 */
import { MISSING, normalizeForReduction, rowFactory, type Cell, type CodedCells, type Row, type SeriesRow } from '@msc/core';
import { batchRows } from '../../table/batch-rows.js';
import { newRow, rowTemplate } from '../../table/row-template.js';
import type { ColumnBatch } from '../../table/types.js';
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
  passedImageCell,
  passedImageCount,
  passedPerFrameCell,
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
  /**
   * Columns every reduced row ends with, MISSING, after its own (those the input has keep their
   * place and cells): a caller that fills them in later (study context) writes into the rows
   * instead of copying each one to add them.
   */
  trailingColumns?: readonly string[];
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
   * Or the batch (index into the reducer's stored batches, -1 for none) and row holding it: a
   * series table's rows are never made objects before `finish`, which reads them column by column.
   */
  storedBatch: number;
  storedRow: number;
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
 * The empty containers of a stored series (`addBatch`): shared, never written. `ownContainers`
 * gives a series its own before anything is accumulated into it.
 */
const NO_UNIQUES: Map<string, Uniques> = new Map();
const NO_MEANS: Map<string, MeanAccumulator> = new Map();
const NO_FILE_COUNTS: number[] = Object.freeze([]) as unknown as number[];

function ownContainers(group: SeriesAccumulator): void {
  if (group.uniques === NO_UNIQUES) group.uniques = new Map();
  if (group.means === NO_MEANS) group.means = new Map();
  if (group.fileCounts === NO_FILE_COUNTS) group.fileCounts = [];
}

/** The output row of one key shape: its template, its non-key cells, and its literal builder. */
interface RowShape {
  template: Readonly<Row>;
  /** The key columns, in the order keys are built. */
  keyNames: readonly string[];
  cells: string[];
  factory: ReturnType<typeof rowFactory>;
}

/** One-row series of stored batches of one key shape, in result order: where each row goes, its batch and row, its key cells by column. */
interface StoredRun {
  shape: RowShape;
  at: number[];
  batch: number[];
  row: number[];
  keys: Map<string, Cell[]>;
}

function storedRun(shape: RowShape): StoredRun {
  return { shape, at: [], batch: [], row: [], keys: new Map(shape.keyNames.map((column) => [column, []])) };
}

/** One-row series of stored batches by index (`SeriesReducer.lone`): normalized key cells, batch and row. */
interface LoneSeries {
  study: string[];
  series: string[];
  /** undefined: the batch has no patient_id column. */
  patient: (string | undefined)[];
  batch: number[];
  row: number[];
  /** The series before it with the same series UID (another study's, or patient's), -1 for none. */
  sameSeries: number[];
  /** Series UID → its last series. */
  bySeries: Map<string, number>;
}

function emptyLone(): LoneSeries {
  return { study: [], series: [], patient: [], batch: [], row: [], sameSeries: [], bySeries: new Map() };
}

/**
 * Streaming reducer: feed instance rows with `add` (any number, any order), then `finish`.
 * Memory grows with the number of series and distinct values, not with the number of rows.
 */
export class SeriesReducer {
  /** The series so far, by id (key cells joined); see `groups`. */
  private readonly byId = new Map<string, SeriesAccumulator>();
  /**
   * One-row series of stored batches that have no id, key object or accumulator yet (a series
   * table's): `finish` sorts and builds them from these columns. Ids and accumulators are made
   * for them (`adoptLone`) as soon as anything else needs `groups`: a repeated series, rows added
   * one by one, another thread's state. A key string and Map entry per series was most of
   * `addBatch` and a third of `finish` on a 60K-series table.
   */
  private lone: LoneSeries = emptyLone();
  /** Columns in the order first seen (key and dropped columns excluded). */
  readonly columnOrder = new Map<string, number>();
  private readonly keyColumns: readonly string[];
  private readonly drop: ReadonlySet<string>;
  private blankKeys = 0;
  private readonly reader = new CellReader();
  /** Batches of `addBatch` whose rows are one-row series so far (undefined once released). */
  private readonly stored: (ColumnBatch | undefined)[] = [];
  /** Whether some series had more than one row: later batches then come in as rows. */
  private multiRow = false;
  /** See `codedColumns`. */
  private coded: Map<string, CodedCells> | undefined;

  constructor(readonly options: ReduceOptions = {}) {
    this.keyColumns = options.level === 'study' ? ['study_uid'] : ['study_uid', 'series_uid'];
    this.drop = new Set(options.dropColumns ?? ['file_path']);
  }

  /** The series so far, by id (key cells joined). */
  get groups(): Map<string, SeriesAccumulator> {
    if (this.lone.study.length > 0) this.adoptLone();
    return this.byId;
  }

  get seriesCount(): number {
    return this.byId.size + this.lone.study.length;
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

  /**
   * `addRows` for a column batch. While every series has one row (a series table), the batch is
   * kept as it is and `finish` reads its columns straight into the series rows: no row object per
   * input row, no keyed reads of them (a third of reading a 60K-series parquet table). Once a
   * series has a second row (an instance table), kept rows become row objects, as `addRows` holds
   * them, and later batches are added as rows.
   */
  addBatch(batch: ColumnBatch): void {
    // Study level, an instance table, or a batch without both key columns (every row blank): as rows.
    if (this.multiRow || this.keyColumns.length !== 2 || !batch.columns.includes('study_uid') || !batch.columns.includes('series_uid')) {
      this.addRows(batchRows(batch), batch.columns);
      return;
    }
    const keys = new Set(batch.columns.includes('patient_id') ? [...this.keyColumns, 'patient_id'] : this.keyColumns);
    for (const column of batch.columns) {
      if (batch.length > 0 && !keys.has(column) && !this.drop.has(column) && !this.columnOrder.has(column)) this.columnOrder.set(column, this.columnOrder.size);
    }
    const at = this.stored.length;
    this.stored.push(batch);
    const study = batch.data[batch.columns.indexOf('study_uid')]!;
    const series = batch.data[batch.columns.indexOf('series_uid')]!;
    const patientColumn = batch.columns.indexOf('patient_id');
    const patient = patientColumn >= 0 ? batch.data[patientColumn]! : undefined;
    // Only while every series so far is lone: `groups` keeps the order series were first seen.
    const first = this.byId.size === 0 ? this.addLone(at, study, series, patient, batch.length) : 0;
    for (let r = first; r < batch.length; r++) {
      const keyed = this.keyOfCells(study[r] ?? null, series[r] ?? null, patient ? (patient[r] ?? null) : undefined);
      if (!keyed) continue;
      const group = this.groups.get(keyed.id);
      if (!group) {
        // No containers of its own until it gets a second row (materialize): two Maps and an
        // array per series were a third of the memory read (and collected) of a series table.
        this.groups.set(keyed.id, {
          key: keyed.key,
          rows: 1,
          single: undefined,
          storedBatch: at,
          storedRow: r,
          uniques: NO_UNIQUES,
          means: NO_MEANS,
          fileCounts: NO_FILE_COUNTS,
          extraFrames: 0,
        });
        continue;
      }
      this.multiRow = true;
      this.materialize(group);
      group.rows += 1;
      this.accumulate(group, this.storedRowObject(batch, r));
    }
    if (this.multiRow) this.releaseStored();
  }

  /** Row `r` of a stored batch as `batchRows` makes it. */
  private storedRowObject(batch: ColumnBatch, r: number): Row {
    return batchRows({ columns: batch.columns, data: batch.data.map((cells) => cells.slice(r, r + 1)), length: 1 })[0]!;
  }

  /** A one-row series' row, whether held as a row or in a stored batch (undefined when it has more rows). */
  singleRow(group: SeriesAccumulator): Row | undefined {
    return group.storedBatch >= 0 ? this.storedRowObject(this.stored[group.storedBatch]!, group.storedRow) : group.single;
  }

  /**
   * A stored batch's rows as lone series, from row 0 on; returns the row it stopped at (the
   * batch's length when all were taken, or a row `addBatch` must add as before: its series was
   * seen already, or a key cell holds the separator of ids, which makes ids compare otherwise
   * than their cells). Blank keys are counted as `keyOfCells` counts them.
   */
  private addLone(at: number, study: readonly Cell[], series: readonly Cell[], patient: readonly Cell[] | undefined, length: number): number {
    const lone = this.lone;
    for (let r = 0; r < length; r++) {
      const studyUid = normalizeForReduction(study[r] ?? null);
      const seriesUid = studyUid === MISSING ? MISSING : normalizeForReduction(series[r] ?? null);
      if (seriesUid === MISSING) {
        this.blankKeys += 1;
        continue;
      }
      const patientId = patient ? normalizeForReduction(patient[r] ?? null) : undefined;
      if (studyUid.includes('\u0000') || seriesUid.includes('\u0000') || patientId?.includes('\u0000')) {
        this.adoptLone();
        return r;
      }
      const before = lone.bySeries.get(seriesUid);
      for (let other = before ?? -1; other >= 0; other = lone.sameSeries[other]!) {
        if (lone.study[other] === studyUid && lone.patient[other] === patientId) {
          this.adoptLone();
          return r;
        }
      }
      lone.bySeries.set(seriesUid, lone.study.length);
      lone.sameSeries.push(before ?? -1);
      lone.study.push(studyUid);
      lone.series.push(seriesUid);
      lone.patient.push(patientId);
      lone.batch.push(at);
      lone.row.push(r);
    }
    return length;
  }

  /** Lone series get ids, keys and (shared, empty) accumulators in `groups`, in the order they came. */
  private adoptLone(): void {
    const { study, series, patient, batch, row } = this.lone;
    for (let i = 0; i < study.length; i++) {
      const p = patient[i];
      const key: Row = p === undefined ? { study_uid: study[i]!, series_uid: series[i]! } : { study_uid: study[i]!, series_uid: series[i]!, patient_id: p };
      const id = p === undefined ? `${study[i]}\u0000${series[i]}` : `${study[i]}\u0000${series[i]}\u0000${p}`;
      this.byId.set(id, {
        key,
        rows: 1,
        single: undefined,
        storedBatch: batch[i]!,
        storedRow: row[i]!,
        uniques: NO_UNIQUES,
        means: NO_MEANS,
        fileCounts: NO_FILE_COUNTS,
        extraFrames: 0,
      });
    }
    this.lone = emptyLone();
  }

  /** Kept batches' one-row series become row objects (`single`), as `addRows` keeps them. */
  private releaseStored(): void {
    for (const group of this.groups.values()) {
      if (group.storedBatch < 0) continue;
      group.single = this.storedRowObject(this.stored[group.storedBatch]!, group.storedRow);
      group.storedBatch = -1;
      ownContainers(group);
    }
    this.stored.fill(undefined);
  }

  private addRow(row: Row, register: boolean): void {
    const keyed = this.keyOf(row);
    if (!keyed) return;
    const { id, key } = keyed;
    let group = this.groups.get(id);
    if (!group) {
      group = { key, rows: 1, single: row, storedBatch: -1, storedRow: 0, uniques: new Map(), means: new Map(), fileCounts: [], extraFrames: 0 };
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

  /** `keyOf` at series level from the key cells (`patient` undefined: the table has no patient_id). */
  private keyOfCells(study: Cell, series: Cell, patient: Cell | undefined): { id: string; key: Row } | undefined {
    const studyUid = normalizeForReduction(study);
    const seriesUid = studyUid === MISSING ? MISSING : normalizeForReduction(series);
    if (seriesUid === MISSING) {
      this.blankKeys += 1;
      return undefined;
    }
    if (patient === undefined) return { id: `${studyUid}\u0000${seriesUid}`, key: { study_uid: studyUid, series_uid: seriesUid } };
    const patientId = normalizeForReduction(patient);
    return { id: `${studyUid}\u0000${seriesUid}\u0000${patientId}`, key: { study_uid: studyUid, series_uid: seriesUid, patient_id: patientId } };
  }

  /** The series `id`, created empty (no rows yet) when new. */
  groupOf(id: string, key: Row): SeriesAccumulator {
    let group = this.groups.get(id);
    if (!group) {
      group = { key, rows: 0, single: undefined, storedBatch: -1, storedRow: 0, uniques: new Map(), means: new Map(), fileCounts: [], extraFrames: 0 };
      this.groups.set(id, group);
    }
    return group;
  }

  /** A one-row group's row, accumulated now that more is coming. */
  materialize(group: SeriesAccumulator): void {
    if (group.storedBatch >= 0) {
      const batch = this.stored[group.storedBatch]!;
      group.storedBatch = -1;
      ownContainers(group);
      this.accumulate(group, this.storedRowObject(batch, group.storedRow));
      return;
    }
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

  /**
   * After `finish`: the columns of its rows that came from dictionary columns of a table
   * (`ColumnBatch.dictionary`) as codes, row by row (those rows, that order), made from the
   * dictionaries (a code per value), not the cells: a featurizer need not code them again.
   */
  codedColumns(): ReadonlyMap<string, CodedCells> {
    return this.coded ?? new Map();
  }

  /** The reduced rows, sorted by key; each has every column any input row had. */
  finish(): SeriesRow[] {
    return this.byId.size === 0 && this.lone.study.length > 0 ? this.finishLone() : this.finishWhere().rows;
  }

  /**
   * `finish` for the series `keep` accepts (all when not given), with their ids: the same rows,
   * in the same order, as `finish` gives for them (parts of a split input finish the series no
   * other part has themselves, in parallel).
   */
  finishWhere(keep?: (id: string) => boolean): { ids: string[]; rows: SeriesRow[] } {
    const result: SeriesRow[] = [];
    const ids = [...this.groups.keys()].filter((id) => !keep || keep(id)).sort();
    const shapeOf = this.rowShapes();
    // Rows of stored batches, built column by column after the loop, by key shape.
    const runs: (StoredRun | undefined)[] = [undefined, undefined];
    for (const id of ids) {
      const group = this.groups.get(id)!;
      const withPatient = 'patient_id' in group.key ? 1 : 0;
      const shape = shapeOf(withPatient === 1);
      const { template, cells } = shape;
      if (group.storedBatch >= 0) {
        const run = (runs[withPatient] ??= storedRun(shape));
        run.at.push(result.length);
        run.batch.push(group.storedBatch);
        run.row.push(group.storedRow);
        for (const column of shape.keyNames) run.keys.get(column)!.push(group.key[column]!);
        result.push(template as SeriesRow); // replaced by passThroughColumns
        continue;
      }
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
    for (const run of runs) if (run) this.passThroughColumns(run, result);
    return { ids, rows: result };
  }

  /**
   * `finish` when every series is lone: sorted by their key cells (the order of their ids, which
   * join them with a character below any other, see `addLone`), no id made.
   */
  private finishLone(): SeriesRow[] {
    const { study, series, patient, batch, row } = this.lone;
    const n = study.length;
    const before = (a: number, b: number): number => {
      if (study[a] !== study[b]) return study[a]! < study[b]! ? -1 : 1;
      if (series[a] !== series[b]) return series[a]! < series[b]! ? -1 : 1;
      const pa = patient[a];
      const pb = patient[b];
      if (pa === pb) return 0;
      if (pa === undefined || pb === undefined) return pa === undefined ? -1 : 1;
      return pa < pb ? -1 : 1;
    };
    const order = Array.from({ length: n }, (_, i) => i);
    // A series table written by a reducer is in key order already: checked in one pass.
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = before(i - 1, i) < 0;
    if (!sorted) order.sort(before);
    const shapeOf = this.rowShapes();
    const runs: (StoredRun | undefined)[] = [undefined, undefined];
    const result = new Array<SeriesRow>(n);
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      const withPatient = patient[i] === undefined ? 0 : 1;
      const run = (runs[withPatient] ??= storedRun(shapeOf(withPatient === 1)));
      run.at.push(k);
      run.batch.push(batch[i]!);
      run.row.push(row[i]!);
      run.keys.get('study_uid')!.push(study[i]!);
      run.keys.get('series_uid')!.push(series[i]!);
      if (withPatient) run.keys.get('patient_id')!.push(patient[i]!);
    }
    // One run covers every row in result order: its dictionary columns' codes are the rows'.
    const whole = runs.filter((run) => run !== undefined).length === 1;
    const codes = whole ? new Map<string, Omit<CodedCells, 'rows'>>() : undefined;
    for (const run of runs) if (run) this.passThroughColumns(run, result, codes);
    if (codes) {
      // Tied to these row objects in this order (a copy: a later sort of `result` in place does not move it).
      const rows: readonly Row[] = Object.freeze(result.slice());
      this.coded = new Map([...codes].map(([column, coded]) => [column, { ...coded, rows }]));
    }
    return result;
  }

  /**
   * The output row shape of series with or without patient_id: key columns (built in one order,
   * key columns then patient_id), columns, number_of_images, trailing columns.
   */
  private rowShapes(): (withPatient: boolean) => RowShape {
    const columns = [...this.columnOrder.keys()].sort((a, b) => columnRank(a, this.columnOrder) - columnRank(b, this.columnOrder));
    const shapes: (RowShape | undefined)[] = [undefined, undefined];
    return (withPatient) => {
      const known = shapes[withPatient ? 1 : 0];
      if (known) return known;
      const keyNames = withPatient ? [...this.keyColumns, 'patient_id'] : [...this.keyColumns];
      const cells = columns.filter(
        (column) => !keyNames.includes(column) && column !== 'number_of_images' && (this.keyColumns.length > 1 || column !== 'series_uid'),
      );
      const series = this.keyColumns.length === 1 ? ['series_uid'] : [];
      const own = [...keyNames, ...series, ...cells, 'number_of_images'];
      const names = [...own, ...(this.options.trailingColumns ?? []).filter((column) => !own.includes(column))];
      const template = rowTemplate(names) as Row;
      for (const column of names.slice(own.length)) template[column] = MISSING;
      return (shapes[withPatient ? 1 : 0] = { template, keyNames, cells, factory: rowFactory(names) });
    };
  }

  /**
   * `passThrough` for rows of stored batches, a column at a time (one cell conversion for every
   * row), then each row built at once from the converted columns by `rowFactory` (no keyed store).
   */
  private passThroughColumns(run: StoredRun, result: Row[], coded?: Map<string, Omit<CodedCells, 'rows'>>): void {
    const { shape } = run;
    const n = run.at.length;
    // Each row's batch (as an index into `batches`) and row in it.
    const batches: ColumnBatch[] = [];
    const batchIndex = new Int32Array(this.stored.length).fill(-1);
    const batchOf = new Int32Array(n);
    const rowIn = Int32Array.from(run.row);
    for (let i = 0; i < n; i++) {
      const stored = run.batch[i]!;
      if (batchIndex[stored] === -1) batchIndex[stored] = batches.push(this.stored[stored]!) - 1;
      batchOf[i] = batchIndex[stored]!;
    }
    /**
     * Every row's cell of `column` (null where its batch has the column but no value, undefined
     * where it lacks it) through `convert`, in one pass; a text cell equal to the row before's
     * is not converted again (neighbouring series share many cells: 40 % of a 60K table's).
     */
    const cellsOf = <T extends Cell | undefined>(column: string, convert: (cell: Cell | undefined) => T, output = false): T[] => {
      const at = batches.map((batch) => batch.columns.indexOf(column));
      // Dictionary columns: each value converted once (and null once), then placed by index; with
      // `coded`, each converted value coded once too (codes in order of first row, as Map keys
      // compare cells).
      const dictionary = batches.map((batch, b) => (at[b]! < 0 ? undefined : batch.dictionary?.[at[b]!]));
      if (dictionary.every((column) => column !== undefined)) {
        const converted = dictionary.map(({ values }) => values.map(convert));
        const convertedNull = convert(null);
        const cells = new Array<T>(n);
        if (!coded || !output) {
          for (let i = 0; i < n; i++) {
            const k = dictionary[batchOf[i]!]!.indexes[rowIn[i]!]!;
            cells[i] = k < 0 ? convertedNull : converted[batchOf[i]!]![k]!;
          }
          return cells;
        }
        // Per batch, dictionary index + 1 (0: null) → code, -1 until met.
        const codeOf = dictionary.map(({ values }) => new Int32Array(values.length + 1).fill(-1));
        const codes = new Int32Array(n);
        const distinct: T[] = [];
        const ids = new Map<T, number>();
        for (let i = 0; i < n; i++) {
          const b = batchOf[i]!;
          const k = dictionary[b]!.indexes[rowIn[i]!]!;
          const cell = k < 0 ? convertedNull : converted[b]![k]!;
          let code = codeOf[b]![k + 1]!;
          if (code < 0) {
            code = ids.get(cell) ?? -1;
            if (code < 0) {
              code = distinct.length;
              distinct.push(cell);
              ids.set(cell, code);
            }
            codeOf[b]![k + 1] = code;
          }
          codes[i] = code;
          cells[i] = cell;
        }
        coded.set(column, { codes, cells: distinct });
        return cells;
      }
      const data = batches.map((batch, b) => (at[b]! < 0 ? undefined : batch.data[at[b]!]!));
      const cells = new Array<T>(n);
      let previous: Cell | undefined;
      let converted: T | undefined;
      for (let i = 0; i < n; i++) {
        const source = data[batchOf[i]!];
        const cell = source === undefined ? undefined : (source[rowIn[i]!] ?? null);
        // Text only: 0 and −0 are === but may convert apart.
        if (i === 0 || cell !== previous || typeof cell !== 'string') {
          converted = convert(cell);
          previous = cell;
        }
        cells[i] = converted!;
      }
      return cells;
    };
    const asIs = (cell: Cell | undefined) => cell;
    const columns = Object.keys(shape.template);
    const data = columns.map((column): (Cell | undefined)[] => {
      const keyCells = run.keys.get(column);
      if (keyCells) return keyCells;
      if (column === 'number_of_images') {
        const frames = cellsOf(FRAMES, asIs);
        return cellsOf(column, asIs).map((cell, i) => passedImageCount(cell, frames[i]));
      }
      if (!shape.cells.includes(column)) return new Array<Cell>(n).fill(shape.template[column]!); // a trailing column
      if (IMAGE_COLUMNS.has(column)) return cellsOf(column, passedImageCell, true);
      return cellsOf(column, memoized(PER_FRAME_VALUES.has(column) ? passedPerFrameCell : normalizeForReduction), true);
    });
    const build = shape.factory;
    for (let i = 0; i < n; i++) {
      let row: Row;
      if (build) row = build(data, i);
      else {
        row = newRow(shape.template);
        for (let c = 0; c < columns.length; c++) row[columns[c]!] = data[c]![i]!;
      }
      result[run.at[i]!] = row;
    }
  }

  /** What `finish` makes of a group of one row (the same cells as accumulating it would give), into `row`. */
  private passThrough(row: Row, single: Row, cells: readonly string[]): void {
    if (this.keyColumns.length === 1) row.series_uid = normalizeForReduction(single.series_uid);
    const values = this.reader.read(single, cells);
    for (let c = 0; c < cells.length; c++) {
      const column = cells[c]!;
      const cell = values[c];
      row[column] = IMAGE_COLUMNS.has(column) ? passedImageCell(cell) : PER_FRAME_VALUES.has(column) ? passedPerFrameCell(cell) : normalizeForReduction(cell);
    }
    row.number_of_images = passedImageCount(single.number_of_images, single[FRAMES]);
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

/** Cells a column's memo holds at most: a column of all-distinct cells stops paying for it. */
const MEMO_CELLS = 4096;

/**
 * `convert` remembering its answer per cell: a column's cells repeat (a table's dictionary
 * pages give the same string object each time, whose hash V8 keeps), and normalizing a text
 * cell costs a scan of its characters.
 */
function memoized(convert: (cell: Cell | undefined) => string): (cell: Cell | undefined) => string {
  const known = new Map<Cell | undefined, string>();
  return (cell) => {
    let value = known.get(cell);
    if (value === undefined) {
      value = convert(cell);
      if (known.size < MEMO_CELLS) known.set(cell, value);
    }
    return value;
  };
}

/** Reduces a whole set of instance rows; see `SeriesReducer` for streaming. */
export function reduceToSeries(rows: Iterable<Row>, options: ReduceOptions = {}): SeriesRow[] {
  const reducer = new SeriesReducer(options);
  for (const row of rows) reducer.add(row);
  return reducer.finish();
}
