/**
 * `@msc/review/testing`: what the review's tests and its screenshot script make their inputs
 * with: thumbnails (tiny greyscale PNGs) and a large predictions table grown from a real one.
 */
import { crc32, deflateSync } from 'node:zlib';
import type { Row } from '@msc/core';

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A `size`×`size` 8-bit greyscale PNG, a diagonal ramp from `shade` (so thumbnails differ). node:zlib deflates and sums. */
export function greyPng(size: number, shade = 96): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale; compression, filter and interlace bytes stay 0
  const raw = Buffer.alloc((size + 1) * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) raw[y * (size + 1) + 1 + x] = (shade + ((x + y) * 128) / size) & 0xff;
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

/**
 * `count` prediction rows made from `rows` (a real msc-predict output): copies with new study and
 * series UIDs (studies of the same size as the originals) and confidences spread over (0, 1].
 */
export function manyPredictions(rows: readonly Row[], count: number): Row[] {
  const studies = [...new Set(rows.map((row) => String(row['study_uid'])))];
  const out: Row[] = [];
  for (let i = 0; i < count; i++) {
    const row = rows[i % rows.length]!;
    out.push({
      ...row,
      study_uid: `2.25.9${Math.floor(i / rows.length)}.${studies.indexOf(String(row['study_uid']))}`,
      series_uid: `2.25.8${i}`,
      series_group: `2.25.8${i}`,
      confidence: Math.round(((i * 7919) % 1000) + 1) / 1000,
    });
  }
  return out;
}
