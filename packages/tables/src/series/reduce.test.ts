import { describe, expect, it } from 'vitest';
import { type Cell, MscError, type Row } from '@msc/core';
import { ReducerCells } from './reduce/cells.js';
import { SeriesReducer, reduceToSeries } from './reduce/reducer.js';
import { assertReducible } from './reduce/rules.js';
import { absorb, toState } from './reduce/state.js';

function dwiInstances(): Row[] {
  return [0, 50, 400, 800, 1000].flatMap((b, i) => [
    {
      patient_id: 'P1',
      study_uid: '1.2',
      series_uid: '1.2.3',
      file_path: `/a/${i}a.dcm`,
      diffusion_bvalue: String(b),
      image_type: 'ORIGINAL\\PRIMARY\\DIFFUSION\\NONE',
      echo_time: '81',
      series_description: 'ep2d_diff_b50_400_800',
    },
    {
      patient_id: 'P1',
      study_uid: '1.2',
      series_uid: '1.2.3',
      file_path: `/b/${i}b.dcm`,
      diffusion_bvalue: String(b),
      image_type: 'ORIGINAL PRIMARY DIFFUSION NONE',
      echo_time: '81',
      series_description: 'ep2d_diff_b50_400_800',
    },
  ]);
}

/** A deterministic shuffle (LCG), so the test needs no randomness. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('reduceToSeries', () => {
  it('joins unique values in numeric-then-text order', () => {
    const [series] = reduceToSeries(dwiInstances());
    expect(series).toMatchObject({
      patient_id: 'P1',
      study_uid: '1.2',
      series_uid: '1.2.3',
      diffusion_bvalue: '0 50 400 800 1000',
      image_type: 'ORIGINAL PRIMARY DIFFUSION NONE',
      echo_time: '81',
      series_description: 'ep2d_diff_b50_400_800',
      number_of_images: 10,
    });
    expect(series).not.toHaveProperty('file_path');
  });

  it('gives the same rows whatever the input order', () => {
    const rows = [
      ...dwiInstances(),
      { patient_id: 'P1', study_uid: '1.2', series_uid: '1.2.9', echo_time: '104', series_description: 't2_tse_tra' },
      { patient_id: 'P1', study_uid: '1.2', series_uid: '1.2.9', echo_time: '101', series_description: null },
      { patient_id: 'P2', study_uid: '7', series_uid: '7.1', echo_time: '3.1', series_description: 'dyn' },
    ];
    const expected = reduceToSeries(rows);
    expect(expected.map((row) => row.series_uid)).toEqual(['1.2.3', '1.2.9', '7.1']);
    for (const seed of [1, 2, 3, 42, 1234]) expect(reduceToSeries(shuffled(rows, seed))).toEqual(expected);
    expect(expected[1]).toMatchObject({ echo_time: '101 104', series_description: '- t2_tse_tra' });
  });

  it('fills columns a series never had with -', () => {
    const rows: Row[] = [
      { study_uid: 's', series_uid: 'a', echo_time: '1' },
      { study_uid: 's', series_uid: 'b', flip_angle: '90' },
    ];
    const [a, b] = reduceToSeries(rows);
    expect(a).toMatchObject({ echo_time: '1', flip_angle: '-' });
    expect(b).toMatchObject({ echo_time: '-', flip_angle: '90' });
  });

  it('takes the median per-file image count when present, else counts rows', () => {
    const rows: Row[] = [3, 5, 4, 100].map((n) => ({ study_uid: 's', series_uid: 'a', number_of_images: String(n) }));
    expect(reduceToSeries(rows)[0]!.number_of_images).toBe(4.5);
    const counted = reduceToSeries([
      { study_uid: 's', series_uid: 'a', number_of_images: '-' },
      { study_uid: 's', series_uid: 'a' },
    ]);
    expect(counted[0]!.number_of_images).toBe(2);
  });

  it('averages image statistics', () => {
    const rows: Row[] = [
      { study_uid: 's', series_uid: 'a', image_mean: 10 },
      { study_uid: 's', series_uid: 'a', image_mean: '20' },
      { study_uid: 's', series_uid: 'a', image_mean: '-' },
    ];
    expect(reduceToSeries(rows)[0]!.image_mean).toBe(15);
  });

  it('keeps one study UID reused by two patients apart', () => {
    const rows = [
      { patient_id: 'A', study_uid: 's', series_uid: 'x' },
      { patient_id: 'B', study_uid: 's', series_uid: 'x' },
    ];
    expect(reduceToSeries(rows).map((row) => row.patient_id)).toEqual(['A', 'B']);
  });

  it('reduces per study when asked', () => {
    const rows = [
      { study_uid: 's', series_uid: 'b', modality: 'MR' },
      { study_uid: 's', series_uid: 'a', modality: 'MR' },
    ];
    const studies = reduceToSeries(rows, { level: 'study' });
    expect(studies).toHaveLength(1);
    expect(studies[0]).toMatchObject({ study_uid: 's', series_uid: 'a b', modality: 'MR', number_of_images: 2 });
  });

  it('streams: counts series as rows arrive', () => {
    const reducer = new SeriesReducer();
    for (const row of dwiInstances()) reducer.add(row);
    reducer.add({ patient_id: 'P1', study_uid: '1.2', series_uid: 'other' });
    expect(reducer.seriesCount).toBe(2);
  });

  it('reduces a table written by the original tool to the same series rows', () => {
    // Per-instance rows as the original writes them: every value a string, `-` for missing,
    // multi-valued elements already space-joined.
    const header = [
      'study_uid',
      'series_uid',
      'patient_id',
      'diffusion_bvalue',
      'diffusion_bvalue_ge',
      'diffusion_bvalue_siemens',
      'diffusion_bvalue_final',
      'image_type',
      'echo_time',
      'series_description',
      'image_orientation_patient',
      'number_of_images',
      'file_path',
    ];
    const lines = [
      ['1.9', '1.9.1', 'PX', '-', '1000', '-', '1000', 'ORIGINAL PRIMARY OTHER', '72.3', 'DWI b1000', '1 0 0 0 1 0', '3', 'a/1.dcm'],
      ['1.9', '1.9.1', 'PX', '-', '0', '-', '0', 'ORIGINAL PRIMARY OTHER', '72.3', 'DWI b1000', '1 0 0 0 1 0', '3', 'a/2.dcm'],
      ['1.9', '1.9.1', 'PX', '-', '1000', '-', '1000', 'ORIGINAL PRIMARY OTHER', '72.3', 'DWI b1000', '1 0 0 0 1 0', '3', 'a/3.dcm'],
      ['1.9', '1.9.2', 'PX', '-', '-', '-', '-', 'DERIVED PRIMARY ADC ADC', '72.3', 'ADC', '1 0 0 0 1 0', '2', 'b/1.dcm'],
      ['1.9', '1.9.2', 'PX', '-', '-', '-', '-', 'DERIVED PRIMARY ADC ADC', '72.3', 'ADC', '1 0 0 0 1 0', '2', 'b/2.dcm'],
    ];
    const rows = lines.map((values) => Object.fromEntries(header.map((column, i) => [column, values[i]!])));
    expect(reduceToSeries(rows)).toEqual([
      {
        study_uid: '1.9',
        series_uid: '1.9.1',
        patient_id: 'PX',
        diffusion_bvalue: '-',
        diffusion_bvalue_ge: '0 1000',
        diffusion_bvalue_siemens: '-',
        diffusion_bvalue_final: '0 1000',
        image_type: 'ORIGINAL PRIMARY OTHER',
        echo_time: '72.3',
        series_description: 'DWI b1000',
        image_orientation_patient: '1 0 0 0 1 0',
        number_of_images: 3,
      },
      {
        study_uid: '1.9',
        series_uid: '1.9.2',
        patient_id: 'PX',
        diffusion_bvalue: '-',
        diffusion_bvalue_ge: '-',
        diffusion_bvalue_siemens: '-',
        diffusion_bvalue_final: '-',
        image_type: 'DERIVED PRIMARY ADC ADC',
        echo_time: '72.3',
        series_description: 'ADC',
        image_orientation_patient: '1 0 0 0 1 0',
        number_of_images: 2,
      },
    ]);
  });
});

describe('multi-frame rows (enhanced files)', () => {
  /** One frame's values as a single-frame instance row would hold them. */
  const frame = (series: string, b: number, te: string): Row => ({
    study_uid: 's',
    series_uid: series,
    diffusion_bvalue: String(b),
    echo_time: te,
    pixel_spacing: '0.8 0.8',
  });
  /** A multi-frame file's row: its frames' distinct values, in reduced order, and its frame count. */
  const file = (series: string, frames: number, bValues: string, te: string): Row => ({
    study_uid: 's',
    series_uid: series,
    diffusion_bvalue: bValues,
    echo_time: te,
    pixel_spacing: '0.8 0.8',
    number_of_frames: String(frames),
  });
  const spread = [
    ...[0, 500, 1000, 1000].map((b) => frame('a', b, '88')),
    ...[0, 500, 500, 1400, 1400, 1400].map((b) => frame('a', b, '92.5')),
    frame('a', 50, '88'),
  ];
  const files = [file('a', 4, '0 500 1000', '88'), file('a', 6, '0 500 1400', '92.5'), { ...frame('a', 50, '88'), number_of_frames: '-' }];

  it('reduce as the same frames written as single-frame files', () => {
    const [fromFrames] = reduceToSeries(spread);
    const [fromFiles] = reduceToSeries(files);
    expect(fromFiles).toMatchObject({ diffusion_bvalue: '0 50 500 1000 1400', echo_time: '88 92.5', pixel_spacing: '0.8 0.8', number_of_images: 11 });
    for (const column of ['diffusion_bvalue', 'echo_time', 'pixel_spacing', 'number_of_images'])
      expect(fromFiles![column], column).toEqual(fromFrames![column]);
  });

  it('count frames alone, in cells added one by one, and through merged states', () => {
    expect(reduceToSeries([file('b', 176, '0 1000', '90')])[0]).toMatchObject({ number_of_images: 176, diffusion_bvalue: '0 1000' });
    const cellwise = new SeriesReducer();
    const cells = new ReducerCells(cellwise);
    for (const row of files) {
      const group = cells.startRow({ study_uid: row.study_uid!, series_uid: row.series_uid! })!;
      for (const [column, cell] of Object.entries(row)) if (column !== 'study_uid' && column !== 'series_uid') cells.addCell(group, column, cell);
    }
    expect(cells.isPerRowColumn('number_of_frames')).toBe(true);
    const halves = [new SeriesReducer(), new SeriesReducer()];
    files.forEach((row, i) => halves[i === 0 ? 0 : 1]!.add(row));
    const merged = new SeriesReducer();
    for (const half of halves) absorb(merged, structuredClone(toState(half)));
    for (const reducer of [cellwise, merged]) expect(reducer.finish()[0]).toMatchObject({ number_of_images: 11, diffusion_bvalue: '0 50 500 1000 1400' });
  });

  it("keep the median of per-file counts when a table has them (the original tool's tables)", () => {
    const rows = files.map((row) => ({ ...row, number_of_images: '30' }));
    expect(reduceToSeries(rows)[0]!.number_of_images).toBe(30);
  });
});

