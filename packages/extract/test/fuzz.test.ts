/**
 * Fuzz test of the header reader: files from a small synthetic cohort and from pydicom's corpus,
 * mutated by a seeded generator (truncations, bit flips, bad element lengths and VRs, huge length
 * fields, deeply nested sequences). Every file must be accounted for (a row, a partial row with
 * what broke, or a skip with a reason) without a throw, no row may be keyed by an invalid UID, and
 * of the files pydicom reads with valid keys, at least 95 % must give a row (salvage).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '@msc/core';
import { generateCohort } from '@msc/synth';
import { extractFileSync } from '../src/extract-file.js';
import type { ExtractEvent } from '../src/events.js';
import { HEADER_OPTIONS } from '../src/instance-row.js';
import { parseHeader } from '../src/reader/parse.js';
import { createReadBuffer } from '../src/reader/read-file.js';
import { nonImageReason } from '../src/sop-classes.js';
import { PYDICOM_TEST_FILES, PYTHON, skipWithoutPython } from '../../../test-support/oracles.js';

// pydicom is the salvage oracle and its corpus half the seed files (MSC_ORACLES=1 installs it, CI
// requires it); without it the synthetic half still checks that every file is accounted for.
const ORACLE = fileURLToPath(new URL('./pydicom_keys.py', import.meta.url));
const skipPydicom = skipWithoutPython('pydicom');

const SEED = 20261125;
const MUTANTS_PER_SEED_FILE = 12;
/** Bytes kept after the header of a seed file: pixel data only makes the mutated files bigger. */
const PIXEL_TAIL = 256;
const MAX_SEED_BYTES = 256 * 1024;

// PS3.5 §9.1, written out here independently of src/values/uid.ts.
const STRICT_UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;
const WELL_FORMED_UID = /^[0-9]+(\.[0-9]+)*$/;
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

interface Seed {
  name: string;
  bytes: Uint8Array;
  /** Where the dataset starts and the header ends (Pixel Data or end of file). */
  start: number;
  headerEnd: number;
  explicitVR: boolean;
  littleEndian: boolean;
  /** Offsets of the top-level element headers (before any undefined-length sequence). */
  elements: number[];
}

/** A seed file's layout, from the reader under test on the intact file. */
function seedOf(name: string, file: Uint8Array): Seed | undefined {
  let header;
  try {
    header = parseHeader(file, true, HEADER_OPTIONS);
  } catch {
    return undefined;
  }
  if (header.damage) return undefined;
  const end = header.pixelData ? Math.min(file.length, header.pixelData.valueOffset + PIXEL_TAIL) : file.length;
  const bytes = Uint8Array.from(file.subarray(0, Math.min(end, MAX_SEED_BYTES)));
  const ts = header.transferSyntaxUid;
  const littleEndian = ts !== '1.2.840.10008.1.2.2';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let start = header.hasPreamble ? 132 : 0;
  const vr = (offset: number) => String.fromCharCode(bytes[offset + 4] ?? 0, bytes[offset + 5] ?? 0);
  const isLong = (offset: number) => LONG_VRS.has(vr(offset));
  // File meta: explicit VR little endian.
  while (start + 8 <= bytes.length && view.getUint16(start, true) === 0x0002)
    start += isLong(start) ? 12 + view.getUint32(start + 8, true) : 8 + view.getUint16(start + 6, true);
  const explicitVR = ts !== '1.2.840.10008.1.2' && /^[A-Z]{2}$/.test(vr(start));
  if (ts === '1.2.840.10008.1.2.1.99') return undefined; // deflated: its bytes are not elements
  const elements: number[] = [];
  let position = start;
  const headerEnd = header.pixelData ? header.pixelData.valueOffset : bytes.length;
  while (position + 8 <= Math.min(headerEnd, bytes.length)) {
    elements.push(position);
    const long = explicitVR && isLong(position);
    const length = !explicitVR || long ? view.getUint32(position + (long ? 8 : 4), littleEndian) : view.getUint16(position + 6, littleEndian);
    if (length === 0xffffffff) break;
    position += (long ? 12 : 8) + length;
  }
  return { name, bytes, start, headerEnd: Math.min(headerEnd, bytes.length), explicitVR, littleEndian, elements };
}

/** A mutated file; `oracle: false` keeps it from pydicom, which cannot read it in reasonable time. */
type Mutation = (seed: Seed, random: Random) => { bytes: Uint8Array; what: string; oracle?: boolean };

/** Nesting beyond Python's recursion limit: pydicom fails on it slowly, MSC must not fail at all. */
const DEEPEST = 5000;

const pick = <T>(random: Random, items: readonly T[]): T => items[random.int(items.length)]!;
/** Uniform integer in [low, high]. */
const between = (random: Random, low: number, high: number): number => low + random.int(high - low + 1);

