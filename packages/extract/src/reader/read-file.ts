/**
 * Reading a file's header: a prefix first (most headers are a few KB; pixel data, hundreds of KB,
 * is never read), the whole file only when the header is longer than the prefix.
 */
import { closeSync, fstatSync, openSync, readSync, readlinkSync } from 'node:fs';
import { open, readlink } from 'node:fs/promises';
import { sep } from 'node:path';
import { NeedMoreBytes } from './byte-reader.js';
import { parseHeader, type ParseOptions, type ParsedHeader } from './parse.js';

export const DEFAULT_PREFIX_BYTES = 64 * 1024;

/** Next read length after `NeedMoreBytes` (grow fast: a second miss costs a whole re-parse). */
function nextLength(error: NeedMoreBytes, length: number, size: number): number {
  return Number.isFinite(error.wanted) ? Math.min(size, Math.max(error.wanted * 2, length * 4)) : size;
}

/**
 * Folders a file must really lie in, checked on the opened file itself (its descriptor's path in
 * /proc), not on its name: a folder swapped for a symbolic link while a walk runs cannot lead a
 * read outside them (finding F3).
 */
export type Confinement = readonly string[];

export class OutsideRootsError extends Error {
  readonly code = 'EOUTSIDE';
  constructor() {
    super('outside the allowed roots');
  }
}

function assertInRoots(real: string, roots: Confinement): void {
  if (!roots.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : `${root}${sep}`))) throw new OutsideRootsError();
}

async function assertConfined(fd: number, roots: Confinement): Promise<void> {
  assertInRoots(await readlink(`/proc/self/fd/${fd}`), roots);
}

export async function readHeader(path: string, options: ParseOptions, prefixBytes = DEFAULT_PREFIX_BYTES, confine?: Confinement): Promise<ParsedHeader> {
  const handle = await open(path, 'r');
  try {
    if (confine) await assertConfined(handle.fd, confine);
    const { size } = await handle.stat();
    let length = Math.min(size, prefixBytes);
    for (;;) {
      const bytes = new Uint8Array(length);
      const { bytesRead } = await handle.read(bytes, 0, length, 0);
      const complete = bytesRead >= size;
      try {
        return parseHeader(bytes.subarray(0, bytesRead), complete, options);
      } catch (error) {
        if (!(error instanceof NeedMoreBytes) || complete) throw error;
        length = nextLength(error, length, size);
      }
    }
  } finally {
    await handle.close();
  }
}

/**
 * A reusable read buffer (grown to the longest header seen) and how much of it the next first read
 * fills: the last header's length with a margin, rounded up to whole blocks. Archives repeat their
 * layouts, so the next file most likely needs as much; and one long header (an enhanced multi-frame
 * file, a large private element) no longer makes every later read as long.
 */
export interface ReadBuffer {
  bytes: Uint8Array;
  readLength: number;
}

/** Start with one 8 KB block: most headers are a few KB, and copying more per file costs more than parsing it. */
const INITIAL_SYNC_PREFIX_BYTES = 8 * 1024;
/**
 * Later first reads in whole pages, the kernel's unit: a read costs by the pages it copies (a 1.5 KB
 * header read as 8 KB cost ≈ 1.5–2 µs more a file than as 4 KB, of ≈ 18 µs a file in all).
 */
const READ_BLOCK_BYTES = 4 * 1024;
const MAX_SYNC_PREFIX_BYTES = 256 * 1024;

export function createReadBuffer(): ReadBuffer {
  return { bytes: new Uint8Array(INITIAL_SYNC_PREFIX_BYTES), readLength: INITIAL_SYNC_PREFIX_BYTES };
}

/** The first read for a file after one whose header took `used` bytes: a quarter more, in whole pages, within bounds. */
function nextReadLength(used: number): number {
  const blocks = Math.ceil((used + (used >> 2)) / READ_BLOCK_BYTES);
  return Math.min(MAX_SYNC_PREFIX_BYTES, Math.max(READ_BLOCK_BYTES, blocks * READ_BLOCK_BYTES));
}

/**
 * Decides from a file's first block whether the file is read further (e.g. whether its study is
 * in the shard asked for); `complete` says the block is the whole file.
 */
export type AdmitFile = (firstBlock: Uint8Array, complete: boolean) => boolean;

export interface SyncReadOptions {
  /** Files `admit` turns down are read no further: `readHeaderSync` gives undefined. */
  admit?: AdmitFile;
  confine?: Confinement;
}

/**
 * The synchronous reader (worker threads, and the main thread with `workers: 0`): one blocking
 * read of the first block into a reused buffer (no thread-pool hop per call, no allocation per
 * file), a second only when the header is longer, and no stat unless the block came back full.
 * The returned header's values may point into the buffer: convert them before the next call.
 */
export function readHeaderSync(path: string, options: ParseOptions, buffer: ReadBuffer, read: SyncReadOptions = {}): ParsedHeader | undefined {
  const fd = openSync(path, 'r');
  try {
    if (read.confine) assertInRoots(readlinkSync(`/proc/self/fd/${fd}`), read.confine);
    let bytes = buffer.bytes;
    let length = Math.min(buffer.readLength, bytes.length);
    let bytesRead = readSync(fd, bytes, 0, length, 0);
    // A short read is the whole file; a full one may have more behind it.
    let complete = bytesRead < length;
    if (read.admit && !read.admit(bytes.subarray(0, bytesRead), complete)) return undefined;
    let size = complete ? bytesRead : -1;
    for (;;) {
      try {
        const header = parseHeader(bytes.subarray(0, bytesRead), complete, options);
        // The next file of this archive likely has a header as long: read that much at once.
        if (bytes !== buffer.bytes && bytes.length <= MAX_SYNC_PREFIX_BYTES) buffer.bytes = new Uint8Array(bytes.length);
        buffer.readLength = nextReadLength(header.pixelData ? Math.min(header.pixelData.valueOffset, bytesRead) : bytesRead);
        return header;
      } catch (error) {
        if (!(error instanceof NeedMoreBytes) || complete) throw error;
        if (size < 0) size = fstatSync(fd).size;
        length = nextLength(error, length, size);
        bytes = new Uint8Array(length);
        bytesRead = readSync(fd, bytes, 0, length, 0);
        complete = bytesRead >= size;
      }
    }
  } finally {
    closeSync(fd);
  }
}
