/**
 * 8-bit PNG writing (grey or RGB): signature, IHDR, one IDAT of zlib-deflated rows (filter 0), IEND.
 * Enough for thumbnails, so no image library is needed.
 */
import * as zlib from 'node:zlib';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32Table(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** zlib's own CRC where Node has it (20.15 and later), the table otherwise. */
const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32 ?? crc32Table;

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Thumbnails are small and short-lived: a fast level costs a few per cent in size, not half the time. */
const DEFLATE_LEVEL = 3;

export interface Raster {
  readonly width: number;
  readonly height: number;
  /** 1 (grey) or 3 (RGB). */
  readonly channels: 1 | 3;
  /** Rows top to bottom, channels interleaved. */
  readonly pixels: Uint8Array;
}

export function encodePng(raster: Raster): Uint8Array {
  const { width, height, channels, pixels } = raster;
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = channels === 3 ? 2 : 0; // colour type: truecolour or greyscale
  // compression, filter and interlace methods: 0
  const stride = width * channels;
  const filtered = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) filtered.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const parts = [SIGNATURE, chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(filtered, { level: DEFLATE_LEVEL })), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
