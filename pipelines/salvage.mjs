#!/usr/bin/env node
// Salvage rate on real files: seeded mutations (bit flips, truncation, bad lengths, VR corruption,
// byte insertion/deletion, tag swaps) of real vendor headers; of the mutants pydicom reads with valid
// keys (dcmread, then force=True, as the original does), the share MSC gives a row for, and why it
// gave none for the rest. The CI version (pipelines/test/salvage.test.ts) runs a few hundred.
//
//   node pipelines/salvage.mjs [--mutants 2500] [--seed 20261207] [--real-scanners] [--keep DIR]
//
// Seed files: pipelines/real-prostate and pipelines/real-mr headers (untarred to a temporary folder)
// and, with --real-scanners, the real-scanner cache (node pipelines/real-data/fetch.mjs).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Random } from '@msc/core';
import { extractFile, extractRows, nonImageReason } from '@msc/extract';
import { cacheDir } from './real-data/cache.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const HEADER_TARBALLS = [join(HERE, 'real-prostate', 'headers.tar.xz'), join(HERE, 'real-mr', 'headers.tar.xz')];
const PYTHON = '/usr/bin/python3';
const ORACLE = join(HERE, '..', 'packages', 'extract', 'test', 'pydicom_keys.py');

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const PIXEL_DATA = 0x7fe00010;
/** Bytes of pixel data kept after a seed's header: the pixels only make mutants bigger. */
const PIXEL_TAIL = 256;

/**
 * A seed file's layout, walked here independently of the reader under test: where the top-level
 * elements start (up to Pixel Data or the first undefined length), the encoding. Undefined for
 * files that are not plain Part-10 / raw datasets (deflated, unreadable).
 */
export function layoutOf(file) {
  const preamble = file.length >= 132 && String.fromCharCode(...file.subarray(128, 132)) === 'DICM';
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const vrAt = (offset) => String.fromCharCode(file[offset + 4] ?? 0, file[offset + 5] ?? 0);
  let position = preamble ? 132 : 0;
  let syntax = '';
  while (position + 8 <= file.length && view.getUint16(position, true) === 0x0002) {
    const long = LONG_VRS.has(vrAt(position));
    const length = long ? view.getUint32(position + 8, true) : view.getUint16(position + 6, true);
    const valueOffset = position + (long ? 12 : 8);
    if (view.getUint16(position + 2, true) === 0x0010) syntax = String.fromCharCode(...file.subarray(valueOffset, valueOffset + length)).replace(/[\0 ]+$/, '');
    position = valueOffset + length;
  }
  if (syntax === '1.2.840.10008.1.2.1.99' || position + 8 > file.length) return undefined;
  const littleEndian = syntax !== '1.2.840.10008.1.2.2';
  const explicitVR = syntax !== '1.2.840.10008.1.2' && /^[A-Z]{2}$/.test(vrAt(position));
  const elements = [];
  let end = file.length;
  while (position + 8 <= file.length) {
    const tag = ((view.getUint16(position, littleEndian) << 16) | view.getUint16(position + 2, littleEndian)) >>> 0;
    if (tag === PIXEL_DATA) {
      end = Math.min(file.length, position + 12 + PIXEL_TAIL);
      break;
    }
    elements.push(position);
    const long = explicitVR && LONG_VRS.has(vrAt(position));
    const length = !explicitVR || long ? view.getUint32(position + (long ? 8 : 4), littleEndian) : view.getUint16(position + 6, littleEndian);
    if (length === 0xffffffff) break;
    position += (long ? 12 : 8) + length;
  }
  if (elements.length < 3) return undefined;
  // The first element after the keys (Series Instance UID and those before it).
  const keysIndex = elements.findIndex(
    (offset) =>
      view.getUint16(offset, littleEndian) > 0x0020 || (view.getUint16(offset, littleEndian) === 0x0020 && view.getUint16(offset + 2, littleEndian) > 0x000e),
  );
  const headerEnd = Math.min(end, position);
  return {
    bytes: Uint8Array.from(file.subarray(0, end)),
    explicitVR,
    littleEndian,
    elements,
    headerEnd,
    keysIndex: keysIndex < 0 ? elements.length - 1 : keysIndex,
  };
}

