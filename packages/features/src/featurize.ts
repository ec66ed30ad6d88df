/**
 * Rows → feature matrix, the single code path for training and prediction:
 * `fitFeaturizer` learns a FeatureSpec from training rows (vocabulary with a minimum document
 * frequency, constant features dropped); `transform` applies it to any rows.
 * Column roles come from the tag table; a column absent from the rows reads as missing.
 */
import { type Cell, type CodedCells, cleanValue, columnSpec, MscError, NUMERIC_COLUMNS, NUMERIC_MULTI_COLUMNS, type Row, TEXT_COLUMNS } from '@msc/core';
import { derivedDefinition } from './derived.js';
import { type CellReader, EVIDENCE_DEFINITIONS, evidenceCell, type EvidenceCell, evidenceDefinition } from './evidence.js';
import { createFeatureMatrix, type FeatureMatrix } from './matrix.js';
import { mergeRows } from './merge-rows.js';
import { cellNumbers, MULTI_STATS, multiValueStats, singleNumber, statsOf } from './numeric.js';
import { FEATURE_SPEC_VERSION, type FeatureRef, type FeatureSpec } from './spec.js';
import { textTerms } from './tokenize.js';
import { hasUnitRule, numbersInMilliseconds } from './units.js';

export interface FeaturizerOptions {
  /** Use only these columns (the original's --include-cols). */
  include?: readonly string[];
  /** Leave these columns out (--exclude-cols). */
  exclude?: readonly string[];
  /** Keep a term found in at least this fraction of rows (< 1) or this many rows (≥ 1); default 0.01. */
  minDocFreq?: number;
  /** Longest word n-gram; default 5. */
  maxNgram?: number;
  /** Add the derived features of derived.ts for the selected columns and the evidence features of evidence.ts; default true. */
  derived?: boolean;
}

const FEATURE_COLUMNS: readonly string[] = [...TEXT_COLUMNS, ...NUMERIC_MULTI_COLUMNS, ...NUMERIC_COLUMNS];

/** Feature columns after include/exclude; unknown names are a usage error. */
export function selectFeatureColumns(options: Pick<FeaturizerOptions, 'include' | 'exclude'> = {}): string[] {
  for (const name of [...(options.include ?? []), ...(options.exclude ?? [])]) {
    if (!columnSpec(name)) {
      throw new MscError('E_USAGE', `unknown column "${name}"`, { hint: 'column names are those of the feature table (e.g. series_description)' });
    }
  }
  const include = options.include && options.include.length > 0 ? new Set(options.include) : undefined;
  const exclude = new Set(options.exclude ?? []);
  return FEATURE_COLUMNS.filter((c) => (!include || include.has(c)) && !exclude.has(c));
}

export function fitFeaturizer(rows: readonly Row[], options: FeaturizerOptions = {}): FeatureSpec {
  if (rows.length === 0) throw new MscError('E_BAD_DATA', 'cannot fit features on an empty table');
  const maxNgram = options.maxNgram ?? 5;
  const minDf = options.minDocFreq ?? 0.01;
  const minDocs = minDf < 1 ? Math.max(1, Math.ceil(minDf * rows.length)) : minDf;
  const columns = selectFeatureColumns(options);
  const roles = new Map(columns.map((c) => [c, columnSpec(c)!.role]));

  const candidates: FeatureRef[] = [];
  for (const column of columns) {
    const role = roles.get(column);
    if (role === 'text') {
      const df = new Map<string, number>();
      for (const row of rows) {
        for (const term of textTerms(String(cleanValue(column, row[column])), maxNgram)) df.set(term, (df.get(term) ?? 0) + 1);
      }
      // sorted: the spec (and so the model bytes) do not depend on row order
      const kept = [...df]
        .filter(([, n]) => n >= minDocs)
        .map(([term]) => term)
        .sort();
      for (const term of kept) candidates.push({ kind: 'term', column, term });
    } else if (role === 'numeric-multi') {
      for (const stat of MULTI_STATS) candidates.push({ kind: 'multi', column, stat });
    } else {
      candidates.push({ kind: 'numeric', column });
    }
    const derived = options.derived === false ? undefined : derivedDefinition(column);
    if (derived) for (const name of derived.names) candidates.push({ kind: 'derived', column, name });
  }

  if (options.derived !== false) {
    // Evidence inputs obey include/exclude for declared columns; columns the tag table does not
    // declare (yet) are read by name, as missing when a table lacks them.
    const include = options.include && options.include.length > 0 ? new Set(options.include) : undefined;
    const exclude = new Set(options.exclude ?? []);
    const selected = (column: string) => !exclude.has(column) && (!include || include.has(column));
    for (const definition of EVIDENCE_DEFINITIONS) {
      const inputs = definition.inputs.filter(selected);
      if (inputs.length === 0) continue;
      for (const name of definition.names) candidates.push({ kind: 'derived', column: definition.name, name, inputs });
    }
  }

  const draft: FeatureSpec = { version: FEATURE_SPEC_VERSION, maxNgram, columns, features: candidates };
  const m = transform(rows, draft);
  const features = candidates.filter((_, c) => !isConstant(m, c));
  return { ...draft, features };
}

