/**
 * The row-wise featurizer as it was before featurization went column-wise (issue 20): kept as
 * the reference the column-wise `transform` must match bit for bit (featurize-equivalence.test.ts).
 * Not used outside tests.
 */
import { type Cell, cleanValue, MscError, type Row } from '@msc/core';
import { derivedDefinition } from '../derived.js';
import { type CellReader, evidenceCell, type EvidenceCell, evidenceDefinition } from '../evidence.js';
import { createFeatureMatrix, type FeatureMatrix } from '../matrix.js';
import { cellNumbers, MULTI_STATS, multiValueStats, singleNumber, statsOf } from '../numeric.js';
import type { FeatureSpec } from '../spec.js';
import { textTerms } from '../tokenize.js';
import { hasUnitRule, numbersInMilliseconds } from '../units.js';

/** A per-column cache from cell to computed outputs, bounded so that unique-per-row columns cannot grow it without end. */
class Memo<T> {
  private readonly cache = new Map<Cell | undefined, T>();
  get(cell: Cell | undefined, compute: (cell: Cell | undefined) => T): T {
    let value = this.cache.get(cell);
    if (value === undefined) {
      value = compute(cell);
      if (this.cache.size < 65_536) this.cache.set(cell, value);
    }
    return value;
  }
}

/** Applies a fitted spec to rows: float32 matrix in spec.features order, NaN = missing. */
export function rowWiseTransform(rows: readonly Row[], spec: FeatureSpec): FeatureMatrix {
  const nCols = spec.features.length;
  const m = createFeatureMatrix(rows.length, nCols);
  // Group output columns by source column so each cell is cleaned and parsed once per row.
  const termIndex = new Map<string, Map<string, number>>();
  const multiIndex = new Map<string, number[]>();
  const numericIndex = new Map<string, number>();
  // Per column: output index of each of its definition's values (-1 = not in the spec).
  const derivedIndex = new Map<string, { compute: (cell: Cell) => number[]; slots: number[] }>();
  // Per evidence definition and input list: its inputs, compute and output slots.
  const evidenceIndex = new Map<string, { read: ReadonlySet<string>; compute: (read: CellReader) => number[]; slots: number[] }>();
  spec.features.forEach((ref, i) => {
    if (ref.kind === 'derived' && ref.inputs) {
      const definition = evidenceDefinition(ref.column);
      const at = definition ? definition.names.indexOf(ref.name) : -1;
      if (!definition || at < 0) throw new MscError('E_MODEL', `unknown evidence feature ${ref.column}:${ref.name}`);
      const key = `${ref.column}\u0000${ref.inputs.join('\u0000')}`;
      let entry = evidenceIndex.get(key);
      if (!entry) evidenceIndex.set(key, (entry = { read: new Set(ref.inputs), compute: definition.compute, slots: definition.names.map(() => -1) }));
      entry.slots[at] = i;
      return;
    }
    if (ref.kind === 'term') {
      let terms = termIndex.get(ref.column);
      if (!terms) termIndex.set(ref.column, (terms = new Map()));
      terms.set(ref.term, i);
    } else if (ref.kind === 'multi') {
      let slots = multiIndex.get(ref.column);
      if (!slots) multiIndex.set(ref.column, (slots = [-1, -1, -1, -1, -1]));
      slots[MULTI_STATS.indexOf(ref.stat)] = i;
    } else if (ref.kind === 'derived') {
      const definition = derivedDefinition(ref.column);
      const at = definition ? definition.names.indexOf(ref.name) : -1;
      if (!definition || at < 0) throw new MscError('E_MODEL', `unknown derived feature ${ref.column}:${ref.name}`);
      let entry = derivedIndex.get(ref.column);
      if (!entry) derivedIndex.set(ref.column, (entry = { compute: definition.compute, slots: definition.names.map(() => -1) }));
      entry.slots[at] = i;
    } else {
      numericIndex.set(ref.column, i);
    }
  });
  const data = m.data;
  // Version 3: timing columns in milliseconds whatever unit the export wrote (units.ts).
  const units = spec.version >= 3;
  const multiStats = (column: string, cell: Cell) =>
    units && hasUnitRule(column) ? statsOf(numbersInMilliseconds(column, cellNumbers(cell))) : multiValueStats(cell);
  const oneNumber = (column: string, cell: Cell) => {
    const value = singleNumber(cell);
    return units && hasUnitRule(column) ? numbersInMilliseconds(column, [value])[0]! : value;
  };
  // Archives repeat their values (descriptions, image types, TE/TR) across many series: each
  // distinct cell of a column is tokenized or parsed once, then its outputs are copied.
  const termMemo = new Map<string, Memo<Int32Array>>();
  const multiMemo = new Map<string, Memo<readonly number[]>>();
  const numberMemo = new Map<string, Memo<number>>();
  for (const column of termIndex.keys()) termMemo.set(column, new Memo());
  for (const column of multiIndex.keys()) multiMemo.set(column, new Memo());
  for (const column of numericIndex.keys()) numberMemo.set(column, new Memo());
  const derivedMemo = new Map<string, Memo<readonly number[]>>();
  for (const column of derivedIndex.keys()) derivedMemo.set(column, new Memo());
  // Evidence reads several cells: each distinct cell of a column is parsed once (column-wise, as
  // above), and a row's signals are combined from the parsed cells.
  const evidenceMemo = new Map<string, Memo<EvidenceCell>>();
  const MISSING_CELL = evidenceCell('', null);
  rows.forEach((row, r) => {
    const base = r * nCols;
    for (const [column, terms] of termIndex) {
      const hits = termMemo.get(column)!.get(row[column], (cell) => {
        const found: number[] = [];
        for (const term of textTerms(String(cleanValue(column, cell)), spec.maxNgram)) {
          const i = terms.get(term);
          if (i !== undefined) found.push(i);
        }
        return Int32Array.from(found);
      });
      for (let h = 0; h < hits.length; h++) data[base + hits[h]!] = 1;
    }
    for (const [column, slots] of multiIndex) {
      const stats = multiMemo.get(column)!.get(row[column], (cell) => multiStats(column, cleanValue(column, cell)));
      for (let s = 0; s < 5; s++) if (slots[s]! >= 0) data[base + slots[s]!] = stats[s]!;
    }
    for (const [column, i] of numericIndex) data[base + i] = numberMemo.get(column)!.get(row[column], (cell) => oneNumber(column, cleanValue(column, cell)));
    for (const [column, { compute, slots }] of derivedIndex) {
      const values = derivedMemo.get(column)!.get(row[column], (cell) => compute(cleanValue(column, cell)));
      for (let s = 0; s < slots.length; s++) if (slots[s]! >= 0) data[base + slots[s]!] = values[s]!;
    }
    for (const { read, compute, slots } of evidenceIndex.values()) {
      const values = compute((column) => {
        // only the inputs the spec recorded: an excluded column stays unseen
        if (!read.has(column)) return MISSING_CELL;
        let memo = evidenceMemo.get(column);
        if (!memo) evidenceMemo.set(column, (memo = new Memo()));
        return memo.get(row[column], (cell) => evidenceCell(column, cleanValue(column, cell)));
      });
      for (let s = 0; s < slots.length; s++) if (slots[s]! >= 0) data[base + slots[s]!] = values[s]!;
    }
  });
  return m;
}
