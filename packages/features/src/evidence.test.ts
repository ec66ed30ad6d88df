import { describe, expect, it } from 'vitest';
import { cleanValue, type Cell, type Row } from '@msc/core';
import { DERIVED_MAP, DIFFUSION_WEIGHTED, DYNAMIC, evidenceCell, type EvidenceDefinition } from './evidence.js';
import { fitFeaturizer, transform } from './featurize.js';
import { matrixValue } from './matrix.js';
import { featureNames, parseFeatureSpec, requiredColumns, serializeFeatureSpec, specColumns, type FeatureSpec } from './spec.js';
import { toMilliseconds } from './units.js';

const evidence = (definition: EvidenceDefinition, row: Row) =>
  definition.compute((column) => evidenceCell(column, cleanValue(column, row[column] as Cell | undefined)));

// A DCE series as a Siemens export writes it, and the same series from exports that drop tags.
const DCE: Row = {
  number_of_temporal_positions: '7',
  temporal_position_identifier: '1 2 3',
  temporal_resolution: '8021',
  contrast_bolus_agent: '- ProHance',
  mr_acquisition_type: '3D',
  scanning_sequence: 'GR',
  repetition_time: '3.55',
  echo_time: '2.29',
  flip_angle: '10',
};
const T1_POST: Row = { ...DCE, number_of_temporal_positions: '-', temporal_position_identifier: '-', temporal_resolution: '-' };

describe('dynamic evidence', () => {
  it('counts independent signals, so one blank tag lowers the count by one', () => {
    expect(evidence(DYNAMIC, DCE)).toEqual([5, 7]);
    expect(evidence(DYNAMIC, { ...DCE, temporal_resolution: '-' })).toEqual([4, 7]);
    expect(evidence(DYNAMIC, { ...DCE, temporal_resolution: null, number_of_temporal_positions: null })).toEqual([3, 3]);
    // a single contrast-enhanced T1 volume: agent and sequence shape only
    expect(evidence(DYNAMIC, T1_POST)).toEqual([2, 1]);
    expect(evidence(DYNAMIC, {})[0]).toBe(0);
  });

  it('reads columns other branches add when a table has them: trigger times, study phases', () => {
    expect(evidence(DYNAMIC, { ...T1_POST, trigger_time: '0 9000 18000 27000' })[0]).toBe(3);
    expect(evidence(DYNAMIC, { ...T1_POST, acquisition_time: '101500 101509 101518' })[0]).toBe(3);
    expect(evidence(DYNAMIC, { ...T1_POST, trigger_time: '0 9000' })[0]).toBe(2);
    expect(evidence(DYNAMIC, { ...T1_POST, study_dynamic_phases: '12' })[0]).toBe(3);
  });

  it('takes a temporal resolution written in seconds as present and dynamic', () => {
    expect(evidence(DYNAMIC, { temporal_resolution: '8.0' })[0]).toBe(1);
  });
});

describe('diffusion and derived-map evidence', () => {
  const DWI: Row = {
    diffusion_bvalue_siemens: '0 100 800',
    diffusion_bvalue_final: '0 100 800',
    image_type: 'ORIGINAL PRIMARY DIFFUSION NONE ND NORM',
    diffusion_directionality: 'ISOTROPIC',
    scanning_sequence: 'EP',
    echo_time: '60',
  };
  it('counts b > 0 from any b-value column (new ones included), image type, directionality and SE-EPI', () => {
    expect(evidence(DIFFUSION_WEIGHTED, DWI)).toEqual([4, 800, 2]);
    expect(evidence(DIFFUSION_WEIGHTED, { ...DWI, image_type: null, diffusion_bvalue_final: '-' })).toEqual([3, 800, 1]);
    expect(evidence(DIFFUSION_WEIGHTED, { diffusion_bvalue_csa: '1400', scanning_sequence: 'EP SE' })).toEqual([2, 1400, 1]);
    expect(evidence(DIFFUSION_WEIGHTED, { diffusion_bvalue_sequence: '50 1000' })).toEqual([1, 1000, 1]);
    // a b0 series: b-values present but none weighted; a BOLD EPI (gradient echo, TE 30): nothing
    expect(
      evidence(DIFFUSION_WEIGHTED, { diffusion_bvalue_final: '0', diffusion_directionality: 'NONE', scanning_sequence: 'EP SE', echo_time: '95' }),
    ).toEqual([1, 0, 0]);
    expect(evidence(DIFFUSION_WEIGHTED, { scanning_sequence: 'EP', echo_time: '30', image_type: 'ORIGINAL PRIMARY M' })).toEqual([0, -1, 0]);
  });

  it('tells a computed map by a derived non-trace image type, map words and study siblings', () => {
    const ADC: Row = { image_type: 'DERIVED PRIMARY DIFFUSION ADC', scanning_sequence: 'EP SE' };
    expect(evidence(DERIVED_MAP, ADC)).toEqual([2]);
    expect(evidence(DERIVED_MAP, { ...ADC, study_diffusion_siblings: '2' })).toEqual([3]);
    expect(evidence(DERIVED_MAP, { ...ADC, image_type: null, study_diffusion_siblings: '2' })).toEqual([1]);
    // a derived trace (Siemens TRACEW, calculated b) is weighted, not a map, with or without its b-values
    expect(evidence(DERIVED_MAP, { ...DWI, image_type: 'DERIVED PRIMARY DIFFUSION TRACEW', study_diffusion_siblings: '2' })).toEqual([0]);
    expect(evidence(DERIVED_MAP, { image_type: 'DERIVED PRIMARY DIFFUSION CALC_BVALUE TRACEW', scanning_sequence: 'EP' })).toEqual([0]);
  });
});