function isConstant(m: FeatureMatrix, col: number): boolean {
  const first = m.data[col]!;
  for (let r = 1; r < m.nRows; r++) {
    const v = m.data[r * m.nCols + col]!;
    if (v !== first && !(Number.isNaN(v) && Number.isNaN(first))) return false;
  }
  return true;
}

/** A column's cells as codes: `codes[r]` indexes `cells`, the column's distinct cells in order of first appearance. */
type CodedColumn = Pick<CodedCells, 'codes' | 'cells'>;

/**
 * A caller's coded column when it codes these very rows: `rows` are the row objects it was made
 * for, in its order (so no filter, reorder or copy of the rows came in between), and the first
 * and last rows' cells are its cells for them (as Map keys compare); else undefined, and the
 * column is coded here. `sameRows` remembers the check for the columns that share a rows array.
 */
function givenCodes(rows: readonly Row[], column: string, given: CodedCells | undefined, sameRows: (coded: readonly Row[]) => boolean): CodedCells | undefined {
  if (!given || given.codes.length !== rows.length || !sameRows(given.rows)) return undefined;
  const n = rows.length;
  const same = (r: number) => {
    const a = rows[r]![column];
    const b = given.cells[given.codes[r]!];
    return a === b || (a !== a && b !== b);
  };
  return n === 0 || (same(0) && same(n - 1)) ? given : undefined;
}

/** `sameRows` of `givenCodes`: whether `coded` holds the row objects of `rows` in their order, each array compared once. */
function sameRowsAs(rows: readonly Row[]): (coded: readonly Row[]) => boolean {
  const checked = new Map<readonly Row[], boolean>();
  return (coded) => {
    let same = checked.get(coded);
    if (same === undefined) {
      same = coded.length === rows.length;
      for (let r = 0; same && r < rows.length; r++) same = coded[r] === rows[r];
      checked.set(coded, same);
    }
    return same;
  };
}

/**
 * The rows' cells of each of `columns` (undefined where a row lacks one), read in one pass.
 * Reading `row[column]` column by column was a keyed load whose name changes at every column
 * (V8's slowest property read: ≈ 0.3 µs on 60K rows × 60 columns, the featurizer's largest cost);
 * for-in walks each row's own keys in order with fast field loads, and rows that share their
 * key order (every row of one table) share the key → column lookup.
 */
function cellsOf(rows: readonly Row[], columns: readonly string[]): (Cell | undefined)[][] {
  const columnIndex = new Map(columns.map((column, c) => [column, c]));
  const cells = columns.map(() => new Array<Cell | undefined>(rows.length).fill(undefined));
  let keys: string[] = [];
  let slots: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    let k = 0;
    for (const key in row) {
      if (key !== keys[k]) {
        keys = Object.keys(row);
        slots = keys.map((name) => columnIndex.get(name) ?? -1);
      }
      const slot = slots[k++]!;
      if (slot >= 0) cells[slot]![r] = row[key];
    }
  }
  return cells;
}

/**
 * Archives repeat their values (descriptions, image types, TE/TR) across many series: each
 * distinct cell of a column is tokenized or parsed once, then its outputs are copied to its rows.
 */
function codeColumn(column: readonly (Cell | undefined)[]): CodedColumn {
  const codes = new Int32Array(column.length);
  const cells: (Cell | undefined)[] = [];
  const ids = new Map<Cell | undefined, number>();
  let previous: Cell | undefined;
  let previousCode = -1;
  for (let r = 0; r < column.length; r++) {
    const cell = column[r];
    // Neighbouring rows often share a cell (a study's series, a table sorted by protocol).
    if (previousCode >= 0 && cell === previous) {
      codes[r] = previousCode;
      continue;
    }
    let code = ids.get(cell);
    if (code === undefined) {
      code = cells.length;
      cells.push(cell);
      ids.set(cell, code);
    }
    codes[r] = code;
    previous = cell;
    previousCode = code;
  }
  return { codes, cells };
}

/** Where a spec's features come from, grouped by source column; made once per spec. */
interface TransformPlan {
  terms: Map<string, Map<string, number>>;
  /** Per column: output index of count, sum, min, max, mean (-1 = not in the spec). */
  multi: Map<string, number[]>;
  numeric: Map<string, number>;
  /** Per column: output index of each of its definition's values (-1 = not in the spec). */
  derived: Map<string, { compute: (cell: Cell) => number[]; slots: number[] }>;
  /** Per evidence definition and input list: its inputs, compute and output slots. */
  evidence: { read: readonly string[]; compute: (read: CellReader) => number[]; slots: number[] }[];
}

