import { describe, expect, it } from 'vitest';
import type { Row } from '@msc/core';
import { decodeRows, encodeRows, transferList } from './row-transfer.js';

describe('encodeRows / decodeRows', () => {
  it('give back the same rows, key order, numbers (-0, NaN, Infinity), nulls and shapes', () => {
    const rows: Row[] = [
      { study_uid: '1', series_uid: '1.1', echo_time: '80', image_mean: -0, number_of_images: 3 },
      { study_uid: '1', series_uid: '1.2', echo_time: '80 90', image_mean: null, number_of_images: 2.5 },
      { patient_id: 'P', study_uid: '2', series_uid: '2.1', echo_time: '-', image_mean: Number.NaN, number_of_images: Infinity },
      { study_uid: '1', series_uid: '1.3', echo_time: '80', image_mean: 0, number_of_images: 1 },
    ];
    const ids = rows.map((row) => `${row.study_uid}\u0000${row.series_uid}`);
    const encoded = structuredClone(encodeRows(ids, rows));
    expect(encoded.shapes).toHaveLength(2);
    expect(encoded.dictionaries[encoded.columns.indexOf('echo_time')]).toEqual(['80', '80 90', '-']);
    const decoded = decodeRows(encoded);
    expect(decoded).toEqual(rows);
    expect(decoded.map((row) => Object.keys(row))).toEqual(rows.map((row) => Object.keys(row)));
    expect(Object.is(decoded[0]!.image_mean, -0)).toBe(true);
    expect(Object.is(decoded[3]!.image_mean, 0)).toBe(true);
    expect(encoded.ids).toEqual(ids);
  });

  it('lists every typed array for transfer, and handles no rows', () => {
    const encoded = encodeRows(['a'], [{ study_uid: 'a', number_of_images: 1 }]);
    expect(transferList(encoded)).toHaveLength(1 + 2 + 1);
    expect(decodeRows(encodeRows([], []))).toEqual([]);
  });
});
