/**
 * A decoded frame → a small 8-bit picture: resampled to `size` pixels on the long side (area
 * average down, nearest neighbour up), rescaled, windowed with the file's own window (else the
 * 0.5–99.5 % range of its values), MONOCHROME1 inverted, YCbCr turned to RGB.
 */
import type { DecodedFrame } from './codecs.js';
import type { Display } from './image-file.js';
import type { Raster } from '@msc/core';

export const THUMBNAIL_SIZE = 192;

/** Bins of the histogram the display limits are read from (1/4096 of the value range is finer than a grey level). */
const HISTOGRAM_BINS = 4096;

/** Rescaled values' 0.5 and 99.5 percentiles (their min and max when those coincide): the display limits without a window. */
function histogramRange(values: Float64Array, slope: number, intercept: number): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  [min, max] = [min * slope + intercept, max * slope + intercept].sort((a, b) => a - b) as [number, number];
  if (!(max > min)) return [min, max];
  const counts = new Uint32Array(HISTOGRAM_BINS);
  const scale = (HISTOGRAM_BINS - 1) / (max - min);
  for (const value of values) counts[Math.floor((value * slope + intercept - min) * scale)]! += 1;
  const at = (quantile: number) => {
    const wanted = quantile * values.length;
    let seen = 0;
    for (let bin = 0; bin < HISTOGRAM_BINS; bin++) {
      seen += counts[bin]!;
      if (seen >= wanted) return min + bin / scale;
    }
    return max;
  };
  const [low, high] = [at(0.005), at(0.995)];
  return high > low ? [low, high] : [min, max];
}

function greyLevels(values: Float64Array, display: Display, inverted: boolean): Uint8Array {
  const { slope, intercept, window } = display;
  let low: number;
  let high: number;
  if (window && window.width > 1) {
    // DICOM's linear VOI function (PS3.3 C.11.2.1.2.1): 0 at c - 0.5 - (w-1)/2, 255 at c - 0.5 + (w-1)/2.
    low = window.center - 0.5 - (window.width - 1) / 2;
    high = low + window.width - 1;
  } else {
    [low, high] = histogramRange(values, slope, intercept);
  }
  const scale = high > low ? 255 / (high - low) : 0;
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const level = (values[i]! * slope + intercept - low) * scale;
    const grey = level <= 0 ? 0 : level >= 255 ? 255 : Math.round(level);
    out[i] = inverted ? 255 - grey : grey;
  }
  return out;
}

const clamp8 = (value: number) => (value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value));

/** Colour samples → 8-bit RGB (YBR_FULL converted with PS3.3 C.7.6.3.1.2's equations). */
function rgbLevels(values: Float64Array, photometric: string, bitsStored: number): Uint8Array {
  const scale = bitsStored > 8 ? 255 / (2 ** bitsStored - 1) : 1;
  const out = new Uint8Array(values.length);
  if (photometric.startsWith('YBR_FULL')) {
    const half = 2 ** (Math.max(8, bitsStored) - 1);
    for (let i = 0; i < values.length; i += 3) {
      const y = values[i]!;
      const cb = values[i + 1]! - half;
      const cr = values[i + 2]! - half;
      out[i] = clamp8((y + 1.402 * cr) * scale);
      out[i + 1] = clamp8((y - 0.344136 * cb - 0.714136 * cr) * scale);
      out[i + 2] = clamp8((y + 1.772 * cb) * scale);
    }
  } else {
    for (let i = 0; i < values.length; i++) out[i] = clamp8(values[i]! * scale);
  }
  return out;
}

export interface Sampled {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly values: Float64Array;
}

/** For each target column (or row), the source one it starts at: floor(k · from / to). */
function sourceIndex(to: number, from: number): Uint32Array {
  const index = new Uint32Array(to + 1);
  for (let k = 0; k <= to; k++) index[k] = Math.min(from, Math.floor((k * from) / to));
  return index;
}

/**
 * Values resampled to `size` on the long side, before windowing (so the thumbnail's costs scale
 * with its own size): each target pixel the mean of the source pixels it covers when shrinking,
 * the nearest source pixel when growing.
 */
export function resample(source: Sampled, size: number): Sampled {
  const { width, height, channels, values } = source;
  const long = Math.max(width, height);
  const w = Math.max(1, Math.round((width * size) / long));
  const h = Math.max(1, Math.round((height * size) / long));
  if (w === width && h === height) return source;
  const out = new Float64Array(w * h * channels);
  if (long < size) {
    const xs = sourceIndex(w, width);
    const ys = sourceIndex(h, height);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const from = (ys[y]! * width + xs[x]!) * channels;
        for (let c = 0; c < channels; c++) out[(y * w + x) * channels + c] = values[from + c]!;
      }
    return { width: w, height: h, channels, values: out };
  }
  // Which target column each source column falls in, and how many source pixels each target pixel sums.
  const targetX = new Uint32Array(width);
  for (let x = 0; x < width; x++) targetX[x] = Math.min(w - 1, Math.floor((x * w) / width));
  const counts = new Uint32Array(w * h);
  for (let y = 0; y < height; y++) {
    const row = Math.min(h - 1, Math.floor((y * h) / height)) * w;
    const sourceRow = y * width * channels;
    for (let x = 0; x < width; x++) {
      const target = row + targetX[x]!;
      counts[target]! += 1;
      if (channels === 1) out[target]! += values[sourceRow + x]!;
      else for (let c = 0; c < channels; c++) out[target * channels + c]! += values[sourceRow + x * channels + c]!;
    }
  }
  for (let i = 0; i < w * h; i++) for (let c = 0; c < channels; c++) out[i * channels + c]! /= counts[i]!;
  return { width: w, height: h, channels, values: out };
}

export function renderThumbnail(frame: DecodedFrame, display: Display, bitsStored: number, size = THUMBNAIL_SIZE): Raster {
  const small = resample({ width: frame.columns, height: frame.rows, channels: frame.samples, values: frame.values }, size);
  const colour = frame.samples === 3;
  const pixels = colour ? rgbLevels(small.values, frame.photometric, bitsStored) : greyLevels(small.values, display, frame.photometric === 'MONOCHROME1');
  return { width: small.width, height: small.height, channels: colour ? 3 : 1, pixels };
}

/** What a file that cannot be decoded gets: a dark square crossed by a lighter X, at the same path. */
export function placeholderRaster(size = THUMBNAIL_SIZE): Raster {
  const pixels = new Uint8Array(size * size).fill(40);
  for (let i = 0; i < size; i++) {
    for (const x of [i, size - 1 - i]) for (let t = -1; t <= 1; t++) if (x + t >= 0 && x + t < size) pixels[i * size + x + t] = 150;
  }
  return { width: size, height: size, channels: 1, pixels };
}