const between = (random, low, high) => low + random.int(high - low + 1);
const pick = (random, items) => items[random.int(items.length)];

function lengthField(seed, offset) {
  if (!seed.explicitVR) return [offset + 4, 4];
  return LONG_VRS.has(String.fromCharCode(seed.bytes[offset + 4], seed.bytes[offset + 5])) ? [offset + 8, 4] : [offset + 6, 2];
}

function splice(bytes, at, remove, insert) {
  const out = new Uint8Array(bytes.length - remove + insert.length);
  out.set(bytes.subarray(0, at));
  out.set(insert, at);
  out.set(bytes.subarray(at + remove), at + insert.length);
  return out;
}

/** The mutations, each `(seed, random) → { bytes, what }`; mutants cycle through them. */
export const MUTATIONS = [
  function truncation(seed, random) {
    const at = between(random, 0, seed.bytes.length - 1);
    return { bytes: seed.bytes.slice(0, at), what: `truncated at ${at}` };
  },
  function bitFlips(seed, random) {
    const bytes = seed.bytes.slice();
    const flips = between(random, 1, 4);
    for (let i = 0; i < flips; i++) bytes[between(random, 0, seed.headerEnd - 1)] ^= 1 << between(random, 0, 7);
    return { bytes, what: `${flips} bit flips` };
  },
  function badLength(seed, random) {
    const bytes = seed.bytes.slice();
    const offset = pick(random, seed.elements);
    const [at, size] = lengthField(seed, offset);
    const view = new DataView(bytes.buffer);
    const old = size === 2 ? view.getUint16(at, seed.littleEndian) : view.getUint32(at, seed.littleEndian);
    const value = Math.max(0, pick(random, [old + 1, old - 1, old + 2, old * 2 + 16, 0, between(random, 0, 4096)]));
    if (size === 2) view.setUint16(at, value & 0xffff, seed.littleEndian);
    else view.setUint32(at, value >>> 0, seed.littleEndian);
    return { bytes, what: `length at ${offset} ${old} → ${value}` };
  },
  function hugeLength(seed, random) {
    const bytes = seed.bytes.slice();
    const offset = pick(random, seed.elements);
    const [at, size] = lengthField(seed, offset);
    const view = new DataView(bytes.buffer);
    if (size === 2) view.setUint16(at, 0xffff, seed.littleEndian);
    else view.setUint32(at, pick(random, [0xfffffff0, 0x7fffffff, 0xfffffffe]), seed.littleEndian);
    return { bytes, what: `huge length at ${offset}` };
  },
  function badVR(seed, random) {
    const bytes = seed.bytes.slice();
    const offset = pick(random, seed.elements);
    const letters = random.next() < 0.5;
    for (const i of [4, 5]) bytes[offset + i] = letters ? 0x41 + between(random, 0, 25) : between(random, 0, 255);
    return { bytes, what: `VR bytes at ${offset}` };
  },
  function byteInsertion(seed, random) {
    const at = between(random, 0, seed.headerEnd - 1);
    const insert = Uint8Array.from({ length: between(random, 1, 8) }, () => random.int(256));
    return { bytes: splice(seed.bytes, at, 0, insert), what: `${insert.length} bytes inserted at ${at}` };
  },
  function byteDeletion(seed, random) {
    const at = between(random, 0, seed.headerEnd - 1);
    const remove = Math.min(between(random, 1, 8), seed.bytes.length - at);
    return { bytes: splice(seed.bytes, at, remove, new Uint8Array(0)), what: `${remove} bytes deleted at ${at}` };
  },
  function earlyBitFlips(seed, random) {
    // Damage before the keys (SOP Class, Study and Series UIDs lie in the first elements): the
    // reader must get past it, or over it, to reach them.
    const bytes = seed.bytes.slice();
    const keysEnd = seed.elements[Math.min(seed.elements.length - 1, seed.keysIndex)];
    const flips = between(random, 1, 3);
    for (let i = 0; i < flips; i++) bytes[between(random, 0, keysEnd - 1)] ^= 1 << between(random, 0, 7);
    return { bytes, what: `${flips} bit flips before ${keysEnd}` };
  },
  function stacked(seed, random) {
    // Two or three of the others on one file, each on the result of the one before.
    let current = { ...seed };
    const whats = [];
    for (let i = between(random, 2, 3); i > 0; i--) {
      const mutation = pick(
        random,
        MUTATIONS.filter((m) => m.name !== 'stacked' && m.name !== 'truncation'),
      );
      const { bytes, what } = mutation(current, random);
      current = { ...current, bytes, headerEnd: Math.min(current.headerEnd, bytes.length), elements: current.elements.filter((e) => e + 12 <= bytes.length) };
      if (current.elements.length === 0) break;
      whats.push(`${mutation.name} ${what}`);
    }
    return { bytes: current.bytes, what: whats.join(', ') };
  },
  function tagSwap(seed, random) {
    const bytes = seed.bytes.slice();
    const a = pick(random, seed.elements);
    const b = pick(random, seed.elements);
    const tagA = bytes.slice(a, a + 4);
    bytes.copyWithin(a, b, b + 4);
    bytes.set(tagA, b);
    return { bytes, what: `tags at ${a} and ${b} swapped` };
  },
];