describe('assertReducible', () => {
  it('names the missing key columns', () => {
    expect(() => assertReducible(['study_uid', 'echo_time'], 'x.csv')).toThrowError(/x.csv lacks column\(s\) series_uid/);
    expect(() => assertReducible([])).toThrowError(expect.objectContaining({ code: 'E_MISSING_COLUMNS' }));
    expect(() => assertReducible([])).toThrowError(MscError);
    expect(() => assertReducible(['study_uid', 'series_uid'])).not.toThrow();
  });
});

describe('one-row series (series tables)', () => {
  it('pass through exactly as accumulating the row would reduce it', () => {
    const cells: Cell[] = ['a', ' a  b ', 'x\\y', 'p;q', '-', 'nan', '', null, 3.5, '800', 'ORIGINAL PRIMARY', '\tt2 tse'];
    const rows: Row[] = [];
    for (let i = 0; i < 60; i++) {
      const row: Row = { patient_id: `P${i % 3}`, study_uid: `1.${i % 4}`, series_uid: `1.${i % 4}.${i}`, file_path: `/f${i}` };
      if (i % 5 !== 0) row.series_description = cells[i % cells.length]!;
      row.image_type = cells[(i * 7) % cells.length]!;
      row.image_mean = i % 3 === 0 ? null : String(i / 3);
      if (i % 2 === 0) row.number_of_images = String(i);
      rows.push(row);
    }
    // Each row twice: same sets and means, so the same reduced cells, but through the accumulating path.
    const once = reduceToSeries(rows);
    const twice = reduceToSeries(rows.flatMap((row) => [row, { ...row }]));
    expect(once.map((row) => Object.keys(row))).toEqual(twice.map((row) => Object.keys(row)));
    const withoutCounts = (row: Row) => ({
      ...row,
      number_of_images: Number.isFinite(Number(row.number_of_images)) && row.number_of_images !== null ? 'counted' : row.number_of_images,
    });
    for (let i = 0; i < once.length; i++) {
      const source = rows.find((row) => row.series_uid === once[i]!.series_uid)!;
      if (source.number_of_images !== undefined) expect(once[i]).toEqual(twice[i]);
      else expect(withoutCounts(once[i]!)).toEqual(withoutCounts(twice[i]!));
    }
  });
});

