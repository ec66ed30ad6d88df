/**
 * A deflated file whose dataset inflates far beyond its size (finding F5): the header is read by
 * inflating only as much as it needs, bounded, so a bomb costs a bounded amount of memory and
 * gives a partial row (or its reason), never a process that inflates a gigabyte.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractSeries } from '../../src/index.js';
import { MAX_INFLATED_HEADER_BYTES } from '../../src/reader/parse.js';

/** One explicit-VR little-endian element (short or long length form by VR). */
function element(group: number, elementNumber: number, vr: string, value: Uint8Array): Buffer {
  const long = ['OB', 'OW', 'UN', 'SQ', 'UT'].includes(vr);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(elementNumber, 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(value.length, 8);
  else head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}
const text = (value: string) => {
  const bytes = Buffer.from(value, 'latin1');
  return bytes.length % 2 ? Buffer.concat([bytes, Buffer.from([0])]) : bytes;
};

function deflatedFile(dataset: Buffer): Buffer {
  const metaBody = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Uint8Array.from([0, 1])),
    element(0x0002, 0x0002, 'UI', text('1.2.840.10008.5.1.4.1.1.4')),
    element(0x0002, 0x0003, 'UI', text('1.2.3.4.5.6')),
    element(0x0002, 0x0010, 'UI', text('1.2.840.10008.1.2.1.99')),
  ]);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(metaBody.length);
  const preamble = Buffer.alloc(132);
  preamble.write('DICM', 128, 'latin1');
  return Buffer.concat([preamble, element(0x0002, 0x0000, 'UL', length), metaBody, deflateRawSync(dataset, { level: 9 })]);
}

const KEYS = () => [
  element(0x0008, 0x0016, 'UI', text('1.2.840.10008.5.1.4.1.1.4')),
  element(0x0008, 0x0060, 'CS', text('MR')),
  element(0x0020, 0x000d, 'UI', text('1.2.826.0.1.5')),
  element(0x0020, 0x000e, 'UI', text('1.2.826.0.1.5.1')),
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-deflate-'));
  // A private element of 96 MiB of zeros before the pixel data: ~100 KB compressed.
  const bomb = Buffer.concat([...KEYS(), element(0x0009, 0x0010, 'LO', text('BOMB')), element(0x0009, 0x1000, 'OB', new Uint8Array(96 * 2 ** 20))]);
  await writeFile(join(dir, 'bomb.dcm'), deflatedFile(bomb));
  // An honest deflated file with 32 MiB of pixel data after a normal header.
  const honest = Buffer.concat([
    ...KEYS().slice(0, 2),
    element(0x0008, 0x103e, 'LO', text('ep2d_diff_b800')),
    ...KEYS().slice(2),
    element(0x7fe0, 0x0010, 'OW', new Uint8Array(32 * 2 ** 20)),
  ]);
  await writeFile(join(dir, 'honest.dcm'), deflatedFile(honest));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('deflated datasets', () => {
  it('stops inflating a bomb at the bound and keeps what precedes it as a partial row', async () => {
    expect(MAX_INFLATED_HEADER_BYTES).toBeLessThan(96 * 2 ** 20);
    const before = process.memoryUsage().rss;
    const { rows, skipped, partial } = await extractSeries([join(dir, 'bomb.dcm')], { workers: 0 });
    expect(rows.map((row) => row.series_uid)).toEqual(['1.2.826.0.1.5.1']);
    expect(skipped).toEqual([]);
    expect(partial).toEqual([
      { path: join(dir, 'bomb.dcm'), reason: expect.stringMatching(/^partial: deflated dataset inflates past 67108864 bytes before its header ends/) },
    ]);
    // Bounded by the cap (64 MiB) plus working memory, not by the 96 MiB element.
    expect(process.memoryUsage().rss - before).toBeLessThan(3 * MAX_INFLATED_HEADER_BYTES);
  });

  it('reads an honest deflated file whose pixel data is large, without inflating the pixels', async () => {
    const { rows, skipped, partial } = await extractSeries([join(dir, 'honest.dcm')], { workers: 0 });
    expect(skipped).toEqual([]);
    expect(partial).toEqual([]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ series_uid: '1.2.826.0.1.5.1', series_description: 'ep2d_diff_b800', modality: 'MR' });
  });
});
