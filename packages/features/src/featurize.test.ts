import { describe, expect, it } from 'vitest';
import type { Row } from '@msc/core';
import { fitFeaturizer, selectFeatureColumns, transform } from './featurize.js';
import { matrixValue } from './matrix.js';
import { cellNumbers, multiValueStats, singleNumber } from './numeric.js';
import { featureNames, parseFeatureSpec, serializeFeatureSpec } from './spec.js';
import { compoundTokens, textPieces, textTerms } from './tokenize.js';

describe('tokenize', () => {
  it('splits on underscores and other separators but keeps the whole token', () => {
    expect(textPieces('t2_tse_tra_p2')).toEqual(['t2', 'tse', 'tra', 'p2']);
    expect(compoundTokens('t2_tse_tra_p2 (fs)')).toEqual(['t2_tse_tra_p2']);
    const a = new Set(textTerms('t2_tse_tra_p2', 5));
    const b = textTerms('t2_tse_tra', 5);
    expect(b.filter((t) => a.has(t))).toEqual(['t2', 't2 tse', 't2 tse tra', 'tse', 'tse tra', 'tra']);
    expect(a.has('t2_tse_tra_p2')).toBe(true);
    expect(a.has('t2_tse_tra')).toBe(false);
  });

  it('builds n-grams up to maxN only, without duplicates', () => {
    const terms = textTerms('a b c d e f', 5);
    expect(terms).toContain('a b c d e');
    expect(terms).not.toContain('a b c d e f');
    expect(textTerms('ep ep ep', 2)).toEqual(['ep', 'ep ep']);
    expect(textTerms('-', 5)).toEqual([]);
  });
});

describe('numeric features', () => {
  it('computes count, sum, min, max, mean; -1 when there is no number', () => {
    expect(multiValueStats('256 0 0 230')).toEqual([4, 486, 0, 256, 121.5]);
    expect(multiValueStats('0.7\\0.7')).toEqual([2, 1.4, 0.7, 0.7, 0.7]);
    expect(multiValueStats('abc 5')).toEqual([1, 5, 5, 5, 5]);
    expect(multiValueStats('-')).toEqual([-1, -1, -1, -1, -1]);
    expect(multiValueStats(null)).toEqual([-1, -1, -1, -1, -1]);
    expect(cellNumbers(12)).toEqual([12]);
    expect(singleNumber('18')).toBe(18);
    expect(singleNumber('-')).toBeNaN();
  });
});

const rows: Row[] = [
  {
    study_uid: 's1',
    series_uid: 'a',
    series_description: 'T2_TSE_TRA_P2',
    image_type: 'ORIGINAL PRIMARY M ND',
    echo_time: '101',
    pixel_spacing: '0.5 0.5',
    number_of_images: 30,
    manufacturer: 'SIEMENS',
  },
  {
    study_uid: 's1',
    series_uid: 'b',
    series_description: 'ep2d_diff_b50_800',
    image_type: 'ORIGINAL PRIMARY DIFFUSION',
    echo_time: '70',
    pixel_spacing: '2 2',
    number_of_images: 60,
    manufacturer: 'SIEMENS',
  },
  {
    study_uid: 's2',
    series_uid: 'c',
    series_description: 'T2_TSE_TRA',
    image_type: 'ORIGINAL PRIMARY M ND',
    echo_time: '-',
    pixel_spacing: '0.6 0.6',
    number_of_images: 28,
    manufacturer: 'SIEMENS',
  },
  {
    study_uid: 's2',
    series_uid: 'd',
    series_description: 'ADC map',
    image_type: 'DERIVED PRIMARY ADC',
    echo_time: '70',
    pixel_spacing: '2 2',
    number_of_images: 20,
    manufacturer: 'siemens ',
  },
];

describe('fitFeaturizer / transform', () => {
  it('keeps frequent terms, drops constant features, and treats absent columns as missing', () => {
    const spec = fitFeaturizer(rows, { minDocFreq: 2 });
    const names = featureNames(spec);
    expect(names).toContain('series_description=t2 tse tra');
    expect(names).toContain('image_type=original primary');
    expect(names).not.toContain('series_description=adc'); // in one row only
    expect(names).not.toContain('manufacturer=siemens'); // in every row: constant
    expect(names).not.toContain('modality_count'); // not a multi column; absent columns are constant
    expect(names).not.toContain('flip_angle_count'); // absent → -1 everywhere → constant
    expect(names).toContain('echo_time_max');
    expect(names).toContain('number_of_images');
    const m = transform(rows, spec);
    const col = (name: string) => names.indexOf(name);
    expect(matrixValue(m, 0, col('series_description=t2 tse tra'))).toBe(1);
    expect(matrixValue(m, 2, col('series_description=t2 tse tra'))).toBe(1);
    expect(matrixValue(m, 1, col('series_description=t2 tse tra'))).toBe(0);
    expect(matrixValue(m, 2, col('echo_time_max'))).toBe(-1);
    expect(matrixValue(m, 1, col('number_of_images'))).toBe(60);
    expect(matrixValue(m, 0, col('pixel_spacing_sum'))).toBe(1);
  });

  it('applies the fitted spec identically after a JSON round trip, unseen terms ignored', () => {
    const spec = fitFeaturizer(rows, { minDocFreq: 0.01 });
    const again = parseFeatureSpec(serializeFeatureSpec(spec));
    const fresh: Row[] = [{ study_uid: 'x', series_uid: 'y', series_description: 't2 tse sag never_seen', number_of_images: 5 }];
    expect(transform(fresh, again).data).toEqual(transform(fresh, spec).data);
    const m = transform(fresh, spec);
    const names = featureNames(spec);
    expect(m.data[names.indexOf('series_description=t2 tse')]).toBe(1);
    expect(m.data[names.indexOf('series_description=tra')]).toBe(0);
  });

  it('does not depend on row order', () => {
    const a = fitFeaturizer(rows);
    const b = fitFeaturizer([...rows].reverse());
    expect(serializeFeatureSpec(a)).toBe(serializeFeatureSpec(b));
  });

  it('honours include and exclude, and rejects unknown columns and empty tables', () => {
    expect(selectFeatureColumns({ include: ['series_description', 'echo_time'] })).toEqual(['series_description', 'echo_time']);
    const cols = selectFeatureColumns({ exclude: ['series_description'] });
    expect(cols).not.toContain('series_description');
    expect(cols).toContain('image_type');
    expect(cols).not.toContain('study_uid');
    const spec = fitFeaturizer(rows, { exclude: ['series_description'] });
    expect(featureNames(spec).some((n) => n.startsWith('series_description'))).toBe(false);
    expect(() => selectFeatureColumns({ exclude: ['no_such_column'] })).toThrow(/unknown column "no_such_column"/);
    expect(() => fitFeaturizer([])).toThrow(/empty table/);
    expect(() => parseFeatureSpec('{"version":99}')).toThrow(/unsupported feature spec/);
  });
});
