/**
 * The column-wise `transform` against the row-wise featurizer it replaced (issue 20): the same
 * float32 bits for every cell of a varied table, under every spec version and column selection
 * training can produce, whatever the row order or batch split (prediction featurizes in batches).
 */
import { describe, expect, it } from 'vitest';
import { NUMERIC_COLUMNS, NUMERIC_MULTI_COLUMNS, Random, TEXT_COLUMNS, type Cell, type CodedCells, type Row } from '@msc/core';
import { BVALUE_EVIDENCE_COLUMNS, EVIDENCE_DEFINITIONS } from './evidence.js';
import { featureRows, fitFeaturizer, transform } from './featurize.js';
import type { FeatureMatrix } from './matrix.js';
import type { FeatureSpec } from './spec.js';
import { rowWiseTransform } from './test-support/row-wise-transform.js';

const WORDS = [
  't2',
  'TSE',
  'tra',
  'ep2d_diff',
  'b50',
  '800',
  'ADC',
  'DYN',
  'vibe',
  'fl3d',
  'ORIGINAL',
  'DERIVED',
  'PRIMARY',
  'TRACEW',
  'sub',
  'MIP',
  '3D',
  'EP',
  'SE',
  'GR',
];
const BLANKS: (Cell | undefined)[] = [null, undefined, '', '-', 'nan', ' - ', Number.NaN];

/** A cell of any shape a table holds: blanks, numbers, numeric text (one or several values, seconds or ms), words with separators. */
function cellFrom(next: () => number, column: string): Cell | undefined {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const roll = next();
  if (roll < 0.12) return pick(BLANKS);
  if (roll < 0.3) return pick([0, -0, 1, 2.5, 800, 3.2, 0.004, 45, 1500, 6000, -1, 1e-9]);
  if (roll < 0.55) {
    const values = Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(['0', '50', '800', '1400', '0.0032', '4.1', '90', '12', 'abc', '2.5e3']));
    return values.join(pick([' ', '\\', ';', '  ']));
  }
  if (roll < 0.6) return pick(['101200.5', '1012', '10:12:00.25', '235959']); // times of day
  // Repeated cells are the common case (memoised values must be the same as fresh ones).
  const length = 1 + Math.floor(next() * 4);
  return (
    Array.from({ length }, () => pick(WORDS)).join(pick([' ', '_', ' (', '\\', '-'])) +
    (column === 'series_description' && next() < 0.2 ? ` ${Math.floor(next() * 9)}` : '')
  );
}

const COLUMNS = [
  ...new Set([
    ...TEXT_COLUMNS,
    ...NUMERIC_MULTI_COLUMNS,
    ...NUMERIC_COLUMNS,
    ...EVIDENCE_DEFINITIONS.flatMap((definition) => definition.inputs),
    ...BVALUE_EVIDENCE_COLUMNS,
  ]),
];

function variedRows(count: number, seed: number): Row[] {
  const random = new Random(seed);
  const next = () => random.next();
  return Array.from({ length: count }, () => {
    const row: Row = {};
    for (const column of COLUMNS) {
      // a column some rows lack altogether (absent, not null)
      if (next() < 0.05) continue;
      const cell = cellFrom(next, column);
      if (cell !== undefined) row[column] = cell;
    }
    return row;
  });
}

function expectSameBits(actual: FeatureMatrix, expected: FeatureMatrix): void {
  expect([actual.nRows, actual.nCols]).toEqual([expected.nRows, expected.nCols]);
  const a = new Uint32Array(actual.data.buffer, actual.data.byteOffset, actual.data.length);
  const b = new Uint32Array(expected.data.buffer, expected.data.byteOffset, expected.data.length);
  let differing = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differing += 1;
  expect(differing).toBe(0);
  // and the table is varied enough to mean something: values of several kinds
  const kinds = new Set([...actual.data].map((v) => (Number.isNaN(v) ? 'nan' : v === 0 ? 'zero' : v === 1 ? 'one' : v === -1 ? 'minus-one' : 'other')));
  expect(kinds.size).toBe(5);
}

