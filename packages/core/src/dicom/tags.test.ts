import { describe, expect, it } from 'vitest';
import {
  ALL_COLUMNS,
  BVALUE_SOURCE_COLUMNS,
  COLUMNS,
  DICOM_COLUMNS,
  IDENTIFIER_COLUMNS,
  NUMERIC_COLUMNS,
  NUMERIC_MULTI_COLUMNS,
  ORIGINAL_COLUMN_NAMES,
  TEXT_COLUMNS,
  columnSpec,
  formatTag,
} from './tags.js';

// docs/behaviour.md §1: the original's columns and tags, written out independently of tags.ts.
const ORIGINAL_TAGS: Record<string, string> = {
  study_uid: '0020,000D',
  series_uid: '0020,000E',
  diffusion_bvalue: '0018,9087',
  diffusion_directionality: '0018,9075',
  echo_time: '0018,0081',
  echo_train_length: '0018,0091',
  repetition_time: '0018,0080',
  flip_angle: '0018,1314',
  in_plane_phase_encoding_direction: '0018,1312',
  mr_acquisition_type: '0018,0023',
  acquisition_matrix: '0018,1310',
  patient_position: '0018,5100',
  reconstruction_matrix: '0018,1100',
  magnetic_field_strength: '0018,0087',
  manufacturer: '0008,0070',
  manufacturer_model_name: '0008,1090',
  body_part_examined: '0018,0015',
  number_of_phase_encoding_steps: '0018,0089',
  number_of_temporal_positions: '0020,0105',
  series_description: '0008,103E',
  diffusion_bvalue_siemens: '0019,100C',
  percent_phase_field_of_view: '0018,0094',
  pixel_bandwidth: '0018,0095',
  receive_coil_name: '0018,1250',
  transmit_coil_name: '0018,1251',
  sar: '0018,1316',
  scanning_sequence: '0018,0020',
  sequence_variant: '0018,0021',
  slice_thickness: '0018,0050',
  software_versions: '0018,1020',
  temporal_resolution: '0020,0110',
  image_orientation_patient: '0020,0037',
  image_type: '0008,0008',
  scan_options: '0018,0022',
  photometric_interpretation: '0028,0004',
  spectrally_selected_suppression: '0018,9025',
  inversion_time: '0018,0082',
  pixel_spacing: '0028,0030',
  number_of_echos: '0018,0086',
  modality: '0008,0060',
  diffusion_bvalue_ge: '0043,1039',
  patient_id: '0010,0020',
};

// docs/behaviour.md §3, minus the three the original lists as numeric but never uses (§3 last paragraph).
const ORIGINAL_TEXT = [
  'image_type',
  'sequence_variant',
  'diffusion_bvalue',
  'diffusion_bvalue_ge',
  'diffusion_bvalue_siemens',
  'diffusion_bvalue_final',
  'in_plane_phase_encoding_direction',
  'mr_acquisition_type',
  'patient_position',
  'manufacturer',
  'manufacturer_model_name',
  'receive_coil_name',
  'transmit_coil_name',
  'scanning_sequence',
  'software_versions',
  'scan_options',
  'photometric_interpretation',
  'modality',
  'series_description',
];
const ORIGINAL_NUMERIC_MULTI = [
  'acquisition_matrix',
  'echo_time',
  'echo_train_length',
  'repetition_time',
  'flip_angle',
  'magnetic_field_strength',
  'percent_phase_field_of_view',
  'pixel_bandwidth',
  'sar',
  'slice_thickness',
  'temporal_resolution',
  'image_orientation_patient',
  'pixel_spacing',
  'number_of_echos',
  'number_of_temporal_positions',
];
const NEVER_FEATURES = [
  'study_uid',
  'series_uid',
  'diffusion_directionality',
  'spectrally_selected_suppression',
  'reconstruction_matrix',
  'number_of_phase_encoding_steps',
  'inversion_time',
  'image_x',
  'image_y',
  'seg',
  'valid',
];

describe('column table', () => {
  it('maps every column of the original to its tag', () => {
    for (const [name, tagText] of Object.entries(ORIGINAL_TAGS)) {
      const spec = columnSpec(name);
      expect(spec, name).toBeDefined();
      expect(spec!.origin, name).toBe('original');
      expect(formatTag(spec!.tag!), name).toBe(tagText);
    }
  });

  it('has unique column names and unique tags', () => {
    const names = ALL_COLUMNS.map((spec) => spec.name);
    expect(new Set(names).size).toBe(names.length);
    const tags = DICOM_COLUMNS.map((spec) => formatTag(spec.tag!));
    expect(new Set(tags).size).toBe(tags.length);
  });

  it('gives the original text and numeric multi-value columns those roles', () => {
    for (const name of ORIGINAL_TEXT) expect(TEXT_COLUMNS, name).toContain(name);
    for (const name of ORIGINAL_NUMERIC_MULTI) expect(NUMERIC_MULTI_COLUMNS, name).toContain(name);
    // Every text/numeric-multi column is either the original's or an MSC extension, never a stray.
    for (const name of [...TEXT_COLUMNS, ...NUMERIC_MULTI_COLUMNS]) {
      const spec = columnSpec(name)!;
      if (spec.origin === 'original') expect([...ORIGINAL_TEXT, ...ORIGINAL_NUMERIC_MULTI]).toContain(name);
    }
  });

  it('never makes identifiers or excluded columns features', () => {
    const features = new Set([...TEXT_COLUMNS, ...NUMERIC_MULTI_COLUMNS, ...NUMERIC_COLUMNS]);
    for (const name of NEVER_FEATURES) {
      expect(columnSpec(name), name).toBeDefined();
      expect(features.has(name), name).toBe(false);
    }
    expect(columnSpec('body_part_examined')!.role).toBe('filter-only');
    expect(IDENTIFIER_COLUMNS).toEqual(expect.arrayContaining(['patient_id', 'study_uid', 'series_uid', 'file_path']));
    expect(NUMERIC_COLUMNS).toContain('number_of_images');
  });

  it('records private creators for vendor b-values', () => {
    expect(columnSpec('diffusion_bvalue_siemens')!.privateCreator).toBe('SIEMENS MR HEADER');
    expect(columnSpec('diffusion_bvalue_ge')!.privateCreator).toBe('GEMS_PARM_01');
    for (const name of BVALUE_SOURCE_COLUMNS) expect(columnSpec(name), name).toBeDefined();
    expect(BVALUE_SOURCE_COLUMNS.slice(0, 3)).toEqual(['diffusion_bvalue', 'diffusion_bvalue_ge', 'diffusion_bvalue_siemens']);
  });

  it('gives docs/behaviour.md §3 defaults to empty cells', () => {
    expect(columnSpec('number_of_echos')!.emptyDefault).toBe('1');
    expect(columnSpec('number_of_temporal_positions')!.emptyDefault).toBe('1');
    expect(columnSpec('temporal_resolution')!.emptyDefault).toBe('0');
    expect(columnSpec('diffusion_bvalue')!.emptyDefault).toBe('-');
  });

  it('lists the original columns in table order, extensions after', () => {
    expect(ORIGINAL_COLUMN_NAMES).toEqual(expect.arrayContaining(Object.keys(ORIGINAL_TAGS)));
    const firstExtension = COLUMNS.findIndex((spec) => spec.origin === 'msc');
    expect(COLUMNS.slice(firstExtension).every((spec) => spec.origin === 'msc')).toBe(true);
  });
});
