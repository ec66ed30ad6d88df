/**
 * Vendor b-values and diffusion directions read whatever VR they arrive with: IS/DS text, FL/FD
 * binary, OB or UN holding either (as anonymizers and implicit-VR archives leave them), in files
 * built here byte by byte; the Siemens CSA image header (built here, damaged, and real: nibabel's
 * and heudiconv's DWI files, whose CSA must agree with their SIEMENS MR HEADER elements); and the
 * b-values of Siemens diffusion sequence names.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { HEADER_OPTIONS, instanceRow, parseHeader } from '../src/index.js';
import { sequenceNameBValues } from '../src/values/sequence-name.js';
import { csaDiffusion, csaEntries } from '../src/values/siemens-csa.js';
import { writePart10, type Dataset, type TransferSyntax } from '../../synth/src/part10.js';
import { realScannerFiles } from './real-scanner-files.js';

const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
const ascii = (text: string) => new TextEncoder().encode(text);

function floats(kind: 'FL' | 'FD', values: readonly number[]): Uint8Array {
  const size = kind === 'FL' ? 4 : 8;
  const bytes = new Uint8Array(values.length * size);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => (kind === 'FL' ? view.setFloat32(i * size, value, true) : view.setFloat64(i * size, value, true)));
  return bytes;
}

/** The instance row of a file holding `elements` besides its keys. */
function rowOf(elements: Dataset, transferSyntax: TransferSyntax = 'explicit-little'): Record<string, string> {
  const bytes = writePart10(
    { sopClassUid: MR_IMAGE_STORAGE, sopInstanceUid: '1.2.3.4', transferSyntax, implementationClassUid: '1.2.3', implementationVersionName: 'MSC_TEST' },
    {
      '00080016': { vr: 'UI', values: [MR_IMAGE_STORAGE] },
      '0020000D': { vr: 'UI', values: ['1.2.3'] },
      '0020000E': { vr: 'UI', values: ['1.2.3.1'] },
      ...elements,
    },
  );
  const outcome = instanceRow(parseHeader(bytes, true, HEADER_OPTIONS), 'built');
  if (outcome.kind !== 'row') throw new Error(outcome.reason);
  return outcome.row as Record<string, string>;
}

const SIEMENS: Dataset = { '00190010': { vr: 'LO', values: ['SIEMENS MR HEADER'] } };
const PHILIPS: Dataset = { '20010010': { vr: 'LO', values: ['Philips Imaging DD 001'] } };
const GE: Dataset = { '00430010': { vr: 'LO', values: ['GEMS_PARM_01'] } };
const CSA: Dataset = { '00290010': { vr: 'LO', values: ['SIEMENS CSA HEADER'] } };

