/**
 * Prediction inputs as rows at the level asked for. Tables (per instance or per series) and DICOM
 * folders honour the same options: a column map applied before reduction (so renamed key columns
 * group correctly), the shard applied to instance rows before reduction (a series is in exactly one
 * shard), and `instance`, `series` or `study` rows out.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MISSING, MscError, STUDY_CONTEXT_COLUMN_NAMES, inShard, type CodedCells, type Row, type Shard } from '@msc/core';
import { SeriesReducer, assertReducible, isTablePath, normalizeColumnName, readSeriesTable, readTableAll, readTableColumns } from '@msc/tables';
import type { SkippedFile } from '@msc/extract';
import { MAX_STUDY_SERIES, addStudyContext } from '@msc/features';

export type PredictionLevel = 'series' | 'study' | 'instance';

export interface ReadInputsOptions {
  /** One row per series (default), per study, or per instance. */
  level?: PredictionLevel;
  /** Input column → column name MSC knows (`StudyInstanceUID` → `study_uid`). */
  columnMap?: ReadonlyMap<string, string>;
  /** The only columns prediction reads (models' features, rules, keys); all when undefined. */
  columns?: readonly string[];
  shard?: Shard;
  /** Folder levels to descend below a DICOM input (default: unlimited). */
  dicomRecursion?: number;
}

export interface PredictionInputs {
  rows: Row[];
  /** Files of DICOM inputs that gave no row, with the reason. */
  skipped: SkippedFile[];
  /** Columns the inputs have (after the column map; only those read when `columns` is given). */
  columns: Set<string>;
  /** What the user should know: rows left out, a column map naming no input column, no study context. */
  warnings: string[];
  /** Whether series rows were given study context (series level, rows with study_uid). */
  studyContext: boolean;
  /** Columns of `rows` as codes (a parquet table's dictionary columns, see SeriesTable.coded); empty when none. */
  coded: ReadonlyMap<string, CodedCells>;
}

/** `old:new` pairs → a map of normalised column names; E_USAGE for a malformed pair. */
export function parseColumnMap(pairs: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of pairs) {
    const [from, to, ...rest] = pair.split(':');
    if (!from?.trim() || !to?.trim() || rest.length > 0)
      throw new MscError('E_USAGE', `--column-map takes old:new, not '${pair}'`, { hint: '--column-map SeriesDescription:series_description' });
    map.set(normalizeColumnName(from), normalizeColumnName(to));
  }
  return map;
}

/** A key cell as the shard hash sees it (the text written to the output). */
function keyText(cell: Row[string] | undefined): string {
  return cell === null || cell === undefined ? '-' : String(cell);
}

function rename(row: Row, columnMap: ReadonlyMap<string, string>): Row {
  if (columnMap.size === 0) return row;
  const renamed: Row = {};
  for (const [column, value] of Object.entries(row)) renamed[columnMap.get(column) ?? column] = value;
  return renamed;
}

/** Collects instance rows and gives them back at the level asked for. */
class LevelSink {
  private readonly reducer: SeriesReducer | undefined;
  private readonly instances: Row[] = [];

  constructor(
    level: PredictionLevel,
    private readonly shard: Shard | undefined,
  ) {
    this.reducer = level === 'instance' ? undefined : new SeriesReducer({ level });
  }

  get blankKeyRows(): number {
    return this.reducer?.blankKeyRows ?? 0;
  }

  add(row: Row): void {
    if (!inShard(this.shard, keyText(row.study_uid), keyText(row.series_uid))) return;
    if (this.reducer) this.reducer.add(row);
    else this.instances.push(row);
  }

  finish(): Row[] {
    return this.reducer ? this.reducer.finish() : this.instances;
  }
}

async function isFolderOrDicomFile(path: string): Promise<boolean> {
  try {
    await stat(path);
    return !isTablePath(path);
  } catch {
    throw new MscError('E_INPUT_NOT_FOUND', `no such file or folder: ${path}`, { path, hint: 'give a DICOM folder or a feature table' });
  }
}