/** Offset of an element's length field and its size in bytes. */
function lengthField(seed: Seed, offset: number): [number, 2 | 4] {
  if (!seed.explicitVR) return [offset + 4, 4];
  const vr = String.fromCharCode(seed.bytes[offset + 4]!, seed.bytes[offset + 5]!);
  return LONG_VRS.has(vr) ? [offset + 8, 4] : [offset + 6, 2];
}

function writeLength(seed: Seed, bytes: Uint8Array, [at, size]: [number, 2 | 4], value: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (size === 2) view.setUint16(at, value & 0xffff, seed.littleEndian);
  else view.setUint32(at, value >>> 0, seed.littleEndian);
}

/** A chain of `depth` undefined-length sequences, each in an item of the one before, closed properly. */
function nestedSequences(seed: Seed, depth: number): Uint8Array {
  const parts: number[] = [];
  const u16 = (v: number) => (seed.littleEndian ? parts.push(v & 0xff, v >> 8) : parts.push(v >> 8, v & 0xff));
  const u32 = (v: number) => (seed.littleEndian ? [0, 8, 16, 24] : [24, 16, 8, 0]).forEach((shift) => parts.push((v >>> shift) & 0xff));
  const sequence = () => {
    u16(0x0009);
    u16(0x1001);
    if (seed.explicitVR) parts.push(0x53, 0x51, 0, 0); // 'SQ', reserved
    u32(0xffffffff);
  };
  const delimiter = (element: number) => {
    u16(0xfffe);
    u16(element);
    u32(element === 0xe000 ? 0xffffffff : 0);
  };
  for (let level = 0; level < depth; level++) {
    sequence();
    delimiter(0xe000);
  }
  for (let level = 0; level < depth; level++) {
    delimiter(0xe00d);
    delimiter(0xe0dd);
  }
  return Uint8Array.from(parts);
}

const MUTATIONS: readonly Mutation[] = [
  function truncation(seed, random) {
    const at = between(random, 0, seed.bytes.length - 1);
    return { bytes: seed.bytes.slice(0, at), what: `truncated at ${at}` };
  },
  function bitFlips(seed, random) {
    const bytes = seed.bytes.slice();
    const flips = between(random, 1, 4);
    for (let i = 0; i < flips; i++) bytes[between(random, 0, seed.headerEnd - 1)]! ^= 1 << between(random, 0, 7);
    return { bytes, what: `${flips} bit flips` };
  },
  function badLength(seed, random) {
    const bytes = seed.bytes.slice();
    const field = lengthField(seed, pick(random, seed.elements));
    const view = new DataView(bytes.buffer);
    const old = field[1] === 2 ? view.getUint16(field[0], seed.littleEndian) : view.getUint32(field[0], seed.littleEndian);
    const value = pick(random, [old + 1, old - 1, old + 2, old * 2 + 16, 0, between(random, 0, 4096)]);
    writeLength(seed, bytes, field, Math.max(0, value));
    return { bytes, what: `length ${old} → ${value}` };
  },
  function hugeLength(seed, random) {
    const bytes = seed.bytes.slice();
    const field = lengthField(seed, pick(random, seed.elements));
    const value = field[1] === 2 ? 0xffff : pick(random, [0xfffffff0, 0x7fffffff, 0xfffffffe]);
    writeLength(seed, bytes, field, value);
    return { bytes, what: `huge length ${value}` };
  },
  function badVR(seed, random) {
    const bytes = seed.bytes.slice();
    const offset = pick(random, seed.elements);
    const letters = random.next() < 0.5;
    for (const i of [4, 5]) bytes[offset + i] = letters ? 0x41 + between(random, 0, 25) : between(random, 0, 255);
    return { bytes, what: `VR bytes at ${offset}` };
  },
  function deepSequences(seed, random) {
    const at = pick(random, seed.elements);
    const depth = pick(random, [40, 100, DEEPEST]);
    const nested = nestedSequences(seed, depth);
    const bytes = new Uint8Array(seed.bytes.length + nested.length);
    bytes.set(seed.bytes.subarray(0, at));
    bytes.set(nested, at);
    bytes.set(seed.bytes.subarray(at), at + nested.length);
    return { bytes, what: `${depth} nested sequences at ${at}`, oracle: depth < DEEPEST };
  },
];

function seedFiles(dir: string, limit: number): string[] {
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (statSync(path).size > 0) files.push(path);
    }
  };
  walk(dir);
  const step = Math.max(1, Math.floor(files.length / limit));
  return files.filter((_, i) => i % step === 0).slice(0, limit);
}

