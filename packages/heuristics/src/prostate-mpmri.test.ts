import { beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '@msc/core';
import { compileRuleSet, combineWithModel, type CompiledRuleSet } from './apply.js';
import { loadRuleSet } from './load-rules.js';

let rules: CompiledRuleSet;
beforeAll(async () => {
  rules = compileRuleSet(await loadRuleSet('prostate_mpmri'));
});

const series = (columns: Row): Row => ({
  study_uid: '1',
  series_uid: '1.1',
  series_description: '-',
  image_type: 'ORIGINAL PRIMARY M ND',
  diffusion_bvalue: '-',
  diffusion_bvalue_ge: '-',
  diffusion_bvalue_siemens: '-',
  ...columns,
});

describe('prostate_mpmri: DWI', () => {
  it('fires on a positive b-value', () => {
    expect(rules.evaluate(series({ diffusion_bvalue: '0 50 800' }))).toEqual({ label: 'DWI', rule: 'dwi-positive-bvalue' });
  });
  it('uses vendor b-values when the standard tag is missing, in precedence order', () => {
    expect(rules.evaluate(series({ diffusion_bvalue_ge: '1000' })).label).toBe('DWI');
    expect(rules.evaluate(series({ diffusion_bvalue_siemens: '1400' })).label).toBe('DWI');
    // The standard b-value is present and 0: the GE column is not consulted.
    expect(rules.evaluate(series({ diffusion_bvalue: '0', diffusion_bvalue_ge: '1000' })).label).toBeNull();
  });
  it('does not fire for b = 0 only, or when the series says ADC', () => {
    expect(rules.evaluate(series({ diffusion_bvalue: '0' })).label).toBeNull();
    expect(rules.evaluate(series({ diffusion_bvalue: '1000', image_type: 'DERIVED PRIMARY DIFFUSION ADC ND' })).label).toBe('ADC');
    expect(rules.evaluate(series({ diffusion_bvalue: '1000', series_description: 'ep2d_diff_ADC' })).label).toBe('ADC');
  });
});

describe('prostate_mpmri: T2W', () => {
  it('fires on a t2 word, including inside underscores', () => {
    expect(rules.evaluate(series({ series_description: 't2_tse_tra_p2' }))).toEqual({ label: 'T2W', rule: 't2-description-not-sagittal-or-coronal' });
    expect(rules.evaluate(series({ series_description: 'T2W TSE AX' })).label).toBe('T2W');
  });
  it('does not fire for sagittal or coronal T2 or non-words', () => {
    expect(rules.evaluate(series({ series_description: 't2_tse_sag' })).label).toBeNull();
    expect(rules.evaluate(series({ series_description: 'T2 COR' })).label).toBeNull();
    expect(rules.evaluate(series({ series_description: 't2star' })).label).toBeNull();
    expect(rules.evaluate(series({ series_description: '-' })).label).toBeNull();
  });
  it('reads the plane from ImageOrientationPatient where the words are in another language or absent', () => {
    const axial = '1 0 0 0 1 0';
    const coronal = '1 0 0 0 0 -1';
    const sagittal = '0 1 0 0 0 -1';
    const obliqueAxial = '0.99 0.1 0 -0.1 0.97 -0.2';
    expect(rules.evaluate(series({ series_description: 'T2 TSE', image_orientation_patient: axial })).label).toBe('T2W');
    expect(rules.evaluate(series({ series_description: 'T2 TSE', image_orientation_patient: obliqueAxial })).label).toBe('T2W');
    expect(rules.evaluate(series({ series_description: 'T2 TSE', image_orientation_patient: coronal })).label).toBeNull();
    expect(rules.evaluate(series({ series_description: 'T2 TSE', image_orientation_patient: sagittal })).label).toBeNull();
    // A series holding a coronal orientation among others is not an axial T2.
    expect(rules.evaluate(series({ series_description: 't2_tse', image_orientation_patient: `${axial} ${coronal}` })).label).toBeNull();
    for (const description of ['T2 koronar', 'T2 coronale', 'T2W coronaal', 'T2 sagittale', 'T2 sagital', 'T2 sagittaal']) {
      expect(rules.evaluate(series({ series_description: description })).label, description).toBeNull();
    }
  });
});

describe('prostate_mpmri: ADC in other languages', () => {
  it('names CDA (coefficient de diffusion apparent) ADC, and keeps it from the DWI rule', () => {
    expect(rules.evaluate(series({ series_description: 'DWI CDA' })).label).toBe('ADC');
    expect(rules.evaluate(series({ series_description: 'carte CDA', diffusion_bvalue: '0 1000' })).label).toBe('ADC');
  });
});

describe('prostate_mpmri: ADC', () => {
  it('fires on ImageType ADC or an adc word', () => {
    expect(rules.evaluate(series({ image_type: 'DERIVED PRIMARY ADC ADC' })).label).toBe('ADC');
    expect(rules.evaluate(series({ series_description: 'dADC_map' })).label).toBeNull();
    expect(rules.evaluate(series({ series_description: 'ADC_map' })).label).toBe('ADC');
  });
});

describe('precedence', () => {
  it('tries DWI, then T2W, then ADC', () => {
    // A DWI series whose description mentions t2 (e.g. "t2-weighted b0 reference") is DWI.
    expect(rules.evaluate(series({ diffusion_bvalue: '800', series_description: 'dwi t2 ref' })).label).toBe('DWI');
    // A series described as T2 with ImageType ADC: T2W fires before ADC.
    expect(rules.evaluate(series({ series_description: 't2 adc', image_type: 'DERIVED ADC' })).label).toBe('T2W');
    const explained = rules.explain(series({ series_description: 't2 adc', image_type: 'DERIVED ADC' }));
    expect(explained.map((verdict) => verdict.fired)).toEqual([false, true, true]);
  });
  it('replaces the model label only when a rule fired', () => {
    expect(combineWithModel('DCE', { label: 'T2W', rule: 'x' })).toBe('T2W');
    expect(combineWithModel('DCE', { label: null, rule: null })).toBe('DCE');
  });
});

describe('rule set columns', () => {
  it('lists every column the rules read, so readers can project', async () => {
    const { compileRuleSet: compile, loadRuleSet: load } = await import('./index.js');
    const rules = compile(await load('prostate_mpmri'));
    expect(rules.columns).toEqual(expect.arrayContaining(['series_description', 'image_type']));
    expect(rules.columns.some((column) => column.startsWith('diffusion_bvalue'))).toBe(true);
    expect(rules.columns).not.toContain('file_path');
  });
});