function filesUnder(dir) {
  const files = [];
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && statSync(path).size > 0) files.push(path);
    }
  };
  walk(dir);
  return files;
}

/** Untars the committed real headers into `dir`; returns their seed folders. */
export function unpackRealHeaders(dir) {
  return HEADER_TARBALLS.map((tarball, i) => {
    const to = join(dir, `seeds${i}`);
    mkdirSync(to, { recursive: true });
    const untar = spawnSync('tar', ['-xJf', tarball, '-C', to]);
    if (untar.status !== 0) throw new Error(`tar -xJf ${tarball}: ${untar.stderr}`);
    return to;
  });
}

/** pydicom's keys per path (null when it gives no row), from the parity oracle. */
function pydicomKeys(paths, listFile) {
  writeFileSync(listFile, paths.join('\n'));
  const result = spawnSync(PYTHON, [ORACLE, `@${listFile}`], { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 900_000 });
  if (result.status !== 0) throw new Error(`pydicom oracle failed: ${result.stderr || result.error}`);
  return JSON.parse(result.stdout);
}

/** A skip reason without its offsets and values, to count reasons. */
const reasonKind = (reason) =>
  reason
    .replace(/ at (byte|offset) \d+/g, '')
    .replace(/\(([0-9a-f]{4}),([0-9a-f]{4})\)/g, '(gggg,eeee)')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+/g, 'N');

/**
 * Mutates `mutants` files drawn evenly from the seed folders (seeded), asks pydicom and MSC for a row,
 * and returns the figures: how many pydicom reads with valid image keys, how many of those MSC rows,
 * disagreements on the keys, and the lost files with the top reasons.
 */
