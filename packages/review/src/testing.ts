/**
 * `@msc/review/testing`: what the review's tests and its screenshot script make their inputs
 * with: thumbnails (tiny greyscale PNGs) and a large predictions table grown from a real one.
 */
import { encodePng, type Row } from '@msc/core';

/** A `size`×`size` 8-bit greyscale PNG, a diagonal ramp from `shade` (so thumbnails differ), by msc-extract's PNG writer. */
export function greyPng(size: number, shade = 96): Buffer {
  const pixels = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) pixels[y * size + x] = (shade + ((x + y) * 128) / size) & 0xff;
  }
  return Buffer.from(encodePng({ width: size, height: size, channels: 1, pixels }));
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