const plans = new WeakMap<FeatureSpec, TransformPlan>();

function planOf(spec: FeatureSpec): TransformPlan {
  const known = plans.get(spec);
  if (known) return known;
  const terms = new Map<string, Map<string, number>>();
  const multi = new Map<string, number[]>();
  const numeric = new Map<string, number>();
  const derived = new Map<string, { compute: (cell: Cell) => number[]; slots: number[] }>();
  const evidence = new Map<string, { read: readonly string[]; compute: (read: CellReader) => number[]; slots: number[] }>();
  spec.features.forEach((ref, i) => {
    if (ref.kind === 'derived' && ref.inputs) {
      const definition = evidenceDefinition(ref.column);
      const at = definition ? definition.names.indexOf(ref.name) : -1;
      if (!definition || at < 0) throw new MscError('E_MODEL', `unknown evidence feature ${ref.column}:${ref.name}`);
      const key = `${ref.column}\u0000${ref.inputs.join('\u0000')}`;
      let entry = evidence.get(key);
      if (!entry) evidence.set(key, (entry = { read: [...new Set(ref.inputs)], compute: definition.compute, slots: definition.names.map(() => -1) }));
      entry.slots[at] = i;
      return;
    }
    if (ref.kind === 'term') {
      let columnTerms = terms.get(ref.column);
      if (!columnTerms) terms.set(ref.column, (columnTerms = new Map()));
      columnTerms.set(ref.term, i);
    } else if (ref.kind === 'multi') {
      let slots = multi.get(ref.column);
      if (!slots) multi.set(ref.column, (slots = [-1, -1, -1, -1, -1]));
      slots[MULTI_STATS.indexOf(ref.stat)] = i;
    } else if (ref.kind === 'derived') {
      const definition = derivedDefinition(ref.column);
      const at = definition ? definition.names.indexOf(ref.name) : -1;
      if (!definition || at < 0) throw new MscError('E_MODEL', `unknown derived feature ${ref.column}:${ref.name}`);
      let entry = derived.get(ref.column);
      if (!entry) derived.set(ref.column, (entry = { compute: definition.compute, slots: definition.names.map(() => -1) }));
      entry.slots[at] = i;
    } else {
      numeric.set(ref.column, i);
    }
  });
  const plan = { terms, multi, numeric, derived, evidence: [...evidence.values()] };
  plans.set(spec, plan);
  return plan;
}

/** A source column's features: its codes, and per distinct cell the output indexes to set to 1 (terms) or values for `slots`. */
interface ColumnWriter {
  codes: Int32Array;
  /** Terms: per distinct cell, the output indexes of its terms. */
  hits?: Int32Array[];
  /** Other kinds: output indexes, and per distinct cell `slots.length` values (flat). */
  slots?: Int32Array;
  values?: Float64Array;
}

/**
 * The features of a set of rows, column by column: each source column's distinct cells computed
 * once; rows whose cells are all the same (an archive's repeated protocols) share one feature row.
 */
export interface FeatureRows {
  /** Rows given. */
  readonly nRows: number;
  /** Distinct feature rows (`nRows` when rows are not merged). */
  readonly distinct: number;
  /** Row r's distinct feature row. */
  readonly rowOf: Int32Array;
  /** Distinct feature rows [start, end) as a row-major matrix. */
  matrix(start: number, end: number): FeatureMatrix;
}

/**
 * Codes the rows' source columns and computes each distinct cell's outputs. With `merge`, rows
 * whose every source cell is the same (the same value as a Map key sees it) become one feature
 * row: they would get the same features anyway, cell by cell.
 */
