import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { IMAGE_FEATURE_COLUMNS } from '@msc/core';
import { IMAGE_FEATURE_NAMES, imageFeatures, imageFeaturesFromFile, readFirstFrame } from './index.js';
import { PYDICOM_TEST_FILES, PYTHON, skipWithoutPython } from '../../../../test-support/oracles.js';

// Oracle: numpy/scipy re-statement of the scikit-image functions (oracle.py) and pydicom's
// pixel_array. Skipped without them, except where oracles are required (CI).
const ORACLE = fileURLToPath(new URL('./oracle.py', import.meta.url));
const TEST_FILES = PYDICOM_TEST_FILES;
const skipOracle = skipWithoutPython('numpy', 'scipy', 'pydicom');
const skipCorpus = skipOracle;

const RELATIVE_TOLERANCE = 1e-6;

type Job = { raw: string; rows: number; columns: number } | { dicom: string; dump?: string };
type OracleResult = { values: Record<string, number | null>; shape: number[] } | { error: string };

function runOracle(jobs: Job[]): OracleResult[] {
  const result = spawnSync(PYTHON, [ORACLE], { input: JSON.stringify(jobs), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`oracle failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as OracleResult[];
}

/** Degree of each Hu moment in the normalized moments' scale (Hu 1 ~ nu, Hu 2 ~ nu^2, ...). */
const HU_DEGREE = [1, 2, 3, 3, 6, 4, 6];

/**
 * Agreement to RELATIVE_TOLERANCE, or, for quantities whose true value is 0 (a symmetric or flat
 * image), both at rounding-noise level: under 1e-9 of the feature's natural scale.
 */
function absoluteFloor(name: string, reference: Record<string, number | null>): number {
  const value = (key: string) => Math.abs(reference[key] ?? 0);
  const hu = /^image_hu_moment_(\d)$/.exec(name);
  if (hu) return 1e-9 * value('image_hu_moment_1') ** HU_DEGREE[Number(hu[1]) - 1]!;
  if (name.startsWith('image_inertia')) return 1e-9 * value('image_inertia_eigenvalue_1');
  if (['image_mean', 'image_std', 'image_min', 'image_max', 'image_median', 'image_rms'].includes(name))
    return 1e-12 * Math.max(value('image_min'), value('image_max'));
  return 1e-12; // dimensionless: skewness, kurtosis, entropy, blur effect
}

/** Mismatches of `ours` against the oracle; the oracle's NaN (null) must come out as 0. */
function mismatches(label: string, ours: Record<string, number>, reference: Record<string, number | null>): string[] {
  const out: string[] = [];
  expect(Object.keys(ours).sort()).toEqual([...IMAGE_FEATURE_NAMES].sort());
  for (const name of IMAGE_FEATURE_NAMES) {
    const want = reference[name] ?? 0;
    const got = ours[name]!;
    if (Math.abs(got - want) > Math.max(RELATIVE_TOLERANCE * Math.abs(want), absoluteFloor(name, reference)))
      out.push(`${label} ${name}: ours ${got}, oracle ${want}`);
  }
  return out;
}

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function image(rows: number, columns: number, value: (r: number, c: number) => number): Float64Array {
  const out = new Float64Array(rows * columns);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[r * columns + c] = value(r, c);
  return out;
}

interface Case {
  name: string;
  rows: number;
  columns: number;
  pixels: Float64Array;
}

function randomCases(): Case[] {
  const next = random(20240611);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const phantom = (r: number, c: number) => {
    // An off-centre ellipse over noise: 12-bit MR-like values, skewed histogram, real moments.
    const inside = ((r - 300) / 150) ** 2 + ((c - 220) / 90) ** 2 < 1;
    return Math.max(0, Math.round((inside ? 1800 : 40) + (inside ? 200 : 30) * normal()));
  };
  return [
    { name: 'uniform 12-bit 64x64', rows: 64, columns: 64, pixels: image(64, 64, () => int(0, 4095)) },
    { name: 'float normal 37x53', rows: 37, columns: 53, pixels: image(37, 53, () => 100 + 15 * normal()) },
    { name: 'phantom 512x512', rows: 512, columns: 512, pixels: image(512, 512, phantom) },
    { name: 'signed 5x7', rows: 5, columns: 7, pixels: image(5, 7, () => int(-50, 200)) },
    { name: 'tiny 3x3 (no blur interior)', rows: 3, columns: 3, pixels: image(3, 3, () => int(0, 9)) },
    { name: 'wide-range integers 96x128 (sort path)', rows: 96, columns: 128, pixels: image(96, 128, () => int(0, 1 << 24)) },
    { name: 'negative total intensity 40x30', rows: 40, columns: 30, pixels: image(40, 30, () => int(-1000, 100)) },
    { name: 'constant 16x16', rows: 16, columns: 16, pixels: image(16, 16, () => 7) },
    { name: 'gradient ramp 20x300', rows: 20, columns: 300, pixels: image(20, 300, (r, c) => r * 3 + c) },
    // Rounding makes the variance tiny but not 0: scipy's zero-variance tolerance must apply.
    { name: 'constant 0.1 37x41', rows: 37, columns: 41, pixels: image(37, 41, () => 0.1) },
  ];
}

const FILES = [
  'MR_small.dcm', // explicit VR little endian
  'MR_small_implicit.dcm',
  'MR_small_bigendian.dcm',
  'MR_small_expb.dcm',
  'MR_small_padded.dcm',
  'MR_small_RLE.dcm',
  'CT_small.dcm',
  'image_dfl.dcm', // deflated, 8-bit 512x512
  'rtdose.dcm', // implicit, 32-bit unsigned, 15 frames
  'rtdose_expb.dcm', // big endian 32-bit, 15 frames
  'rtdose_rle.dcm', // RLE 32-bit (4 segments), 15 frames
  'rtdose_rle_1frame.dcm',
];

const SKIPPED: [string, RegExp][] = [
  ['JPEG2000.dcm', /^unsupported transfer syntax 1\.2\.840\.10008\.1\.2\.4\.91 for image features$/],
  ['SC_rgb_jpeg_dcmtk.dcm', /^unsupported transfer syntax 1\.2\.840\.10008\.1\.2\.4\.50 for image features$/],
  ['SC_rgb_rle.dcm', /^SamplesPerPixel 3 \(colour\)/],
  ['liver_1frame.dcm', /^BitsAllocated 1 /],
  ['MR_truncated.dcm', /^truncated$/],
  ['reportsi.dcm', /^no pixel data$/],
];

// A small DICOM writer, so every supported encoding meets signed/unsigned 8/16/32-bit data with
// negative values, a sequence before the pixels and a second frame (pydicom reads them back).
const SYNTAX = {
  implicit: '1.2.840.10008.1.2',
  explicit: '1.2.840.10008.1.2.1',
  big: '1.2.840.10008.1.2.2',
  deflated: '1.2.840.10008.1.2.1.99',
  rle: '1.2.840.10008.1.2.5',
} as const;
type Syntax = keyof typeof SYNTAX;

class Writer {
  private readonly chunks: Uint8Array[] = [];
  constructor(
    private readonly explicitVR: boolean,
    private readonly littleEndian: boolean,
  ) {}
  private raw(bytes: Uint8Array): void {
    this.chunks.push(bytes);
  }
  private header(group: number, element: number, vr: string, length: number): void {
    const long = ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(vr);
    const out = new DataView(new ArrayBuffer(this.explicitVR && !long ? 8 : 12));
    out.setUint16(0, group, this.littleEndian);
    out.setUint16(2, element, this.littleEndian);
    if (!this.explicitVR || group === 0xfffe) {
      out.setUint32(4, length, this.littleEndian);
      this.raw(new Uint8Array(out.buffer, 0, 8));
      return;
    }
    out.setUint8(4, vr.charCodeAt(0));
    out.setUint8(5, vr.charCodeAt(1));
    if (long) out.setUint32(8, length, this.littleEndian);
    else out.setUint16(6, length, this.littleEndian);
    this.raw(new Uint8Array(out.buffer));
  }
  element(group: number, element: number, vr: string, value: Uint8Array): this {
    this.header(group, element, vr, value.length);
    this.raw(value);
    return this;
  }
  text(group: number, element: number, vr: string, text: string): this {
    const padded = text.length % 2 ? text + (vr === 'UI' ? '\0' : ' ') : text;
    return this.element(
      group,
      element,
      vr,
      Uint8Array.from(padded, (ch) => ch.charCodeAt(0)),
    );
  }
  us(group: number, element: number, value: number): this {
    const out = new DataView(new ArrayBuffer(2));
    out.setUint16(0, value, this.littleEndian);
    return this.element(group, element, 'US', new Uint8Array(out.buffer));
  }
  /** An undefined-length sequence with one undefined-length item holding a UI element. */
  sequence(group: number, element: number): this {
    this.header(group, element, 'SQ', 0xffffffff);
    this.header(0xfffe, 0xe000, '', 0xffffffff);
    this.text(0x0020, 0x000e, 'UI', '1.2.3.4.5');
    this.header(0xfffe, 0xe00d, '', 0);
    this.header(0xfffe, 0xe0dd, '', 0);
    return this;
  }
  /** Encapsulated pixel data: empty offset table, one fragment per frame. */
  encapsulated(fragments: Uint8Array[]): this {
    this.header(0x7fe0, 0x0010, 'OB', 0xffffffff);
    this.header(0xfffe, 0xe000, '', 0);
    for (const fragment of fragments) {
      const even = fragment.length % 2 ? Uint8Array.from([...fragment, 0]) : fragment;
      this.header(0xfffe, 0xe000, '', even.length);
      this.raw(even);
    }
    this.header(0xfffe, 0xe0dd, '', 0);
    return this;
  }
  bytes(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

/** PackBits with replicate runs of 3+ equal bytes, literal runs otherwise. */
function packBits(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < data.length) {
    let run = 1;
    while (i + run < data.length && run < 128 && data[i + run] === data[i]) run++;
    if (run >= 3) {
      out.push(257 - run, data[i]!);
      i += run;
      continue;
    }
    const start = i;
    while (i < data.length && i - start < 128 && !(i + 2 < data.length && data[i] === data[i + 1] && data[i] === data[i + 2])) i++;
    out.push(i - start - 1, ...data.subarray(start, i));
  }
  return Uint8Array.from(out);
}

/** RLE frame: header, then one segment per byte plane, most significant first. */
function rleFrame(samples: number[], bytesPerSample: number): Uint8Array {
  const segments = Array.from({ length: bytesPerSample }, (_, plane) => {
    const shift = 8 * (bytesPerSample - 1 - plane);
    return packBits(Uint8Array.from(samples, (v) => Number((BigInt(v) >> BigInt(shift)) & 0xffn)));
  });
  const header = new DataView(new ArrayBuffer(64));
  header.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((segment, k) => {
    header.setUint32(4 + 4 * k, offset, true);
    offset += segment.length;
  });
  return Buffer.concat([new Uint8Array(header.buffer), ...segments]);
}

function syntheticDicom(syntax: Syntax, bits: 8 | 16 | 32, signed: boolean, rows: number, columns: number, frames: number[][]): Uint8Array {
  const littleEndian = syntax !== 'big';
  const data = new Writer(syntax !== 'implicit', littleEndian)
    .text(0x0008, 0x0016, 'UI', '1.2.840.10008.5.1.4.1.1.4')
    .sequence(0x0008, 0x1115)
    .us(0x0028, 0x0002, 1)
    .text(0x0028, 0x0004, 'CS', 'MONOCHROME2')
    .text(0x0028, 0x0008, 'IS', String(frames.length))
    .us(0x0028, 0x0010, rows)
    .us(0x0028, 0x0011, columns)
    .us(0x0028, 0x0100, bits)
    .us(0x0028, 0x0101, bits)
    .us(0x0028, 0x0102, bits - 1)
    .us(0x0028, 0x0103, signed ? 1 : 0)
    .text(0x0028, 0x1052, 'DS', '-1024')
    .text(0x0028, 0x1053, 'DS', '2.5');
  if (syntax === 'rle') {
    // RLE planes hold the two's-complement bytes.
    const unsigned = (v: number) => (v < 0 ? v + 2 ** bits : v);
    data.encapsulated(frames.map((frame) => rleFrame(frame.map(unsigned), bits / 8)));
  } else {
    const size = bits / 8;
    const view = new DataView(new ArrayBuffer(frames.length * rows * columns * size));
    frames.flat().forEach((v, i) => {
      if (bits === 8) signed ? view.setInt8(i, v) : view.setUint8(i, v);
      else if (bits === 16) signed ? view.setInt16(2 * i, v, littleEndian) : view.setUint16(2 * i, v, littleEndian);
      else signed ? view.setInt32(4 * i, v, littleEndian) : view.setUint32(4 * i, v, littleEndian);
    });
    data.element(0x7fe0, 0x0010, bits === 8 ? 'OB' : 'OW', new Uint8Array(view.buffer));
  }
  const dataset = syntax === 'deflated' ? deflateRawSync(data.bytes()) : data.bytes();
  const metaBody = new Writer(true, true)
    .element(0x0002, 0x0001, 'OB', Uint8Array.from([0, 1]))
    .text(0x0002, 0x0002, 'UI', '1.2.840.10008.5.1.4.1.1.4')
    .text(0x0002, 0x0003, 'UI', '1.2.3.4.5.6')
    .text(0x0002, 0x0010, 'UI', SYNTAX[syntax])
    .bytes();
  const groupLength = new DataView(new ArrayBuffer(4));
  groupLength.setUint32(0, metaBody.length, true);
  const meta = new Writer(true, true).element(0x0002, 0x0000, 'UL', new Uint8Array(groupLength.buffer)).bytes();
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return Buffer.concat([preamble, meta, metaBody, dataset]);
}

describe('image features against the Python oracle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'msc-image-features-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(skipOracle)('match numpy/scipy/skimage formulas on generated images', () => {
    const cases = randomCases();
    const jobs = cases.map((c, k): Job => {
      const path = join(dir, `case-${k}.f64`);
      writeFileSync(path, new Uint8Array(c.pixels.buffer));
      return { raw: path, rows: c.rows, columns: c.columns };
    });
    const results = runOracle(jobs);
    const problems = cases.flatMap((c, k) => {
      const result = results[k]!;
      if ('error' in result) return [`${c.name}: oracle error ${result.error}`];
      return mismatches(c.name, imageFeatures(c.pixels, c.rows, c.columns), result.values);
    });
    expect(problems).toEqual([]);
    // The degenerate cases do exercise the NaN -> 0 rule.
    const nulls = (name: string) => {
      const result = results[cases.findIndex((c) => c.name === name)]!;
      return 'values' in result ? Object.keys(result.values).filter((key) => result.values[key] === null) : [];
    };
    expect(nulls('tiny 3x3 (no blur interior)')).toEqual(['image_blur_effect']);
    expect(nulls('negative total intensity 40x30')).toEqual(expect.arrayContaining(['image_hu_moment_3', 'image_hu_moment_7']));
    expect(nulls('constant 16x16')).toEqual(['image_skewness', 'image_kurtosis']);
    expect(nulls('constant 0.1 37x41')).toEqual(['image_skewness', 'image_kurtosis']);
  });

  it.skipIf(skipOracle)('match pydicom pixel_array (first frame, stored values) on its test files', () => {
    const jobs = FILES.map((file, k): Job => ({ dicom: join(TEST_FILES, file), dump: join(dir, `frame-${k}.f64`) }));
    const results = runOracle(jobs);
    const problems: string[] = [];
    FILES.forEach((file, k) => {
      const result = results[k]!;
      if ('error' in result) return problems.push(`${file}: oracle error ${result.error}`);
      const bytes = readFileSync(join(TEST_FILES, file));
      const frame = readFirstFrame(bytes);
      if (frame.kind === 'skipped') return problems.push(`${file}: skipped (${frame.reason})`);
      expect([frame.rows, frame.columns], file).toEqual(result.shape);
      const expected = new Float64Array(Uint8Array.from(readFileSync(join(dir, `frame-${k}.f64`))).buffer);
      expect(frame.pixels, file).toEqual(expected);
      const features = imageFeaturesFromFile(bytes);
      if (features.kind === 'skipped') return problems.push(`${file}: skipped (${features.reason})`);
      problems.push(...mismatches(file, features.values, result.values));
    });
    expect(problems).toEqual([]);
  });

  it.skipIf(skipOracle)('match pydicom on written files: every supported encoding, 8/16/32-bit, signed and unsigned', () => {
    const next = random(99);
    const rows = 23;
    const columns = 17;
    const combos = (Object.keys(SYNTAX) as Syntax[]).flatMap((syntax) =>
      ([8, 16, 32] as const).flatMap((bits) => [false, true].map((signed) => ({ syntax, bits, signed }))),
    );
    const files = combos.map(({ syntax, bits, signed }, k) => {
      const top = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
      const bottom = signed ? -(2 ** (bits - 1)) : 0;
      // Mostly positive with some negatives when signed, plus the extremes of the type.
      const frame = () =>
        Array.from({ length: rows * columns }, (_, i) => (i === 0 ? bottom : i === 1 ? top : Math.floor(bottom / 4 + next() * (top - bottom / 4))));
      const path = join(dir, `synthetic-${syntax}-${bits}-${signed ? 's' : 'u'}.dcm`);
      writeFileSync(path, syntheticDicom(syntax, bits, signed, rows, columns, [frame(), frame()]));
      return { label: `${syntax} ${bits}-bit ${signed ? 'signed' : 'unsigned'}`, signed, path, dump: join(dir, `synthetic-${k}.f64`) };
    });
    const results = runOracle(files.map(({ path, dump }) => ({ dicom: path, dump })));
    const problems: string[] = [];
    files.forEach(({ label, signed, path, dump }, k) => {
      const result = results[k]!;
      if ('error' in result) return problems.push(`${label}: oracle error ${result.error}`);
      const frame = readFirstFrame(readFileSync(path));
      if (frame.kind === 'skipped') return problems.push(`${label}: skipped (${frame.reason})`);
      const expected = new Float64Array(Uint8Array.from(readFileSync(dump)).buffer);
      const wrong = frame.pixels.findIndex((v, i) => v !== expected[i]);
      if (frame.rows !== rows || frame.columns !== columns || wrong >= 0)
        return problems.push(`${label}: pixel ${wrong} is ${frame.pixels[wrong]}, pydicom ${expected[wrong]}`);
      if (signed && !frame.pixels.some((v) => v < 0)) problems.push(`${label}: no negative pixel`);
      problems.push(...mismatches(label, imageFeatures(frame.pixels, rows, columns), result.values));
    });
    expect(problems).toEqual([]);
  });
});

describe('imageFeaturesFromFile skips what it cannot decode, with a reason', () => {
  it.skipIf(skipCorpus).each(SKIPPED)('%s', (file, reason) => {
    const result = imageFeaturesFromFile(readFileSync(join(TEST_FILES, file)));
    expect(result.kind).toBe('skipped');
    expect(result.kind === 'skipped' ? result.reason : '').toMatch(reason);
  });

  it('reports garbage as unparseable instead of throwing', () => {
    const result = imageFeaturesFromFile(new Uint8Array([0x08, 0x00, 0x05, 0x00, 0x43, 0x53, 0x0a, 0x00, 1, 2, 3]));
    expect(result.kind).toBe('skipped');
  });
});

describe('image features on hand-checkable images', () => {
  it('uses exactly the numeric image columns of core', () => {
    const numeric = IMAGE_FEATURE_COLUMNS.filter((spec) => spec.role === 'numeric').map((spec) => spec.name);
    expect(IMAGE_FEATURE_NAMES).toEqual(numeric);
    expect(IMAGE_FEATURE_NAMES).toHaveLength(19);
    expect(Object.keys(imageFeatures(new Float64Array(16).fill(1), 4, 4))).toEqual(numeric);
  });

  it('constant image: no spread, no entropy; scipy NaN skewness/kurtosis become 0', () => {
    const n = 16;
    const f = imageFeatures(new Float64Array(n * n).fill(7), n, n);
    expect([f.image_mean, f.image_min, f.image_max, f.image_median, f.image_rms]).toEqual([7, 7, 7, 7, 7]);
    expect([f.image_std, f.image_entropy, f.image_skewness, f.image_kurtosis]).toEqual([0, 0, 0, 0]);
    // No edges at all: skimage's epsilon floor makes that maximal blur.
    expect(f.image_blur_effect).toBe(1);
    // Uniform square of value c: nu20 = nu02 = (n^2 - 1) / (12 c n^2); inertia (n^2 - 1) / 12 twice.
    expect(f.image_hu_moment_1).toBeCloseTo((n * n - 1) / (6 * 7 * n * n), 14);
    expect(f.image_hu_moment_2).toBeCloseTo(0, 14);
    expect(f.image_inertia_eigenvalue_1).toBeCloseTo((n * n - 1) / 12, 12);
    expect(f.image_inertia_eigenvalue_2).toBeCloseTo((n * n - 1) / 12, 12);
  });

  it('two equally frequent values: 1 bit of entropy, median between them', () => {
    const f = imageFeatures(
      image(8, 8, (r, c) => (r + c) % 2),
      8,
      8,
    );
    expect(f.image_entropy).toBeCloseTo(1, 15);
    expect(f.image_median).toBe(0.5);
    expect(f.image_mean).toBe(0.5);
    expect(f.image_std).toBe(0.5);
    expect(f.image_rms).toBeCloseTo(Math.SQRT1_2, 15);
    expect(f.image_skewness).toBeCloseTo(0, 15);
    expect(f.image_kurtosis).toBeCloseTo(-2, 14); // Bernoulli(1/2) excess kurtosis
    // Four equally frequent values: 2 bits, through the sort path (non-integers) too.
    expect(
      imageFeatures(
        image(4, 4, (r) => r + 0.5),
        4,
        4,
      ).image_entropy,
    ).toBeCloseTo(2, 15);
  });

  it('median and entropy agree between the histogram and the sort path', () => {
    const next = random(5);
    const ints = image(33, 31, () => Math.floor(next() * 300) - 100);
    const halves = ints.map((x) => x / 2); // non-integers: sorted copy
    const a = imageFeatures(ints, 33, 31);
    const b = imageFeatures(halves, 33, 31);
    expect(b.image_median).toBe(a.image_median! / 2);
    expect(b.image_entropy).toBeCloseTo(a.image_entropy!, 12);
  });

  it('Hu moments and inertia eigenvalues are invariant to translation and 90° rotation', () => {
    // An asymmetric blob (ellipse plus an off-axis lobe), so Hu 3-7 are not all zero.
    const blob = (r: number, c: number) =>
      1000 * Math.exp(-(((r - 20) / 9) ** 2) - ((c - 25) / 5) ** 2) + 600 * Math.exp(-(((r - 27) / 3) ** 2) - ((c - 31) / 4) ** 2);
    const size = 48;
    const canvas = 80;
    const original = image(size, size, blob);
    const at = (dr: number, dc: number) =>
      image(canvas, canvas, (r, c) => (r >= dr && r < dr + size && c >= dc && c < dc + size ? original[(r - dr) * size + c - dc]! : 0));
    const placed = at(3, 5);
    const moved = at(29, 17);
    // 90° counter-clockwise: new[r][c] = old[c][n - 1 - r].
    const rotated = image(canvas, canvas, (r, c) => placed[c * canvas + (canvas - 1 - r)]!);
    const base = imageFeatures(placed, canvas, canvas);
    for (const other of [imageFeatures(moved, canvas, canvas), imageFeatures(rotated, canvas, canvas)]) {
      for (const name of [...Array.from({ length: 7 }, (_, k) => `image_hu_moment_${k + 1}`), 'image_inertia_eigenvalue_1', 'image_inertia_eigenvalue_2']) {
        expect(Math.abs(other[name]! - base[name]!), name).toBeLessThanOrEqual(1e-9 * Math.abs(base[name]!));
      }
    }
    // Hu 3 relative to its scale (nu^2 of third order ~ Hu 1 ^ 3): a real value, not rounding noise.
    expect(base.image_hu_moment_3! / base.image_hu_moment_1! ** 3).toBeGreaterThan(1e-3);
    expect(base.image_inertia_eigenvalue_1).toBeGreaterThan(base.image_inertia_eigenvalue_2!);
    // A mirror image flips the sign of Hu 7 only (the skew invariant).
    const mirrored = imageFeatures(
      image(canvas, canvas, (r, c) => placed[r * canvas + (canvas - 1 - c)]!),
      canvas,
      canvas,
    );
    const hu7 = base.image_hu_moment_7!;
    expect(Math.abs(mirrored.image_hu_moment_7! + hu7)).toBeLessThanOrEqual(1e-9 * Math.abs(hu7));
    expect(Math.abs(mirrored.image_hu_moment_7! - hu7)).toBeGreaterThan(Math.abs(hu7));
    expect(Math.abs(mirrored.image_hu_moment_6! - base.image_hu_moment_6!)).toBeLessThanOrEqual(1e-9 * Math.abs(base.image_hu_moment_6!));
  });

  it('blur effect: a checkerboard is sharp, its box-blurred copy is not', () => {
    const n = 64;
    const board = image(n, n, (r, c) => ((Math.floor(r / 8) + Math.floor(c / 8)) % 2) * 1000);
    const blurred = image(n, n, (r, c) => {
      let total = 0;
      let count = 0;
      for (let dr = -3; dr <= 3; dr++) {
        for (let dc = -3; dc <= 3; dc++) {
          const rr = r + dr;
          const cc = c + dc;
          if (rr < 0 || rr >= n || cc < 0 || cc >= n) continue;
          total += board[rr * n + cc]!;
          count++;
        }
      }
      return total / count;
    });
    const sharp = imageFeatures(board, n, n).image_blur_effect!;
    const soft = imageFeatures(blurred, n, n).image_blur_effect!;
    expect(sharp).toBeGreaterThanOrEqual(0);
    expect(soft).toBeLessThanOrEqual(1);
    expect(soft).toBeGreaterThan(sharp + 0.2);
  });

  it('rejects a pixel count that does not match the shape', () => {
    expect(() => imageFeatures(new Float64Array(10), 3, 3)).toThrow(RangeError);
  });
});