describe('column-wise transform', () => {
  const rows = variedRows(300, 20);
  const specs: [string, FeatureSpec][] = [
    ['fitted (v3: evidence, units)', fitFeaturizer(rows, { minDocFreq: 3 })],
    [
      'fitted on a selection (evidence inputs cut by exclude)',
      fitFeaturizer(rows, { minDocFreq: 5, exclude: ['image_type', 'echo_time', 'diffusion_bvalue'] }),
    ],
    ['fitted without derived features', fitFeaturizer(rows, { minDocFreq: 2, derived: false, maxNgram: 3 })],
  ];
  // Older spec versions featurize without the unit rule.
  specs.push(['version 2 (no unit rule)', { ...specs[0]![1], version: 2 }]);

  for (const [name, spec] of specs) {
    it(`gives the row-wise featurizer's bits: ${name}`, () => {
      expect(spec.features.length).toBeGreaterThan(100);
      expectSameBits(transform(rows, spec), rowWiseTransform(rows, spec));
    });
  }

  it('gives each row the same values whatever the batch and the row order', () => {
    const spec = specs[0]![1];
    const whole = transform(rows, spec);
    const backwards = transform([...rows].reverse(), spec);
    const batch = transform(rows.slice(300, 301), spec);
    // Values, not bits: 0 and -0 are one Map key, so a column's first-seen zero gives the sign
    // (as it did row-wise); the trees compare them alike.
    const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));
    let differing = 0;
    for (let r = 0; r < rows.length; r++) {
      for (let c = 0; c < whole.nCols; c++) {
        if (!same(whole.data[r * whole.nCols + c]!, backwards.data[(rows.length - 1 - r) * whole.nCols + c]!)) differing += 1;
      }
    }
    for (let c = 0; c < whole.nCols; c++) if (!same(whole.data[300 * whole.nCols + c]!, batch.data[c]!)) differing += 1;
    expect(differing).toBe(0);
  });

  it('merges rows with the same cells into one feature row, with the same bits', () => {
    const spec = specs[0]![1];
    // each row three times, interleaved: 900 rows, 300 distinct
    const repeated = [...rows, ...rows.map((row) => ({ ...row })), ...rows.slice().reverse()];
    const merged = featureRows(repeated, spec, { merge: true });
    expect([merged.nRows, merged.distinct]).toEqual([900, 300]);
    const whole = transform(repeated, spec);
    const distinct = merged.matrix(0, merged.distinct);
    for (let r = 0; r < repeated.length; r++) {
      const a = Buffer.from(whole.data.buffer, r * whole.nCols * 4, whole.nCols * 4);
      const b = Buffer.from(distinct.data.buffer, merged.rowOf[r]! * whole.nCols * 4, whole.nCols * 4);
      expect(a.equals(b)).toBe(true);
    }
    // a part of the distinct rows is the same as that part of the whole
    const part = merged.matrix(10, 20);
    expect(Buffer.from(part.data.buffer).equals(Buffer.from(distinct.data.buffer, 10 * whole.nCols * 4, 10 * whole.nCols * 4))).toBe(true);
  });

  describe('columns the caller coded', () => {
    const spec = specs[0]![1];
    const codedRows = Object.freeze([...rows]);
    const code = (column: string): CodedCells => {
      const cells: (Cell | undefined)[] = [];
      const ids = new Map<Cell | undefined, number>();
      const codes = Int32Array.from(codedRows, (row) => {
        if (!ids.has(row[column])) ids.set(row[column], cells.push(row[column]) - 1);
        return ids.get(row[column])!;
      });
      return { codes, cells, rows: codedRows };
    };
    const codedColumns = new Map(['series_description', 'image_type', 'echo_time'].map((column) => [column, code(column)]));
    const bits = (features: ReturnType<typeof featureRows>) => Buffer.from(features.matrix(0, features.distinct).data.buffer);
    const own = featureRows(rows, spec, { merge: true });

    it('are taken as given, and a column is coded here when the given codes do not fit the rows', () => {
      const given = featureRows(rows, spec, { merge: true, coded: codedColumns });
      expect(bits(given).equals(bits(own))).toBe(true);
      expect([...given.rowOf]).toEqual([...own.rowOf]);
      // Codes of other cells (here: the last row's code names another description) are not used.
      const wrong = code('series_description');
      const last = wrong.codes[rows.length - 1]!;
      const other = wrong.cells[(last + 1) % wrong.cells.length]!;
      const misfit = { ...wrong, cells: wrong.cells.map((cell, k) => (k === last ? other : cell)) };
      const asMisfit = rows.map((row) => (row.series_description === wrong.cells[last] ? { ...row, series_description: other } : row));
      expect(bits(featureRows(asMisfit, spec, { merge: true })).equals(bits(own))).toBe(false); // what taking them would give
      expect(bits(featureRows(rows, spec, { merge: true, coded: new Map([['series_description', misfit]]) })).equals(bits(own))).toBe(true);
    });

    // Rows filtered, reordered or copied after coding, each keeping the length and the first and last rows.
    const differ = (a: Row, b: Row) => ['series_description', 'image_type', 'echo_time'].every((column) => a[column] !== b[column]);
    const j = rows.findIndex((row, r) => r > 1 && r < rows.length - 1 && differ(row, rows[1]!));
    const changes: [string, () => Row[]][] = [
      [
        'two middle rows swapped in place (in an array of the very rows coded)',
        () => {
          const array = [...rows];
          [array[1], array[j]] = [array[j]!, array[1]!];
          return array;
        },
      ],
      ['a middle row left out and another doubled', () => rows.map((row, r) => (r === 1 ? rows[j]! : row))],
      ['rows copied, one with another row cells', () => rows.map((row, r) => ({ ...(r === 1 ? rows[j]! : row) }))],
    ];
    for (const [name, change] of changes) {
      it(`are not taken for rows other than the ones coded, in their order: ${name}`, () => {
        expect(j).toBeGreaterThan(1);
        const changed = change();
        expect(changed).toHaveLength(rows.length);
        const expected = featureRows(changed, spec, { merge: true });
        expect(bits(expected).equals(bits(own))).toBe(false); // the change changes the features
        expect(bits(featureRows(changed, spec, { merge: true, coded: codedColumns })).equals(bits(expected))).toBe(true);
      });
    }
  });
});