/** Every input's rows, one input after another (an input given twice is read once). */
export async function readPredictionInputs(inputs: readonly string[], options: ReadInputsOptions = {}): Promise<PredictionInputs> {
  const level = options.level ?? 'series';
  // Series get study context from all their study's series: the shard is applied after it.
  const studyShard = level === 'series' ? options.shard : undefined;
  if (studyShard) options = { ...options, shard: undefined };
  const columnMap = options.columnMap ?? new Map<string, string>();
  const rows: Row[] = [];
  const skipped: SkippedFile[] = [];
  const columns = new Set<string>();
  const sourceColumns = new Set<string>();
  let blankKeyRows = 0;
  // The coded columns of the one input read, while its rows are all the rows.
  let coded: ReadonlyMap<string, CodedCells> = new Map();
  // A loop, not push(...found): spreading millions of (instance) rows overflows the call stack.
  const keep = (found: TableRows) => {
    coded = rows.length === 0 && found.coded ? found.coded : new Map();
    for (const row of found.rows) rows.push(row);
    for (const column of found.sourceColumns) {
      sourceColumns.add(column);
      columns.add(columnMap.get(column) ?? column);
    }
    blankKeyRows += found.blankKeyRows;
  };
  const seen = new Set<string>();
  for (const input of inputs) {
    if (seen.has(resolve(input))) continue;
    seen.add(resolve(input));
    if (!(await isFolderOrDicomFile(input))) {
      keep(await tableRows(input, level, columnMap, options));
      continue;
    }
    // Loaded for DICOM inputs only: tables need none of it.
    const { extractRows } = await import('@msc/extract');
    const extracted = await extractRows([input], {
      level,
      mapRow: (row) => rename(row, columnMap),
      keepRow: (row) => inShard(options.shard, keyText(row.study_uid), keyText(row.series_uid)),
      ...(options.dicomRecursion !== undefined ? { maxDepth: options.dicomRecursion } : {}),
    });
    skipped.push(...extracted.skipped);
    if (extracted.instances === 0)
      throw new MscError('E_BAD_DATA', `no DICOM image series found in ${input}`, { path: input, hint: 'give a DICOM folder or a feature table' });
    keep({ rows: extracted.rows, sourceColumns: extracted.instanceColumns, blankKeyRows: extracted.blankKeyRows });
  }
  const warnings: string[] = [];
  let studyContext = false;
  let result = rows;
  if (level === 'series') {
    // The rows are this function's own (read or extracted above): written in place where they can be.
    const context = addStudyContext(rows, { inPlace: true });
    studyContext = context.studyContext;
    if (studyContext) for (const column of STUDY_CONTEXT_COLUMN_NAMES) columns.add(column);
    result = studyShard ? context.rows.filter((row) => inShard(studyShard, keyText(row.study_uid), keyText(row.series_uid))) : context.rows;
    // Study context writes its columns, and a shard keeps some rows: codes made before no longer hold.
    coded = studyShard ? new Map() : withoutColumns(coded, STUDY_CONTEXT_COLUMN_NAMES);
    if (!studyContext && rows.length > 0) warnings.push('no study context: series classified alone (the input has no study_uid)');
    if (context.cappedStudies > 0)
      warnings.push(`${context.cappedStudies} studies have more than ${MAX_STUDY_SERIES} series: their series got no study context beyond study_series_count`);
  }
  if (blankKeyRows > 0) warnings.push(`${blankKeyRows} input rows have no study_uid or series_uid (empty or -); left out`);
  for (const [from, to] of columnMap) if (!sourceColumns.has(from)) warnings.push(`--column-map ${from}:${to}: no input has a column "${from}"`);
  return { rows: result, skipped, columns, warnings, studyContext, coded };
}

function withoutColumns(coded: ReadonlyMap<string, CodedCells>, columns: readonly string[]): ReadonlyMap<string, CodedCells> {
  return columns.some((column) => coded.has(column)) ? new Map([...coded].filter(([column]) => !columns.includes(column))) : coded;
}

interface TableRows {
  rows: Row[];
  /** The input's columns before the column map. */
  sourceColumns: readonly string[];
  blankKeyRows: number;
  /** Columns of `rows` as codes (SeriesTable.coded). */
  coded?: ReadonlyMap<string, CodedCells>;
}

/** The table's columns (its first batch's), after the column map. */
async function tableColumns(path: string, columnMap: ReadonlyMap<string, string>): Promise<string[]> {
  return (await readTableColumns(path)).map((column) => columnMap.get(column) ?? column);
}

/**
 * Series rows of a table that has series_uid but no study_uid: rows are grouped by series alone
 * and keep study_uid missing, so study context (which needs the study) is left out, not made up.
 */
async function rowsWithoutStudy(path: string, columnMap: ReadonlyMap<string, string>): Promise<TableRows> {
  const table = await readTableAll(path);
  const sink = new LevelSink('series', undefined);
  for (const row of table.rows) {
    const renamed = rename(row, columnMap);
    sink.add({ ...renamed, study_uid: renamed.series_uid ?? null });
  }
  const rows = sink.finish().map((row) => ({ ...row, study_uid: MISSING }));
  return { rows, sourceColumns: table.columns, blankKeyRows: sink.blankKeyRows };
}

async function tableRows(path: string, level: PredictionLevel, columnMap: ReadonlyMap<string, string>, options: ReadInputsOptions): Promise<TableRows> {
  if (level === 'series') {
    const columns = await tableColumns(path, columnMap);
    if (columns.includes('series_uid') && !columns.includes('study_uid')) return rowsWithoutStudy(path, columnMap);
  }
  if (level === 'series' && columnMap.size === 0) {
    // Rows made with the study context columns at their end: study context then fills them in, no copy.
    const table = await readSeriesTable(path, { trailingColumns: STUDY_CONTEXT_COLUMN_NAMES, ...(options.columns ? { columns: options.columns } : {}) });
    if (options.shard) {
      const rows = table.rows.filter((row) => inShard(options.shard, keyText(row.study_uid), keyText(row.series_uid)));
      return { rows, sourceColumns: table.columns, blankKeyRows: table.blankKeyRows };
    }
    return { rows: table.rows, sourceColumns: table.columns, blankKeyRows: table.blankKeyRows, coded: table.coded };
  }
  const table = await readTableAll(path);
  assertReducible(
    table.columns.map((column) => columnMap.get(column) ?? column),
    path,
  );
  const sink = new LevelSink(level, options.shard);
  for (const row of table.rows) sink.add(rename(row, columnMap));
  return { rows: sink.finish(), sourceColumns: table.columns, blankKeyRows: sink.blankKeyRows };
}