export async function measureSalvage({ seedDirs, mutants, seed, workDir }) {
  // Per seed folder its files, so that a folder of a few files weighs as much as one of thousands.
  const folders = seedDirs
    .map((dir) =>
      filesUnder(dir).flatMap((path) => {
        const layout = layoutOf(readFileSync(path));
        return layout ? [{ ...layout, name: path }] : [];
      }),
    )
    .filter((files) => files.length > 0);
  const seeds = folders.flat();
  if (seeds.length === 0) throw new Error(`no seed files under ${seedDirs.join(', ')}`);
  const random = new Random(seed);
  const outDir = join(workDir, 'mutants');
  mkdirSync(outDir, { recursive: true });
  const made = [];
  for (let i = 0; i < mutants; i++) {
    const folder = folders[i % folders.length];
    const source = folder[random.int(folder.length)];
    const mutation = MUTATIONS[i % MUTATIONS.length];
    const { bytes, what } = mutation(source, random);
    const path = join(outDir, `m${String(i).padStart(5, '0')}.dcm`);
    writeFileSync(path, bytes);
    made.push({ path, seed: source.name, what: `${mutation.name}: ${what}` });
  }
  const oracle = pydicomKeys(
    made.map((m) => m.path),
    join(workDir, 'mutants.txt'),
  );
  const events = new Map();
  for (const m of made) events.set(m.path, await extractFile(m.path));
  const readable = made.filter((m) => oracle[m.path] && nonImageReason(oracle[m.path][0], false) === undefined);
  const rowed = readable.filter((m) => events.get(m.path).kind === 'row');
  const disagree = rowed.filter((m) => {
    const { row } = events.get(m.path);
    const [sop, study, series] = oracle[m.path];
    return row.sop_class_uid !== sop || row.study_uid !== study || row.series_uid !== series;
  });
  const lost = readable.filter((m) => events.get(m.path).kind !== 'row').map((m) => ({ ...m, reason: events.get(m.path).reason }));
  const reasons = new Map();
  for (const { what, reason } of lost) {
    const key = `${what.split(':')[0]} → ${reasonKind(reason)}`;
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
  // Rows MSC gives that pydicom does not (its keys invalid or unreadable to pydicom): counted, not judged.
  const extra = made.filter((m) => !oracle[m.path] && events.get(m.path).kind === 'row').length;
  return {
    seeds: seeds.length,
    mutants: made.length,
    readable: readable.length,
    rowed: rowed.length,
    partial: rowed.filter((m) => events.get(m.path).partial).length,
    rate: readable.length > 0 ? rowed.length / readable.length : Number.NaN,
    extra,
    rowPaths: made.filter((m) => events.get(m.path).kind === 'row').map((m) => m.path),
    disagree: disagree.map((m) => `${m.path} ← ${m.seed} ${m.what}`),
    lost,
    topReasons: [...reasons].sort((a, b) => b[1] - a[1]),
  };
}

export function formatSalvage(result) {
  const lines = [
    `salvage: ${result.mutants} mutants of ${result.seeds} real seed files; pydicom reads ${result.readable} image files with valid keys; ` +
      `MSC gives a row for ${result.rowed} (${(100 * result.rate).toFixed(1)} %, ${result.partial} partial); ` +
      `${result.disagree.length} key disagreements; ${result.extra} rows pydicom has no valid keys for`,
  ];
  if (result.topReasons.length > 0)
    lines.push('not salvaged (mutation → reason: files):', ...result.topReasons.slice(0, 15).map(([key, n]) => `  ${key}: ${n}`));
  for (const d of result.disagree.slice(0, 10)) lines.push(`  disagree: ${d}`);
  return lines.join('\n');
}

async function main() {
  const { values } = parseArgs({
    options: {
      mutants: { type: 'string', default: '2500' },
      seed: { type: 'string', default: '20261207' },
      'real-scanners': { type: 'boolean', default: false },
      keep: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const workDir = values.keep ?? (await mkdtemp(join(tmpdir(), 'msc-salvage-')));
  try {
    const seedDirs = unpackRealHeaders(workDir);
    if (values['real-scanners']) seedDirs.push(join(cacheDir(), 'files'));
    const result = await measureSalvage({ seedDirs, mutants: Number(values.mutants), seed: Number(values.seed), workDir });
    console.log(formatSalvage(result));
    // The extract pipeline (walk, worker threads) must give rows for the same files as extractFile.
    const extracted = await extractRows([join(workDir, 'mutants')], { level: 'instance' });
    const piped = new Set(extracted.rows.map((row) => row.file_path));
    const differ = result.rowPaths.filter((path) => !piped.has(path)).length + [...piped].filter((path) => !result.rowPaths.includes(path)).length;
    console.log(`extract pipeline (extractRows): ${piped.size} rows; ${differ} files where it and extractFile differ`);
    if (values.verbose) for (const m of result.lost) console.log(`  lost: ${m.path} ← ${m.seed} ${m.what}: ${m.reason}`);
  } finally {
    if (!values.keep) await rm(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
