/**
 * `SeriesReducer.addBatch` (column batches kept and read column-wise at finish) against the row
 * path it replaces (`addRows(batchRows(batch))`): the same rows, key order and cells alike, on
 * varied batches — nulls, absent columns, numbers and text in one column, per-frame lists, image
 * columns, number_of_frames, blank keys, with and without patient_id, series repeated within and
 * across batches (an instance table, where addBatch falls back to rows), study level.
 */
import { describe, expect, it } from 'vitest';
import { MISSING, Random, type Cell } from '@msc/core';
import { batchRows } from '../table/batch-rows.js';
import type { ColumnBatch } from '../table/types.js';
import { SeriesReducer, type ReduceOptions } from './reduce/reducer.js';
import { toState } from './reduce/state.js';

/** A seeded generator, so a failure names a reproducible table. */
function random(seed: number): () => number {
  const generator = new Random(seed);
  return () => generator.next();
}

const CELLS: Cell[] = [
  null,
  '',
  '-',
  'nan',
  'NaN',
  ' 81 ',
  '81',
  81,
  0.5,
  '1e3',
  'ORIGINAL\\PRIMARY\\M',
  'a;b',
  'a  b',
  '800 50 0',
  '50\\800',
  'x\u00a0y',
  'T2 TSE ax',
  '\t',
  -0,
];

function batch(columns: string[], length: number, draw: () => number, key: (r: number) => Cell[]): ColumnBatch {
  const data = columns.map((column, c) =>
    Array.from({ length }, (_, r): Cell => {
      if (c < 3) return key(r)[c] ?? null;
      if (column === 'number_of_images' || column === 'number_of_frames')
        return draw() < 0.2 ? null : draw() < 0.5 ? String(1 + Math.floor(draw() * 40)) : 1 + Math.floor(draw() * 40);
      if (column === 'image_mean') return draw() < 0.3 ? null : draw() < 0.5 ? (draw() * 100).toFixed(3) : draw() * 100;
      return CELLS[Math.floor(draw() * CELLS.length)]!;
    }),
  );
  return { columns, data, length };
}

const BODY = [
  'echo_time',
  'diffusion_bvalue',
  'image_type',
  'series_description',
  'image_mean',
  'number_of_images',
  'number_of_frames',
  'file_path',
  'site_note',
];

function reduceBoth(batches: ColumnBatch[], options: ReduceOptions = {}) {
  const byRows = new SeriesReducer(options);
  const byColumns = new SeriesReducer(options);
  for (const b of batches) {
    byRows.addRows(batchRows(b), b.columns);
    byColumns.addBatch(b);
  }
  const expected = byRows.finishWhere();
  const actual = byColumns.finishWhere();
  // finish() of a series table takes its own way (lone series, no ids): the same rows.
  const finishing = new SeriesReducer(options);
  for (const b of batches) finishing.addBatch(b);
  return { expected, actual, finished: finishing.finish(), byRows, byColumns };
}

function expectSameRows({ expected, actual, finished, byRows, byColumns }: ReturnType<typeof reduceBoth>) {
  expect(actual.ids).toEqual(expected.ids);
  expect(actual.rows.map((row) => Object.keys(row))).toEqual(expected.rows.map((row) => Object.keys(row)));
  // toEqual treats -0 and 0 alike; Object.is does not.
  const cells = (rows: typeof expected.rows) => rows.map((row) => Object.values(row).map((cell) => (Object.is(cell, -0) ? '-0' : cell)));
  expect(cells(actual.rows)).toEqual(cells(expected.rows));
  expect(finished.map((row) => Object.keys(row))).toEqual(expected.rows.map((row) => Object.keys(row)));
  expect(cells(finished)).toEqual(cells(expected.rows));
  expect(byColumns.blankKeyRows).toBe(byRows.blankKeyRows);
  expect([...byColumns.columnOrder]).toEqual([...byRows.columnOrder]);
}