describe('vendor b-values and directions, whatever VR they arrive with', () => {
  it('reads the Siemens elements as text inside OB, as the anonymized ProstateX files hold them', () => {
    const row = rowOf({
      ...SIEMENS,
      '0019100C': { vr: 'OB', bytes: ascii('800 ') },
      '0019100D': { vr: 'OB', bytes: ascii('ISOTROPIC ') },
      '0019100E': { vr: 'OB', bytes: floats('FD', [0.5, -0.5, 0.70710678]) },
    });
    expect(row.diffusion_bvalue_siemens).toBe('800');
    expect(row.diffusion_bvalue_final).toBe('800');
    expect(row.diffusion_directionality_siemens).toBe('ISOTROPIC');
    expect(row.diffusion_gradient_direction_siemens).toBe('0.5 -0.5 0.70710678');
  });

  it('reads a vendor element whose private creator an anonymizer removed, as the original reads it by number, but not one another creator owns', () => {
    // dcmqi's GE prostate ADC (pipelines/real-mr): 0043,1039 as UN, no (0043,0010) creator.
    expect(rowOf({ '00431039': { vr: 'IS', values: ['1000000500', '8', '0', '0'], asUN: true } }).diffusion_bvalue_ge).toBe('500');
    expect(rowOf({ '0019100C': { vr: 'OB', bytes: ascii('800 ') } }).diffusion_bvalue_siemens).toBe('800');
    // Block 0x10 reserved by another creator: its 0x1039 is not GE's b-value.
    expect(rowOf({ '00430010': { vr: 'LO', values: ['OTHER VENDOR'] }, '00431039': { vr: 'IS', values: ['1000'] } }).diffusion_bvalue_ge).toBe('-');
  });

  it('reads IS and DS text and FD binary as the scanner wrote them (explicit VR)', () => {
    const row = rowOf({
      ...SIEMENS,
      '0019100C': { vr: 'IS', values: ['1000'] },
      '0019100E': { vr: 'FD', values: [1, 0, 0] },
      ...GE,
      '00431039': { vr: 'IS', values: ['1000000800', '8', '0', '0'] },
    });
    expect(row.diffusion_bvalue_siemens).toBe('1000');
    expect(row.diffusion_gradient_direction_siemens).toBe('1.0 0.0 0.0');
    expect(row.diffusion_bvalue_ge).toBe('800');
    expect(rowOf({ ...SIEMENS, '0019100C': { vr: 'DS', values: ['50.0'] } }).diffusion_bvalue_siemens).toBe('50.0');
    // GE's IS values inside OB, offset encoding included.
    expect(rowOf({ ...GE, '00431039': { vr: 'OB', bytes: ascii('1000000800\\8\\0\\0 ') } }).diffusion_bvalue_ge).toBe('800');
  });

  it('reads the Philips FL b-value as FL, as text, or as FL bytes inside OB or UN', () => {
    const philips = (elements: Dataset) => rowOf({ ...PHILIPS, ...elements });
    expect(philips({ '20011003': { vr: 'FL', values: [1000] }, '20011004': { vr: 'CS', values: ['I'] } })).toMatchObject({
      diffusion_bvalue_philips: '1000.0',
      diffusion_direction_philips: 'I',
    });
    expect(philips({ '20011003': { vr: 'OB', bytes: floats('FL', [800]) } }).diffusion_bvalue_philips).toBe('800.0');
    expect(philips({ '20011003': { vr: 'FL', values: [800], asUN: true } }).diffusion_bvalue_philips).toBe('800.0');
    // b = 0 as FL is four NUL bytes: no text, a number.
    expect(philips({ '20011003': { vr: 'OB', bytes: floats('FL', [0]) } }).diffusion_bvalue_philips).toBe('0.0');
    // Text where the dictionary says FL (a converter wrote the number out): read as text.
    expect(philips({ '20011003': { vr: 'OB', bytes: ascii('1000') } }).diffusion_bvalue_philips).toBe('1000');
    expect(philips({ '20011003': { vr: 'DS', values: ['1500'], asUN: true } }).diffusion_bvalue_philips).toBe('1500');
    // Six bytes are neither FL nor number text: no value rather than a wrong one.
    expect(philips({ '20011003': { vr: 'OB', bytes: Uint8Array.of(0, 0, 0x7a, 0x44, 1, 2) } }).diffusion_bvalue_philips).toBe('-');
  });

  it('reads the private elements of an implicit VR file (UN) by the vendor definitions', () => {
    const row = rowOf(
      {
        ...SIEMENS,
        '0019100C': { vr: 'IS', values: ['1400'] },
        '0019100D': { vr: 'CS', values: ['DIRECTIONAL'] },
        '0019100E': { vr: 'FD', values: [0, 1, 0] },
        ...PHILIPS,
        '20011003': { vr: 'FL', values: [50] },
      },
      'implicit-little',
    );
    expect(row).toMatchObject({
      diffusion_bvalue_siemens: '1400',
      diffusion_directionality_siemens: 'DIRECTIONAL',
      diffusion_gradient_direction_siemens: '0.0 1.0 0.0',
      diffusion_bvalue_philips: '50.0',
      diffusion_bvalue_final: '1400',
    });
  });

  it('gives no Siemens b-value for OB bytes that are no number text', () => {
    expect(rowOf({ ...SIEMENS, '0019100C': { vr: 'OB', bytes: Uint8Array.of(0x00, 0x00, 0x7a, 0x44) } }).diffusion_bvalue_siemens).toBe('-');
  });

  it('keeps diffusion_bvalue_final as the original defines it: standard, GE, Siemens, Philips', () => {
    const row = rowOf({
      ...SIEMENS,
      '0019100C': { vr: 'OB', bytes: ascii('800 ') },
      ...PHILIPS,
      '20011003': { vr: 'FL', values: [1000] },
      ...CSA,
      '00291010': { vr: 'OB', bytes: csaHeader([['B_value', 1, ['1500']]]) },
      '00180024': { vr: 'SH', values: ['*ep_b2000t'] },
    });
    expect(row.diffusion_bvalue_final).toBe('800');
    expect(row.diffusion_bvalue_csa).toBe('1500');
    expect(row.diffusion_bvalue_sequence).toBe('2000');
  });
});

