/**
 * The worker's reused read buffer: a file whose header is longer than the first read is read again
 * whole, and the next first read is as long as the last header needed — so one long header (a large
 * private element here) does not make every later read long, and rows are what a whole read gives.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCohort } from '@msc/synth';
import { instanceCells, HEADER_OPTIONS } from '../src/instance-row.js';
import { parseHeader } from '../src/reader/parse.js';
import { createReadBuffer, readHeaderSync } from '../src/reader/read-file.js';
import { walkFiles } from '../src/walk.js';

const EXPLICIT_LITTLE = '1.2.840.10008.1.2.1';
let dir: string;
let small: string;
let long: string;
let longHeaderBytes: number;

/** `bytes` with a private block (creator and a `size`-byte OB element) put before Pixel Data. */
function withLongPrivateElement(bytes: Buffer, size: number): Buffer {
  const pixelDataTag = Buffer.from([0xe0, 0x7f, 0x10, 0x00]);
  const at = bytes.indexOf(pixelDataTag, 132);
  const creator = Buffer.from('LONG HEADER TEST', 'latin1');
  const head = Buffer.alloc(8);
  head.writeUInt16LE(0x0029, 0);
  head.writeUInt16LE(0x0010, 2);
  head.write('LO', 4, 'latin1');
  head.writeUInt16LE(creator.length, 6);
  const element = Buffer.alloc(12);
  element.writeUInt16LE(0x0029, 0);
  element.writeUInt16LE(0x1020, 2);
  element.write('OB', 4, 'latin1');
  element.writeUInt32LE(size, 8);
  return Buffer.concat([bytes.subarray(0, at), head, creator, element, Buffer.alloc(size, 0x41), bytes.subarray(at)]);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-read-buffer-'));
  await generateCohort({ outDir: join(dir, 'cohort'), studies: 1, seed: 4242, maxInstancesPerSeries: 2 });
  for await (const path of walkFiles([join(dir, 'cohort')])) {
    const bytes = readFileSync(path);
    if (!path.endsWith('.csv') && parseHeader(bytes, true, HEADER_OPTIONS).transferSyntaxUid === EXPLICIT_LITTLE) {
      small = path;
      break;
    }
  }
  long = join(dir, 'long.dcm');
  const longBytes = withLongPrivateElement(readFileSync(small), 120_000);
  writeFileSync(long, longBytes);
  longHeaderBytes = parseHeader(longBytes, true, HEADER_OPTIONS).pixelData!.valueOffset;
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readHeaderSync with a reused buffer', () => {
  it('reads a long header whole, then goes back to short first reads', () => {
    expect(longHeaderBytes).toBeGreaterThan(120_000);
    const buffer = createReadBuffer();
    const cellsOf = (path: string) => {
      const header = readHeaderSync(path, HEADER_OPTIONS, buffer)!;
      return { cells: instanceCells(header, path), readLength: buffer.readLength };
    };
    const whole = (path: string) => instanceCells(parseHeader(readFileSync(path), true, HEADER_OPTIONS), path);

    // A header of a few KB: the next first read is one page (4 KB), not the first read's 8 KB.
    expect(cellsOf(small)).toEqual({ cells: whole(small), readLength: 4096 });
    const afterLong = cellsOf(long);
    expect(afterLong.cells).toEqual(whole(long));
    // The next file is read as long at once (an archive repeats its layouts)...
    expect(afterLong.readLength).toBeGreaterThanOrEqual(longHeaderBytes);
    expect(cellsOf(long).cells).toEqual(whole(long));
    // ...and a short header brings the first read back to one page, not every later read long.
    expect(cellsOf(small)).toEqual({ cells: whole(small), readLength: 4096 });
    expect(cellsOf(small).cells).toEqual(whole(small));
  });
});