describe('fuzz: mutated DICOM files', () => {
  let dir: string;
  const mutants: { path: string; what: string; seed: string; oracle: boolean }[] = [];
  const events = new Map<string, ExtractEvent>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'msc-fuzz-'));
    const cohort = join(dir, 'cohort');
    await generateCohort({ outDir: cohort, studies: 2, seed: 11 });
    const sources = [...seedFiles(cohort, 40), ...(skipPydicom ? [] : seedFiles(PYDICOM_TEST_FILES, 60))];
    const seeds = sources.flatMap((path) => seedOf(path, readFileSync(path)) ?? []).filter((seed) => seed.elements.length > 2);
    console.log(`fuzz: ${seeds.length} seed files of ${sources.length}`);
    const random = new Random(SEED);
    for (const seed of seeds) {
      for (let i = 0; i < MUTANTS_PER_SEED_FILE; i++) {
        const mutation = MUTATIONS[i % MUTATIONS.length]!;
        const { bytes, what, oracle = true } = mutation(seed, random);
        const path = join(dir, `m${String(mutants.length).padStart(5, '0')}.dcm`);
        writeFileSync(path, bytes);
        mutants.push({ path, what: `${mutation.name}: ${what}`, seed: seed.name, oracle });
      }
    }
    const buffer = createReadBuffer();
    for (const { path } of mutants) events.set(path, extractFileSync(path, buffer)!); // no shard: every file gives an event
  }, 60_000);

  afterAll(async () => {
    if (!process.env.MSC_FUZZ_KEEP) await rm(dir, { recursive: true, force: true });
  });

  it('accounts for every file (row, partial row or reason) and never throws', () => {
    expect(mutants.length).toBeGreaterThan(skipPydicom ? 400 : 1000);
    for (const { path, what } of mutants) {
      const event = events.get(path);
      expect(event, `${path} (${what})`).toBeDefined();
      if (event!.kind === 'skipped') expect(event!.reason.length, `${path} (${what})`).toBeGreaterThan(0);
      else if (event!.partial) expect(event!.partial, `${path} (${what})`).toMatch(/^partial: .+ at offset \d+$/);
    }
  });

  it('keys no row by an invalid UID', () => {
    for (const event of events.values()) {
      if (event.kind !== 'row') continue;
      const valid = event.partial ? (uid: string) => uid.length <= 64 && STRICT_UID.test(uid) : (uid: string) => WELL_FORMED_UID.test(uid);
      for (const key of ['sop_class_uid', 'study_uid', 'series_uid'])
        expect(valid(String(event.row[key])), `${event.path} ${key}=${event.row[key]}`).toBe(true);
    }
  });

  it.skipIf(skipPydicom)('gives a row for ≥ 95 % of the image files pydicom reads with valid keys', () => {
    const list = join(dir, 'mutants.txt');
    writeFileSync(list, mutants.flatMap((m) => (m.oracle ? [m.path] : [])).join('\n'));
    const result = spawnSync(PYTHON, [ORACLE, `@${list}`], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
    expect(result.status, result.stderr).toBe(0);
    const oracle = JSON.parse(result.stdout) as Record<string, [string, string, string] | null>;
    // Image files: SOP classes that are images with or without pixel data (a class outside the
    // standard tree, e.g. one a bit flip made, is an image only when the file has pixel data).
    const readable = mutants.filter((m) => {
      const keys = oracle[m.path];
      return keys !== null && keys !== undefined && nonImageReason(keys[0], false) === undefined;
    });
    const salvaged = readable.filter((m) => events.get(m.path)!.kind === 'row');
    const lost = readable
      .filter((m) => events.get(m.path)!.kind !== 'row')
      .map((m) => `${m.path} ← ${m.seed} ${m.what}: ${(events.get(m.path) as { reason: string }).reason}`);
    // Where both read a row, they agree on its keys.
    const disagree = salvaged.filter((m) => {
      const row = (events.get(m.path) as { row: Record<string, unknown> }).row;
      const [sop, study, series] = oracle[m.path]!;
      return row.sop_class_uid !== sop || row.study_uid !== study || row.series_uid !== series;
    });
    const partial = salvaged.filter((m) => (events.get(m.path) as { partial?: string }).partial).length;
    const ratio = salvaged.length / readable.length;
    console.log(
      `fuzz: ${mutants.length} mutated files; pydicom reads ${readable.length} image files with valid keys; MSC gives a row for ${salvaged.length} (${(100 * ratio).toFixed(1)} %, ${partial} partial)`,
    );
    if (lost.length > 0) console.log(`not salvaged:\n  ${lost.slice(0, 40).join('\n  ')}`);
    expect(disagree.map((m) => `${m.seed} ${m.what}`)).toEqual([]);
    expect(ratio).toBeGreaterThanOrEqual(0.95);
  });
});