/** An SV10 CSA header: entries of (name, vm, item texts). */
function csaHeader(entries: readonly [string, number, readonly string[]][], layout: 'SV10' | 'CSA1' = 'SV10'): Uint8Array {
  const parts: number[] = [];
  const int32 = (value: number) => parts.push(value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, (value >>> 24) & 0xff);
  if (layout === 'SV10') parts.push(...ascii('SV10'), 4, 3, 2, 1);
  int32(entries.length);
  int32(77);
  const firstItems = entries[0]?.[2].length ?? 0;
  for (const [name, vm, items] of entries) {
    const nameBytes = new Uint8Array(64);
    nameBytes.set(ascii(name));
    parts.push(...nameBytes);
    int32(vm);
    parts.push(...ascii('FD'), 0, 0);
    int32(4);
    int32(items.length);
    int32(77);
    for (const item of items) {
      const text = [...ascii(item), 0];
      // SV10: length in the second word; CSA1: in the first, offset by the first entry's item count.
      int32(layout === 'SV10' ? text.length : text.length + firstItems);
      int32(text.length);
      int32(77);
      int32(text.length);
      parts.push(...text, ...new Array<number>((4 - (text.length % 4)) % 4).fill(0));
    }
  }
  return Uint8Array.from(parts);
}

describe('the Siemens CSA image header', () => {
  const entries: [string, number, string[]][] = [
    ['EchoLinePosition', 1, ['64']],
    ['B_value', 1, ['1000.00000000']],
    ['SliceNormalVector', 3, ['0.0', '0.0', '1.0']],
    ['DiffusionGradientDirection', 3, ['0.70710678', '-0.70710678', '0.00000000']],
    ['MosaicRefAcqTimes', 0, []],
  ];

  it('reads B_value and DiffusionGradientDirection of both layouts', () => {
    for (const layout of ['SV10', 'CSA1'] as const)
      expect(csaDiffusion(csaHeader(entries, layout)), layout).toEqual({ bValue: '1000', direction: '0.70710678 -0.70710678 0' });
    expect(csaEntries(csaHeader(entries), new Set(['SliceNormalVector'])).get('SliceNormalVector')).toEqual(['0.0', '0.0', '1.0']);
  });

  it('gives nothing for entries with no items (non-diffusion images) or no CSA', () => {
    expect(csaDiffusion(csaHeader([['B_value', 1, []]]))).toEqual({});
    expect(csaDiffusion(undefined)).toEqual({});
    expect(csaDiffusion(new Uint8Array(0))).toEqual({});
  });

  it('reads what precedes damage and never throws on truncated or garbage bytes', () => {
    const whole = csaHeader(entries);
    // Cut inside the direction entry: the b-value before it is kept, the direction is not.
    const directionStart = csaHeader(entries.slice(0, 3)).length;
    expect(csaDiffusion(whole.subarray(0, directionStart + 100))).toEqual({ bValue: '1000' });
    for (let length = 0; length < whole.length; length += 7) expect(() => csaDiffusion(whole.subarray(0, length))).not.toThrow();
    // A random walk of bytes, a huge entry count, a huge item count, a negative length.
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (let trial = 0; trial < 200; trial++) {
      const garbage = Uint8Array.from({ length: 16 + (trial % 50) * 13 }, random);
      if (trial % 2 === 0) garbage.set(ascii('SV10'));
      expect(() => csaDiffusion(garbage)).not.toThrow();
    }
    const hugeEntries = csaHeader(entries);
    new DataView(hugeEntries.buffer).setUint32(8, 0xffffffff, true);
    expect(csaDiffusion(hugeEntries)).toEqual({});
    const negative = csaHeader([['B_value', 1, ['800']]]);
    new DataView(negative.buffer).setInt32(16 + 84 + 4, -5, true);
    expect(csaDiffusion(negative)).toEqual({});
    const corrupted = csaHeader(entries);
    new DataView(corrupted.buffer).setInt32(16 + 76, 1 << 30, true); // first entry's item count
    expect(csaDiffusion(corrupted)).toEqual({});
  });

  it('fills its columns from the file, and leaves them `-` for a damaged CSA', () => {
    expect(rowOf({ ...CSA, '00291010': { vr: 'OB', bytes: csaHeader(entries) } })).toMatchObject({
      diffusion_bvalue_csa: '1000',
      diffusion_gradient_direction_csa: '0.70710678 -0.70710678 0',
    });
    expect(rowOf({ ...CSA, '00291010': { vr: 'OB', bytes: Uint8Array.of(0x53, 0x56, 0x31, 0x30, 9, 9, 9, 9, 0xff, 0xff, 0, 0) } })).toMatchObject({
      diffusion_bvalue_csa: '-',
      diffusion_gradient_direction_csa: '-',
    });
  });

  const REAL_DWI = [
    'nibabel:usr/lib/python3/dist-packages/nibabel/nicom/tests/data/siemens_dwi_0.dcm',
    'nibabel:usr/lib/python3/dist-packages/nibabel/nicom/tests/data/siemens_dwi_1000.dcm',
    'heudiconv:usr/lib/python3/dist-packages/heudiconv/tests/data/b0dwiForFmap/b0dwi_for_fmap+00001.dcm',
    'heudiconv:usr/lib/python3/dist-packages/heudiconv/tests/data/b0dwiForFmap/b0dwi_for_fmap+00003.dcm',
  ];

  it('agrees, in real Siemens DWI files, with the SIEMENS MR HEADER elements and the sequence name', async ({ skip }) => {
    const files = await realScannerFiles(REAL_DWI, 'the real CSA header test');
    if (!files) return skip('real-scanner set not cached');
    const rows = await Promise.all(
      files.map(async (file) => {
        const outcome = instanceRow(parseHeader(new Uint8Array(await readFile(file)), true, HEADER_OPTIONS), file);
        return (outcome as { row: Record<string, string> }).row;
      }),
    );
    expect(rows.map((row) => row.diffusion_bvalue_csa)).toEqual(['0', '1000', '5', '1500']);
    for (const row of rows) {
      expect(row.diffusion_bvalue_csa).toBe(row.diffusion_bvalue_siemens);
      expect(row.diffusion_bvalue_sequence).toBe(row.diffusion_bvalue_siemens);
      // The element writes FD as pydicom prints floats (`0.0`), the CSA as its numbers (`0`).
      if (row.diffusion_gradient_direction_siemens !== '-')
        expect(row.diffusion_gradient_direction_csa!.split(' ').map(Number)).toEqual(row.diffusion_gradient_direction_siemens!.split(' ').map(Number));
    }
    expect(rows[1]!.diffusion_gradient_direction_csa).toBe('0.99997449 0.00505012 -0.00505012');
  });
});

