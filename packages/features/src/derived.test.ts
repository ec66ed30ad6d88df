import { describe, expect, it } from 'vitest';
import type { Row } from '@msc/core';
import { bValueFeatures, contrastFeatures, imageTypeFeatures, orientationFeatures, planeOf } from './derived.js';
import { fitFeaturizer, transform } from './featurize.js';
import { matrixValue } from './matrix.js';
import { multiValueStats } from './numeric.js';
import { featureNames, parseFeatureSpec, serializeFeatureSpec } from './spec.js';

const AXIAL = '0.997282 0.07368 0 -0.073632 0.996641 0.035838';
// Tilted by 0.2 rad about the row direction: still sagittal / coronal by the normal's largest part.
const SAGITTAL = '0 0.99949 -0.031924 0.09014 0.031794 0.995421';
const CORONAL = '0.99651 0 -0.083473 0.082302 -0.166939 0.982526';
const LOCALIZER = '0 1 0 0 0 1 1 0 0 0 0 1 1 0 0 0 1 0';

describe('orientation', () => {
  it('finds the plane from the slice normal, tilted planes included', () => {
    expect(planeOf([1, 0, 0, 0, 1, 0])).toBe('axial');
    expect(planeOf([0, 1, 0, 0, 0, -1])).toBe('sagittal');
    expect(planeOf([1, 0, 0, 0, 0, -1])).toBe('coronal');
    // 35° oblique axial: normal (0, -0.57, 0.82) is still mostly z.
    expect(planeOf([1, 0, 0, 0, Math.cos(0.61), Math.sin(0.61)])).toBe('axial');
    expect(planeOf([1, 0, 0, 0, Math.cos(1.0), Math.sin(1.0)])).toBe('coronal');
    expect(planeOf([1, 0, 0, 1, 0, 0])).toBeUndefined();
  });

  it('tells planes apart where count/sum/min/max/mean cannot', () => {
    const ideal = ['1 0 0 0 1 0', '0 1 0 0 0 1', '1 0 0 0 0 1'];
    // The original's five numbers are the same for the three planes ...
    expect(new Set(ideal.map((cell) => multiValueStats(cell).join(' '))).size).toBe(1);
    // ... the derived fractions are not.
    expect(ideal.map(orientationFeatures)).toEqual([
      [1, 0, 0, 1],
      [0, 0, 1, 1],
      [0, 1, 0, 1],
    ]);
    expect(orientationFeatures(AXIAL)).toEqual([1, 0, 0, 1]);
    expect(orientationFeatures(SAGITTAL)).toEqual([0, 0, 1, 1]);
    expect(orientationFeatures(CORONAL)).toEqual([0, 1, 0, 1]);
  });

  it('reads a series cell of several orientations, and answers -1 without a usable one', () => {
    expect(orientationFeatures(LOCALIZER)).toEqual([1 / 3, 1 / 3, 1 / 3, 3]);
    expect(orientationFeatures(`${AXIAL} ${AXIAL.replace('0.07368', '0.07')}`)).toEqual([1, 0, 0, 1]);
    expect(orientationFeatures('-')).toEqual([-1, -1, -1, -1]);
    expect(orientationFeatures('1 0 0 0 1')).toEqual([-1, -1, -1, -1]);
    expect(orientationFeatures(null)).toEqual([-1, -1, -1, -1]);
  });
});

describe('b-values, image type, contrast', () => {
  it('takes the largest, smallest and number of distinct b-values', () => {
    expect(bValueFeatures('0.0 800.0 1000.0')).toEqual([1000, 0, 3]);
    expect(bValueFeatures('50 1000 1000')).toEqual([1000, 50, 2]);
    expect(bValueFeatures('1500.0 -')).toEqual([1500, 1500, 1]);
    expect(bValueFeatures('1000001000 800')).toEqual([800, 800, 1]);
    expect(bValueFeatures('-')).toEqual([-1, -1, 0]);
    expect(bValueFeatures(1400)).toEqual([1400, 1400, 1]);
  });

  it('groups vendor spellings of diffusion, subtraction and projection image types', () => {
    expect(imageTypeFeatures('derived primary diffusion tracew nd norm')).toEqual([1, 0, 0]);
    expect(imageTypeFeatures('derived primary diffusion calc_bvalue tracew nd')).toEqual([1, 0, 0]);
    expect(imageTypeFeatures('original primary trace')).toEqual([1, 0, 0]);
    expect(imageTypeFeatures('derived primary subtract')).toEqual([0, 1, 0]);
    expect(imageTypeFeatures('derived secondary mip norm')).toEqual([0, 0, 1]);
    expect(imageTypeFeatures('original primary m_se m se')).toEqual([0, 0, 0]);
    expect(imageTypeFeatures('-')).toEqual([0, 0, 0]);
  });

  it('says whether any contrast agent is named', () => {
    expect(contrastFeatures('- magnevist')).toEqual([1]);
    expect(contrastFeatures('gd-dota 0.5 mmol/ml')).toEqual([1]);
    expect(contrastFeatures('-')).toEqual([0]);
    expect(contrastFeatures(null)).toEqual([0]);
  });
});

