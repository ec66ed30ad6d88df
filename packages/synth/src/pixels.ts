/**
 * Pixel payloads: none, tiny (8×8) or realistic (the series' matrix within 256²–512², 16-bit:
 * about 130–520 KB per file, as real MR files are). Values follow the series' scale (ADC maps run to
 * ~3000, magnitude images lower) over a smooth disk plus fixed noise, so value statistics differ by
 * series kind the way they do in real images.
 */
import { Random } from '@msc/core';

export type PixelMode = 'none' | 'tiny' | 'realistic';

export function pixelSize(mode: PixelMode, matrix: number): number {
  return mode === 'tiny' ? 8 : Math.min(512, Math.max(256, matrix));
}

const noiseCache = new Map<number, Float32Array>();

function noise(size: number): Float32Array {
  let field = noiseCache.get(size);
  if (!field) {
    const random = new Random(size);
    field = new Float32Array(size * size);
    for (let i = 0; i < field.length; i++) field[i] = random.next();
    noiseCache.set(size, field);
  }
  return field;
}

/** One image per series: `scale` sets the value range, `seed` varies the disk. */
export function seriesPixels(mode: PixelMode, matrix: number, scale: number, seed: number): Uint16Array | null {
  if (mode === 'none') return null;
  const size = pixelSize(mode, matrix);
  const field = noise(size);
  const pixels = new Uint16Array(size * size);
  const radius = size * (0.25 + (seed % 7) * 0.02);
  const centre = size / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inside = Math.hypot(x - centre, y - centre) < radius ? 1 : 0.15;
      pixels[y * size + x] = Math.round(scale * (0.6 * inside + 0.4 * field[y * size + x]!));
    }
  }
  return pixels;
}