describe('b-values of Siemens diffusion sequence names', () => {
  it('reads the ep_b and re_b families', () => {
    expect(sequenceNameBValues('*ep_b800t')).toBe('800');
    expect(sequenceNameBValues('*ep_b50_800')).toBe('50 800');
    expect(sequenceNameBValues('*re_b1000t')).toBe('1000');
    expect(sequenceNameBValues('ep_b0')).toBe('0');
    expect(sequenceNameBValues('*ep_b1400t')).toBe('1400');
    expect(sequenceNameBValues('ep_b1000#12')).toBe('1000');
    expect(sequenceNameBValues('*ep_b0_1000')).toBe('0 1000');
  });

  it('reads nothing from other sequences', () => {
    for (const name of ['*tfl3d1_16', '*fl3d1r_t70', '*tse2d1_25', 'epfid2d1_64', '*h2d1_205', 'ep_b', '*ep_bx800', 'fl_b800', '-', ''])
      expect(sequenceNameBValues(name), name).toBeUndefined();
  });

  it('fills diffusion_bvalue_sequence from the file, with each value once', () => {
    expect(rowOf({ '00180024': { vr: 'SH', values: ['*ep_b50_800'] } }).diffusion_bvalue_sequence).toBe('50 800');
    expect(rowOf({ '00180024': { vr: 'SH', values: ['*tse2d1_25'] } }).diffusion_bvalue_sequence).toBe('-');
  });
});