describe('merging reducer states (split input)', () => {
  /** Rows of 40 series spread over the input, with image values whose sums round differently by grouping. */
  function splitRows(): Row[] {
    let state = 99;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
    const rows: Row[] = [];
    for (let i = 0; i < 2000; i++) {
      const s = Math.floor(next() * 40);
      rows.push({
        patient_id: `P${s % 3}`,
        study_uid: `1.${s % 5}`,
        series_uid: `1.${s % 5}.${s}`,
        file_path: `/f/${i}`,
        echo_time: String(80 + (s % 4)),
        diffusion_bvalue: s % 2 ? String([0, 50, 800][i % 3]) : '-',
        number_of_images: s % 3 === 0 ? String(10 + (i % 7)) : '-',
        image_mean: s % 7 === 0 ? '' : (next() * 10 ** Math.floor(next() * 18)).toPrecision(17),
        image_std: String(next()),
      });
    }
    // A series with one row in the last part only, and one with a single row overall.
    rows.push({ patient_id: 'P9', study_uid: '9', series_uid: '9.1', file_path: '/g', echo_time: '1', image_mean: '0.1', image_std: '-' });
    return rows;
  }

  function merged(rows: Row[], cuts: number[], options: { level?: 'study'; exact: boolean }): SeriesRowList {
    const bounds = [0, ...cuts, rows.length];
    const target = new SeriesReducer(options.level ? { level: options.level } : {});
    for (let p = 0; p + 1 < bounds.length; p++) {
      const part = new SeriesReducer({ ...(options.level ? { level: options.level } : {}), exactMerge: options.exact && p > 0 });
      for (const row of rows.slice(bounds[p], bounds[p + 1])) part.add(row);
      // Through structured cloning, as between threads.
      absorb(target, structuredClone(toState(part)));
    }
    return target.finish();
  }

  it('gives exactly the one-pass rows, image means included, wherever the input is cut', () => {
    const rows = splitRows();
    for (const level of [undefined, 'study'] as const) {
      const one = reduceToSeries(rows, level ? { level } : {});
      for (const cuts of [[1000], [1, 2], [333, 1500, 1999], [700, 701, 1900]]) {
        expect(merged(rows, cuts, { ...(level ? { level } : {}), exact: true }), `${level} ${cuts.join(',')}`).toEqual(one);
      }
    }
  });

  it('needs the kept values: adding partial sums rounds some means differently', () => {
    const rows = splitRows();
    const one = reduceToSeries(rows);
    const inexact = merged(rows, [333, 1500], { exact: false });
    expect(inexact.some((row, i) => row.image_mean !== one[i]!.image_mean)).toBe(true);
  });
});