export function featureRows(rows: readonly Row[], spec: FeatureSpec, options: { merge?: boolean; coded?: ReadonlyMap<string, CodedCells> } = {}): FeatureRows {
  const nCols = spec.features.length;
  const nRows = rows.length;
  const plan = planOf(spec);
  // Version 3: timing columns in milliseconds whatever unit the export wrote (units.ts).
  const units = spec.version >= 3;
  const multiStats = (column: string, cell: Cell) =>
    units && hasUnitRule(column) ? statsOf(numbersInMilliseconds(column, cellNumbers(cell))) : multiValueStats(cell);
  const oneNumber = (column: string, cell: Cell) => {
    const value = singleNumber(cell);
    return units && hasUnitRule(column) ? numbersInMilliseconds(column, [value])[0]! : value;
  };
  const sources = [
    ...new Set([...plan.terms.keys(), ...plan.multi.keys(), ...plan.numeric.keys(), ...plan.derived.keys(), ...plan.evidence.flatMap((entry) => entry.read)]),
  ];
  // Columns the caller coded already (a parquet table's dictionary columns) are taken as given.
  const coded = new Map<string, CodedColumn>();
  const sameRows = sameRowsAs(rows);
  for (const column of sources) {
    const given = givenCodes(rows, column, options.coded?.get(column), sameRows);
    if (given) coded.set(column, given);
  }
  const uncoded = sources.filter((column) => !coded.has(column));
  const sourceCells = cellsOf(rows, uncoded);
  uncoded.forEach((column, c) => coded.set(column, codeColumn(sourceCells[c]!)));
  const codesOf = (column: string): CodedColumn => coded.get(column)!;
  const writers: ColumnWriter[] = [];
  /** Values of the used slots (-1 = not in the spec) for each distinct cell. */
  const valueWriter = (column: string, slots: readonly number[], compute: (cell: Cell) => readonly number[]): ColumnWriter => {
    const { codes, cells } = codesOf(column);
    const used = slots.flatMap((slot, s) => (slot >= 0 ? [s] : []));
    const values = new Float64Array(cells.length * used.length);
    cells.forEach((cell, k) => {
      const computed = compute(cleanValue(column, cell));
      used.forEach((s, u) => (values[k * used.length + u] = computed[s]!));
    });
    return { codes, slots: Int32Array.from(used, (s) => slots[s]!), values };
  };
  for (const [column, terms] of plan.terms) {
    const { codes, cells } = codesOf(column);
    const hits = cells.map((cell) => {
      const found: number[] = [];
      for (const term of textTerms(String(cleanValue(column, cell)), spec.maxNgram)) {
        const i = terms.get(term);
        if (i !== undefined) found.push(i);
      }
      return Int32Array.from(found);
    });
    writers.push({ codes, hits });
  }
  for (const [column, slots] of plan.multi) writers.push(valueWriter(column, slots, (cell) => multiStats(column, cell)));
  for (const [column, i] of plan.numeric) writers.push(valueWriter(column, [i], (cell) => [oneNumber(column, cell)]));
  for (const [column, { compute, slots }] of plan.derived) writers.push(valueWriter(column, slots, compute));
  // Evidence reads several cells: each distinct cell of an input column is parsed once, and a
  // row's signals are combined from its parsed cells.
  const parsed = new Map<string, EvidenceCell[]>();
  const evidence = plan.evidence.map(({ read, compute, slots }) => {
    // only the inputs the spec recorded: an excluded column stays unseen
    const inputs = new Map<string, { codes: Int32Array; parsed: EvidenceCell[] }>();
    for (const column of read) {
      const { codes, cells } = codesOf(column);
      let cellsParsed = parsed.get(column);
      if (!cellsParsed) parsed.set(column, (cellsParsed = cells.map((cell) => evidenceCell(column, cleanValue(column, cell)))));
      inputs.set(column, { codes, parsed: cellsParsed });
    }
    return { inputs, compute, slots };
  });

  // Row r's representative: the first row with all its source cells; identity without merging.
  let first: Int32Array;
  let rowOf: Int32Array;
  if (options.merge) {
    ({ first, rowOf } = mergeRows(nRows, [...coded.values()]));
  } else {
    rowOf = new Int32Array(nRows);
    for (let r = 0; r < nRows; r++) rowOf[r] = r;
    first = rowOf;
  }
  const MISSING_CELL = evidenceCell('', null);
  return {
    nRows,
    distinct: first.length,
    rowOf,
    matrix(start, end) {
      const m = createFeatureMatrix(end - start, nCols);
      const data = m.data;
      // Row by row: the matrix is row-major, so each row's writes stay within its 4 bytes × nCols.
      for (let d = start, base = 0; d < end; d++, base += nCols) {
        const r = first[d]!;
        for (const writer of writers) {
          const code = writer.codes[r]!;
          if (writer.hits) {
            const hits = writer.hits[code]!;
            for (let h = 0; h < hits.length; h++) data[base + hits[h]!] = 1;
          } else {
            const slots = writer.slots!;
            const values = writer.values!;
            for (let s = 0, at = code * slots.length; s < slots.length; s++, at++) data[base + slots[s]!] = values[at]!;
          }
        }
        for (const { inputs, compute, slots } of evidence) {
          const values = compute((column) => {
            const input = inputs.get(column);
            return input ? input.parsed[input.codes[r]!]! : MISSING_CELL;
          });
          for (let s = 0; s < slots.length; s++) if (slots[s]! >= 0) data[base + slots[s]!] = values[s]!;
        }
      }
      return m;
    },
  };
}

/**
 * Applies a fitted spec to rows: float32 matrix in spec.features order, NaN = missing (see
 * `featureRows`: column by column, then row by row into the matrix).
 */
export function transform(rows: readonly Row[], spec: FeatureSpec): FeatureMatrix {
  return featureRows(rows, spec).matrix(0, rows.length);
}