describe('SeriesReducer.addBatch', () => {
  it('gives a series table the rows the row path gives (two batches, other columns in each, nulls, blank keys)', () => {
    const draw = random(7);
    const uid = (r: number, offset: number): Cell[] => [
      r % 17 === 0 ? null : `P${r % 5}`,
      r % 23 === 0 ? '-' : `1.2.${Math.floor((r + offset) / 6)}`,
      `1.2.${r + offset}.9`,
    ];
    const first = batch(['patient_id', 'study_uid', 'series_uid', ...BODY], 300, draw, (r) => uid(r, 0));
    const second = batch(['patient_id', 'study_uid', 'series_uid', ...BODY.slice(2), 'extra_column'], 200, draw, (r) => uid(r, 1000));
    const result = reduceBoth([first, second]);
    expect(result.actual.rows.length).toBeGreaterThan(400);
    expectSameRows(result);
  });

  it('gives the same rows without patient_id, and with `__proto__` among the columns (no literal builder)', () => {
    const draw = random(11);
    const key = (r: number): Cell[] => [`1.3.${r >> 2}`, `1.3.${r}.1`, null];
    expectSameRows(reduceBoth([batch(['study_uid', 'series_uid', 'repetition_time', ...BODY], 120, draw, key)]));
    expectSameRows(reduceBoth([batch(['study_uid', 'series_uid', 'echo_time', '__proto__', 'image_type'], 50, draw, key)]));
    // A batch lacking a key column: every row blank, as the row path counts them.
    expectSameRows(reduceBoth([batch(['study_uid', 'echo_time', 'image_type'], 20, draw, key)]));
  });

  it('falls back to rows once a series repeats: within a batch, across batches, and in later batches', () => {
    const draw = random(13);
    const columns = ['patient_id', 'study_uid', 'series_uid', ...BODY];
    const repeated = (r: number): Cell[] => ['P1', `1.4.${r % 9}`, `1.4.${r % 9}.${r % 31}`];
    expectSameRows(reduceBoth([batch(columns, 200, draw, repeated)]));
    const unique = (offset: number) => (r: number) => ['P1', '1.5', `1.5.${r + offset}`];
    expectSameRows(reduceBoth([batch(columns, 100, draw, unique(0)), batch(columns, 100, draw, unique(50)), batch(columns, 100, draw, unique(500))]));
  });

  it('ends every row with the trailing columns, MISSING, after its own (a column the input has keeps its place and cell)', () => {
    const columns = ['patient_id', 'study_uid', 'series_uid', ...BODY, 'series_group'];
    const trailingColumns = ['study_series_count', 'series_group', 'study_dynamic_span'];
    // One row per series (the column path), then series repeated (the row path, accumulated rows).
    for (const key of [(r: number): Cell[] => ['P3', `1.7.${r >> 2}`, `1.7.${r}`], (r: number): Cell[] => ['P3', `1.8.${r >> 2}`, `1.8.${r % 40}`]]) {
      const table = batch(columns, 60, random(19), key);
      const plain = reduceBoth([table]);
      const trailing = reduceBoth([table], { trailingColumns });
      expectSameRows(trailing);
      const expected = plain.expected.rows.map((row) => ({ ...row, study_series_count: MISSING, study_dynamic_span: MISSING }));
      expect(trailing.actual.rows.map((row) => Object.keys(row))).toEqual(expected.map((row) => Object.keys(row)));
      expect(trailing.actual.rows).toEqual(expected);
      expect(trailing.actual.rows.some((row) => row.series_group !== MISSING)).toBe(true);
    }
  });

  it('hands other threads the same one-row series (toState) and reduces studies like the row path', () => {
    const draw = random(17);
    const columns = ['patient_id', 'study_uid', 'series_uid', ...BODY];
    const key = (r: number): Cell[] => ['P2', `1.6.${r >> 3}`, `1.6.${r}`];
    const { byRows, byColumns } = reduceBoth([batch(columns, 80, draw, key)]);
    expect(toState(byColumns)).toEqual(toState(byRows));
    expectSameRows(reduceBoth([batch(columns, 80, draw, key)], { level: 'study' }));
  });

  it('finishes a series table in key order whatever its row order: a series UID in two studies or patients, batches with and without patient_id, UIDs one the prefix of another', () => {
    const draw = random(23);
    // Shuffled keys; '1.9.1' is a prefix of '1.9.10' (ids join cells with \u0000, below any character).
    const keys: Cell[][] = [];
    for (const study of ['1.9.1', '1.9.10', '1.9.2', '1.9'])
      for (const series of ['5', '5.1', '50', '4']) for (const patient of ['P1', 'P10', null]) keys.push([patient, study, series]);
    for (let i = keys.length - 1; i > 0; i--) {
      const j = Math.floor(draw() * (i + 1));
      [keys[i], keys[j]] = [keys[j]!, keys[i]!];
    }
    const withPatient = batch(['patient_id', 'study_uid', 'series_uid', ...BODY], keys.length, draw, (r) => keys[r]!);
    const pairs = [...new Set(keys.map((key) => `${key[1]} ${key[2]}`))].map((pair) => pair.split(' '));
    const withoutPatient = batch(['study_uid', 'series_uid', ...BODY], pairs.length, draw, (r) => pairs[r]!);
    const result = reduceBoth([withPatient, withoutPatient]);
    expect(result.finished.length).toBe(keys.length + pairs.length);
    expectSameRows(result);
    expectSameRows(reduceBoth([withoutPatient, withPatient]));
  });

  it('finishes the row way when a key cell holds \u0000 (ids would order otherwise than cells) or a series repeats after many lone ones', () => {
    const draw = random(29);
    const columns = ['study_uid', 'series_uid', ...BODY];
    const nul = (r: number): Cell[] => [r === 7 ? '1.9\u0000' : '1.9', `${20 - r}`];
    expectSameRows(reduceBoth([batch(columns, 20, draw, nul)]));
    const late = (r: number): Cell[] => ['1.8', r === 39 ? '3' : `${r}`];
    const result = reduceBoth([batch(columns, 40, draw, late)]);
    expect(result.finished.length).toBe(39);
    expectSameRows(result);
  });
});