type SeriesRowList = ReturnType<typeof reduceToSeries>;

describe('addRows (a batch with one column list)', () => {
  it('reduces exactly as add does row by row, column order included', () => {
    const columns = ['custom_b', 'patient_id', 'study_uid', 'series_uid', 'file_path', 'echo_time', 'custom_a', 'image_mean', 'number_of_images'];
    const batches: Row[][] = [[], []];
    for (let i = 0; i < 300; i++) {
      const cells = [
        `b${i % 4}`,
        `P${i % 3}`,
        `1.${i % 5}`,
        `1.${i % 5}.${i % 37}`,
        `/f${i}`,
        String(80 + (i % 3)),
        i % 7 ? 'x' : '-',
        String(i / 7),
        i % 2 ? '-' : String(i % 9),
      ];
      batches[i < 150 ? 0 : 1]!.push(Object.fromEntries(columns.map((column, c) => [column, cells[c]!])));
    }
    for (const level of [undefined, 'study'] as const) {
      const one = new SeriesReducer(level ? { level } : {});
      for (const batch of batches) for (const row of batch) one.add(row);
      const batched = new SeriesReducer(level ? { level } : {});
      for (const batch of [[], ...batches]) batched.addRows(batch, columns);
      const expected = one.finish();
      const actual = batched.finish();
      expect(actual).toEqual(expected);
      expect(actual.map((row) => Object.keys(row))).toEqual(expected.map((row) => Object.keys(row)));
    }
  });
});
