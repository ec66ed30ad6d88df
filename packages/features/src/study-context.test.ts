import { describe, expect, it } from 'vitest';
import { MISSING, type Row } from '@msc/core';
import { MAX_STUDY_SERIES, addStudyContext, roundedNumberText, secondsOfDay } from './study-context.js';

const AXIAL = '1 0 0 0 1 0';
const SAGITTAL = '0 1 0 0 0 -1';
const CORONAL = '1 0 0 0 0 -1';

/** HHMMSS.FFFFFF for `seconds` after 10:00:00. */
function tm(seconds: number): string {
  const t = 36000 + seconds;
  const hh = Math.floor(t / 3600);
  const mm = Math.floor((t % 3600) / 60);
  const ss = t % 60;
  return `${String(hh).padStart(2, '0')}${String(mm).padStart(2, '0')}${ss.toFixed(3).padStart(6, '0')}`;
}

let uid = 0;
function series(study: string, cells: Row): Row {
  uid += 1;
  return {
    patient_id: 'P1',
    study_uid: study,
    series_uid: `1.2.3.${uid}`,
    series_number: String(uid),
    sequence_name: '*tse2d1_25',
    repetition_time: '4000',
    echo_time: '100',
    flip_angle: '160',
    image_type: 'ORIGINAL PRIMARY M ND',
    image_orientation_patient: AXIAL,
    pixel_spacing: '0.5 0.5',
    acquisition_matrix: '0 384 384 0',
    slice_thickness: '3',
    number_of_images: 20,
    acquisition_time: tm(0),
    diffusion_bvalue_final: MISSING,
    ...cells,
  };
}

/** A TWIST DCE written one series per phase: `n` phases every `step` seconds. */
function splitDce(study: string, n: number, step: number, extra: Row = {}): Row[] {
  return Array.from({ length: n }, (_, i) =>
    series(study, {
      sequence_name: 'fldyn3d1',
      repetition_time: '3.94',
      echo_time: '1.42',
      flip_angle: '12',
      pixel_spacing: '1.875 1.875',
      acquisition_matrix: '0 160 128 0',
      image_type: 'ORIGINAL PRIMARY M ND NORM',
      acquisition_time: tm(600 + i * step),
      ...extra,
    }),
  );
}

const byUid = (rows: readonly Row[]) => new Map(rows.map((row) => [String(row.series_uid), row]));