const rows: Row[] = [
  {
    study_uid: 's1',
    series_uid: 'a',
    image_orientation_patient: AXIAL,
    image_type: 'ORIGINAL PRIMARY M',
    diffusion_bvalue_final: '-',
    contrast_bolus_agent: '-',
  },
  {
    study_uid: 's1',
    series_uid: 'b',
    image_orientation_patient: SAGITTAL,
    image_type: 'ORIGINAL PRIMARY M',
    diffusion_bvalue_final: '-',
    contrast_bolus_agent: '-',
  },
  {
    study_uid: 's2',
    series_uid: 'c',
    image_orientation_patient: AXIAL,
    image_type: 'DERIVED PRIMARY DIFFUSION TRACEW',
    diffusion_bvalue_final: '50 800',
    contrast_bolus_agent: '-',
  },
  {
    study_uid: 's2',
    series_uid: 'd',
    image_orientation_patient: CORONAL,
    image_type: 'ORIGINAL PRIMARY M',
    diffusion_bvalue_final: '-',
    contrast_bolus_agent: 'Gadovist',
  },
];

describe('derived features in the featurizer', () => {
  it('are fitted and applied like the other features, and survive the JSON round trip', () => {
    const spec = fitFeaturizer(rows);
    const names = featureNames(spec);
    for (const name of [
      'image_orientation_patient:plane_axial',
      'image_orientation_patient:plane_sagittal',
      'diffusion_bvalue_final:bvalue_max',
      'image_type:diffusion',
      'contrast_bolus_agent:present',
    ])
      expect(names).toContain(name);
    // Constant derived features are dropped like any other.
    expect(names).not.toContain('image_orientation_patient:plane_count');
    expect(names).not.toContain('image_type:subtraction');
    const m = transform(rows, spec);
    const col = (name: string) => names.indexOf(name);
    expect([0, 1, 2, 3].map((r) => matrixValue(m, r, col('image_orientation_patient:plane_axial')))).toEqual([1, 0, 1, 0]);
    expect([0, 1, 2, 3].map((r) => matrixValue(m, r, col('diffusion_bvalue_final:bvalue_max')))).toEqual([-1, -1, 800, -1]);
    expect([0, 1, 2, 3].map((r) => matrixValue(m, r, col('contrast_bolus_agent:present')))).toEqual([0, 0, 0, 1]);
    const again = parseFeatureSpec(serializeFeatureSpec(spec));
    expect(transform(rows, again).data).toEqual(m.data);
  });

  it('follow include/exclude of their column and can be turned off', () => {
    expect(featureNames(fitFeaturizer(rows, { exclude: ['image_orientation_patient'] })).some((name) => name.startsWith('image_orientation_patient'))).toBe(
      false,
    );
    expect(featureNames(fitFeaturizer(rows, { derived: false })).some((name) => name.includes(':'))).toBe(false);
  });

  it('loads version-1 specs and rejects derived features it does not know', () => {
    const v1 = JSON.stringify({ version: 1, maxNgram: 5, columns: ['echo_time'], features: [{ kind: 'multi', column: 'echo_time', stat: 'max' }] });
    expect(transform([{ echo_time: '90' }], parseFeatureSpec(v1)).data[0]).toBe(90);
    const unknown = JSON.stringify({
      version: 2,
      maxNgram: 5,
      columns: ['image_type'],
      features: [{ kind: 'derived', column: 'image_type', name: 'no_such' }],
    });
    expect(() => parseFeatureSpec(unknown)).toThrow(/derived feature this version does not know: image_type:no_such/);
  });
});