describe('units', () => {
  it('takes small timing values as seconds', () => {
    expect(toMilliseconds('temporal_resolution', 8.5)).toBe(8500);
    expect(toMilliseconds('temporal_resolution', 8021)).toBe(8021);
    expect(toMilliseconds('repetition_time', 0.0035)).toBeCloseTo(3.5, 9);
    expect(toMilliseconds('repetition_time', 3.5)).toBe(3.5); // ambiguous: left as written
    expect(toMilliseconds('echo_time', 0.09)).toBeCloseTo(90, 9);
    expect(toMilliseconds('echo_time', 0)).toBe(0);
    expect(toMilliseconds('flip_angle', 0.5)).toBe(0.5);
  });
});

const rows: Row[] = [
  { study_uid: 's1', series_uid: 'a', ...DCE },
  { study_uid: 's1', series_uid: 'b', ...T1_POST, temporal_resolution: '8.021' },
  { study_uid: 's2', series_uid: 'c', image_type: 'DERIVED PRIMARY ADC', scanning_sequence: 'EP SE', echo_time: '0.09' },
];

describe('evidence in the featurizer (spec version 3)', () => {
  it('records the columns each evidence feature read, and prediction reads them', () => {
    const spec = fitFeaturizer(rows);
    expect(spec.version).toBe(3);
    const names = featureNames(spec);
    expect(names).toEqual(expect.arrayContaining(['dynamic:signals', 'diffusion_weighted:signals', 'derived_map:signals']));
    const dynamic = spec.features.find((ref) => ref.kind === 'derived' && ref.column === 'dynamic')!;
    expect(dynamic.kind === 'derived' && dynamic.inputs).toContain('study_dynamic_phases');
    expect(specColumns(spec)).toEqual(expect.arrayContaining(['trigger_time', 'diffusion_bvalue_csa', 'study_diffusion_siblings', 'temporal_resolution']));
    // evidence inputs are read when a table has them, never required of it
    expect(requiredColumns(spec)).toContain('temporal_resolution');
    expect(requiredColumns(spec)).not.toContain('trigger_time');
    expect(requiredColumns(spec)).not.toContain('diffusion_directionality');
    expect(requiredColumns(spec)).not.toContain('dynamic');
    const m = transform(rows, spec);
    expect([0, 1, 2].map((r) => matrixValue(m, r, names.indexOf('dynamic:signals')))).toEqual([5, 3, 0]);
    // units: 8.021 s and 8021 ms are one value; TE 0.09 s is 90 ms
    expect(matrixValue(m, 1, names.indexOf('temporal_resolution_max'))).toBeCloseTo(8021, 3);
    expect(matrixValue(m, 2, names.indexOf('echo_time_max'))).toBeCloseTo(90, 3);
    expect(transform(rows, parseFeatureSpec(serializeFeatureSpec(spec))).data).toEqual(m.data);
  });

  it('leaves excluded columns out of the evidence', () => {
    const spec = fitFeaturizer(rows, { exclude: ['temporal_resolution'] });
    expect(specColumns(spec)).not.toContain('temporal_resolution');
    const names = featureNames(spec);
    expect(matrixValue(transform(rows, spec), 0, names.indexOf('dynamic:signals'))).toBe(4);
  });

  it('featurizes version-2 specs as before: no unit rule', () => {
    const v2: FeatureSpec = {
      version: 2,
      maxNgram: 5,
      columns: ['temporal_resolution'],
      features: [{ kind: 'multi', column: 'temporal_resolution', stat: 'max' }],
    };
    expect(transform([{ temporal_resolution: '8.5' }], parseFeatureSpec(JSON.stringify(v2))).data[0]).toBe(8.5);
    expect(transform([{ temporal_resolution: '8.5' }], { ...v2, version: 3 }).data[0]).toBe(8500);
  });

  it('rejects an evidence feature this version does not know', () => {
    const spec = { version: 3, maxNgram: 5, columns: [], features: [{ kind: 'derived', column: 'no_such', name: 'signals', inputs: ['echo_time'] }] };
    expect(() => parseFeatureSpec(JSON.stringify(spec))).toThrow(/does not know: no_such:signals/);
  });
});