describe('study context', () => {
  it('makes the 20 phases of a split DCE one group of 20 phases, apart from the study’s other series', () => {
    const phases = splitDce('S1', 20, 7.5);
    const t2 = series('S1', {});
    const { rows, studyContext } = addStudyContext([t2, ...phases]);
    expect(studyContext).toBe(true);
    const out = byUid(rows);
    const groups = new Set(phases.map((p) => out.get(String(p.series_uid))!.series_group));
    expect([...groups]).toEqual([phases[0]!.series_uid]);
    for (const p of phases) {
      const row = out.get(String(p.series_uid))!;
      expect(row.study_dynamic_phases).toBe(20);
      expect(row.study_dynamic_span).toBe(19 * 7.5);
      expect(row.study_series_count).toBe(21);
    }
    const t2Row = out.get(String(t2.series_uid))!;
    expect(t2Row).toMatchObject({ study_dynamic_phases: 1, study_dynamic_span: -1, series_group: t2.series_uid, study_series_count: 21 });
  });

  it('keeps a pre-contrast phase followed by the injection delay in the group, in any row order', () => {
    const phases = splitDce('S1', 6, 10);
    phases[0]!.acquisition_time = tm(600 - 60);
    const { rows } = addStudyContext([...phases].reverse());
    expect(new Set(rows.map((row) => row.study_dynamic_phases))).toEqual(new Set([6]));
    expect(new Set(rows.map((row) => row.series_group))).toEqual(new Set([phases[0]!.series_uid]));
  });

  it('does not call a variable-flip-angle T1 mapping set dynamic', () => {
    const vfa = [2, 5, 10, 15].map((flip, i) =>
      series('S1', { sequence_name: '*fl3d1', repetition_time: '5', echo_time: '2', flip_angle: String(flip), acquisition_time: tm(i * 20) }),
    );
    const { rows } = addStudyContext(vfa);
    for (const row of rows) expect(row).toMatchObject({ study_dynamic_phases: 1, study_dynamic_span: -1, series_group: row.series_uid });
  });

  it('does not call an inversion-time set, nor b-values written one series each, dynamic', () => {
    const ti = [100, 300, 600, 1200].map((inversion, i) =>
      series('S1', { sequence_name: '*tir2d1', inversion_time: String(inversion), acquisition_time: tm(i * 20) }),
    );
    const dwi = [0, 500, 1000].map((b, i) =>
      series('S2', { sequence_name: 'epi', image_type: 'ORIGINAL PRIMARY M', diffusion_bvalue_final: String(b), acquisition_time: tm(i * 40) }),
    );
    for (const row of addStudyContext([...ti, ...dwi]).rows) expect(row.study_dynamic_phases).toBe(1);
  });

  it('does not group T2 TSE in three planes, nor two or three runs of one T2 minutes apart', () => {
    const planes = [AXIAL, SAGITTAL, CORONAL].map((iop, i) => series('S1', { image_orientation_patient: iop, acquisition_time: tm(i * 200) }));
    const rerun = [series('S2', { acquisition_time: tm(0) }), series('S2', { acquisition_time: tm(300) })];
    const thrice = [0, 300, 1500].map((t) => series('S3', { acquisition_time: tm(t) }));
    const { rows } = addStudyContext([...planes, ...rerun, ...thrice]);
    for (const row of rows) expect(row).toMatchObject({ study_dynamic_phases: 1, series_group: row.series_uid });
  });

  it('joins a diffusion trace with its ADC and calculated-b maps, and counts diffusion siblings', () => {
    const dwi = { sequence_name: '*ep_b50_800t', pixel_spacing: '2 2', acquisition_matrix: '0 128 84 0', echo_time: '84' };
    const trace = series('S1', { ...dwi, image_type: 'DERIVED PRIMARY DIFFUSION TRACEW ND', diffusion_bvalue_final: '50 400 800', number_of_images: 60 });
    const adc = series('S1', { ...dwi, image_type: 'DERIVED PRIMARY DIFFUSION ADC ND', acquisition_time: tm(16) });
    const calc = series('S1', { ...dwi, image_type: 'DERIVED PRIMARY DIFFUSION TRACEW ND', diffusion_bvalue_final: '1400', acquisition_time: tm(16) });
    const t2 = series('S1', {});
    const { rows } = addStudyContext([t2, calc, adc, trace]);
    const out = byUid(rows);
    for (const s of [trace, adc, calc]) expect(out.get(String(s.series_uid))).toMatchObject({ series_group: trace.series_uid, study_diffusion_siblings: 2 });
    expect(out.get(String(t2.series_uid))).toMatchObject({ series_group: t2.series_uid, study_diffusion_siblings: 0 });
  });

  it('splits two acquired diffusion scans of one geometry, each map joining the scan nearest in time', () => {
    const dwi = { sequence_name: '*ep_b800t', pixel_spacing: '2 2', image_type: 'ORIGINAL PRIMARY DIFFUSION NONE', diffusion_bvalue_final: '0 800' };
    const first = series('S1', { ...dwi, acquisition_time: tm(0) });
    const firstAdc = series('S1', { ...dwi, image_type: 'DERIVED PRIMARY DIFFUSION ADC', diffusion_bvalue_final: MISSING, acquisition_time: tm(5) });
    const second = series('S1', { ...dwi, acquisition_time: tm(900) });
    const secondAdc = series('S1', { ...dwi, image_type: 'DERIVED PRIMARY DIFFUSION ADC', diffusion_bvalue_final: MISSING, acquisition_time: tm(905) });
    const out = byUid(addStudyContext([secondAdc, first, second, firstAdc]).rows);
    expect(out.get(String(firstAdc.series_uid))!.series_group).toBe(first.series_uid);
    expect(out.get(String(secondAdc.series_uid))!.series_group).toBe(second.series_uid);
    expect(out.get(String(second.series_uid))!.study_diffusion_siblings).toBe(3);
  });

  it('keeps studies apart', () => {
    const a = splitDce('A', 3, 10);
    const b = splitDce('B', 3, 10);
    const { rows } = addStudyContext([...a, ...b]);
    expect(new Set(rows.map((row) => row.series_group))).toEqual(new Set([a[0]!.series_uid, b[0]!.series_uid]));
    expect(rows.every((row) => row.study_series_count === 3)).toBe(true);
  });

  it('gives a big study and studies whose rows lie apart (taking turns, neighbours skipped) the groups a small study gets', () => {
    const dwi = { sequence_name: '*ep_b50_800t', pixel_spacing: '2 2', acquisition_matrix: '0 128 84 0', echo_time: '84' };
    const family = (study: string) => [
      series(study, { ...dwi, image_type: 'ORIGINAL PRIMARY DIFFUSION NONE ND', diffusion_bvalue_final: '50 800' }),
      series(study, { ...dwi, image_type: 'DERIVED PRIMARY DIFFUSION ADC ND', acquisition_time: tm(16) }),
    ];
    const columns = (row: Row) => [row.study_dynamic_phases, row.study_dynamic_span, row.study_diffusion_siblings, row.series_group === row.series_uid];
    const small = [...splitDce('SMALL', 5, 10), ...family('SMALL')];
    const expected = addStudyContext(small).rows.map(columns);
    // The same series among 70 others of their own, 10 s apart (one echo time or sequence name each: no groups) ...
    const big = [...splitDce('BIG', 5, 10), ...family('BIG')];
    const others = Array.from({ length: 70 }, (_, i) =>
      series('BIG', { [i % 2 ? 'echo_time' : 'sequence_name']: String(100 + i), acquisition_time: tm(i * 10) }),
    );
    const bigRows = addStudyContext([...others.slice(0, 30), ...big, ...others.slice(30)]).rows;
    expect(bigRows.map(columns).slice(30, 30 + big.length)).toEqual(expected);
    expect(bigRows[0]!.study_series_count).toBe(77);
    const otherRows = [...bigRows.slice(0, 30), ...bigRows.slice(30 + big.length)];
    expect(otherRows.map((row) => row.study_dynamic_phases)).toEqual(others.map(() => 1));
    // ... and rows of two studies (and another patient's study of the same UID) taking turns.
    const a = [...splitDce('AB', 5, 10), ...family('AB')];
    const b = [...splitDce('BA', 5, 10), ...family('BA')];
    const c = [...splitDce('AB', 5, 10), ...family('AB')].map((row) => ({ ...row, patient_id: 'P2' }));
    const mixed = addStudyContext(a.flatMap((row, i) => [row, b[i]!, c[i]!])).rows;
    for (let k = 0; k < 3; k++) expect(mixed.filter((_, i) => i % 3 === k).map(columns)).toEqual(expected);
    expect(mixed.every((row) => row.study_series_count === 7)).toBe(true);
  });

  it('writes in place, with inPlace, into rows that have every context column, and copies the others; same cells either way', () => {
    const context = {
      study_series_count: 'x',
      study_dynamic_phases: MISSING,
      study_dynamic_span: MISSING,
      study_diffusion_siblings: MISSING,
      series_group: 'own',
    };
    const input = [...splitDce('S2', 4, 10), ...splitDce('S3', 3, 400)];
    const copied = addStudyContext(input.map((row) => ({ ...row, ...context }))).rows;
    // The first four rows hold the columns (as a reducer's trailingColumns makes them); the others do not.
    const rows = input.map((row, i) => (i < 4 ? { ...row, ...context } : { ...row }));
    const result = addStudyContext(rows, { inPlace: true });
    expect(result.rows.map((row, i) => row === rows[i])).toEqual(input.map((_, i) => i < 4));
    expect(rows[4]).not.toHaveProperty('series_group');
    expect(result.rows.map((row) => Object.keys(row))).toEqual(copied.map((row) => Object.keys(row)));
    expect(result.rows).toEqual(copied);
    expect(result.rows[0]).toMatchObject({ study_series_count: 4, study_dynamic_phases: 4, series_group: input[0]!.series_uid });
  });

  it('leaves every column missing without study_uid, and says so', () => {
    const rows = splitDce('S1', 5, 10).map(({ study_uid: _, ...row }) => row);
    const result = addStudyContext(rows);
    expect(result.studyContext).toBe(false);
    for (const row of result.rows)
      expect(row).toMatchObject({
        study_series_count: MISSING,
        study_dynamic_phases: MISSING,
        study_dynamic_span: MISSING,
        study_diffusion_siblings: MISSING,
        series_group: MISSING,
      });
  });

  it('caps a study with more series than MAX_STUDY_SERIES: only study_series_count', () => {
    const n = MAX_STUDY_SERIES + 1;
    const rows = Array.from({ length: n }, (_, i) => ({ study_uid: 'BIG', series_uid: `9.${i}`, acquisition_time: tm(i) }) as Row);
    const result = addStudyContext(rows);
    expect(result.cappedStudies).toBe(1);
    expect(result.rows[0]).toMatchObject({ study_series_count: n, study_dynamic_phases: MISSING, series_group: MISSING });
  });

  it('handles a study just under the cap whose series all look alike', () => {
    const result = addStudyContext(splitDce('S1', MAX_STUDY_SERIES, 2));
    expect(result.cappedStudies).toBe(0);
    expect(result.rows[0]!.study_dynamic_phases).toBe(MAX_STUDY_SERIES);
  });

  it('reads DICOM times', () => {
    expect(secondsOfDay('101530.5')).toBe(10 * 3600 + 15 * 60 + 30.5);
    expect(secondsOfDay('10:15:30')).toBe(10 * 3600 + 15 * 60 + 30);
    expect(secondsOfDay('1015')).toBe(10 * 3600 + 15 * 60);
    expect(secondsOfDay('not a time')).toBeNaN();
  });
});

describe('roundedNumberText', () => {
  it('is the text of toFixed parsed back (−0 as 0), halves and large numbers included', () => {
    const viaToFixed = (value: number, decimals: number) => {
      const r = Number(value.toFixed(decimals));
      return String(r === 0 ? 0 : r);
    };
    // DICOM-like values, exact halves at each scale, values just beside them, and beyond the fast range.
    const values = [0, -0, 0.5, 1.5, 2.5, 0.05, 0.15, 0.0005, 1.005, 1.0049999999999999, 2.675, 8.345, 123.4445, 999999999.5, 1e9, 1e21, 5e-324];
    for (let i = 0; i < 20_000; i++) values.push(Math.sin(i) * 10 ** (i % 12), Math.round(Math.cos(i) * 1e6) / 2000, 0.99862953475457 - i * 1e-9);
    const differing: string[] = [];
    for (const value of values.flatMap((v) => [v, -v, v + Number.EPSILON, v - Number.EPSILON]))
      for (const decimals of [0, 1, 2, 3]) if (roundedNumberText(value, decimals) !== viaToFixed(value, decimals)) differing.push(`${value}@${decimals}`);
    expect(differing).toEqual([]);
  });
});
