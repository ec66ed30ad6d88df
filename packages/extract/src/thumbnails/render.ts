/**
 * A decoded frame → a small 8-bit picture: rescaled, windowed with the file's own window (else
 * the 0.5–99.5 % range of its values), MONOCHROME1 inverted, YCbCr turned to RGB, then scaled to
 * `size` pixels on the long side (area average down, nearest neighbour up).
 */
import type { DecodedFrame } from './codecs.js';
import type { Display } from './image-file.js';
import type { Raster } from './png.js';

export const THUMBNAIL_SIZE = 192;

/** Rescaled values' low and high display limits when the file has no window. */
function histogramRange(values: Float64Array, slope: number, intercept: number): [number, number] {
  // A sample of at most 65,536 values is plenty for two percentiles.
  const step = Math.max(1, Math.floor(values.length / 65_536));
  const sample = new Float64Array(Math.ceil(values.length / step));
  for (let i = 0, k = 0; i < values.length; i += step, k++) sample[k] = values[i]! * slope + intercept;
  sample.sort();
  const at = (q: number) => sample[Math.min(sample.length - 1, Math.floor(q * (sample.length - 1)))]!;
  let [low, high] = [at(0.005), at(0.995)];
  if (high <= low) [low, high] = [sample[0]!, sample[sample.length - 1]!];
  return [low, high];
}

function greyLevels(frame: DecodedFrame, display: Display): Uint8Array {
  const { values } = frame;
  const { slope, intercept, window } = display;
  const out = new Uint8Array(values.length);
  if (window && window.width > 1) {
    // DICOM's linear VOI function (PS3.3 C.11.2.1.2.1).
    const center = window.center - 0.5;
    const width = window.width - 1;
    for (let i = 0; i < values.length; i++) {
      const level = ((values[i]! * slope + intercept - center) / width + 0.5) * 255;
      out[i] = level <= 0 ? 0 : level >= 255 ? 255 : Math.round(level);
    }
  } else {
    const [low, high] = histogramRange(values, slope, intercept);
    const scale = high > low ? 255 / (high - low) : 0;
    for (let i = 0; i < values.length; i++) {
      const level = (values[i]! * slope + intercept - low) * scale;
      out[i] = level <= 0 ? 0 : level >= 255 ? 255 : Math.round(level);
    }
  }
  if (frame.photometric === 'MONOCHROME1') for (let i = 0; i < out.length; i++) out[i] = 255 - out[i]!;
  return out;
}

const clamp8 = (value: number) => (value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value));

/** Colour samples → 8-bit RGB (YBR_FULL converted with PS3.3 C.7.6.3.1.2's equations). */
function rgbLevels(frame: DecodedFrame, bitsStored: number): Uint8Array {
  const { values } = frame;
  const scale = bitsStored > 8 ? 255 / (2 ** bitsStored - 1) : 1;
  const out = new Uint8Array(values.length);
  if (frame.photometric.startsWith('YBR_FULL')) {
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

/** Area-average downscale, or nearest-neighbour upscale, to `size` on the long side. */
export function resize(source: Raster, size: number): Raster {
  const { width, height, channels, pixels } = source;
  const long = Math.max(width, height);
  if (long < size) {
    // Nearest-neighbour copies: a small image stays sharp.
    const w = Math.max(1, Math.round((width * size) / long));
    const h = Math.max(1, Math.round((height * size) / long));
    const out = new Uint8Array(w * h * channels);
    for (let y = 0; y < h; y++) {
      const sy = Math.min(height - 1, Math.floor((y * height) / h));
      for (let x = 0; x < w; x++) {
        const from = (sy * width + Math.min(width - 1, Math.floor((x * width) / w))) * channels;
        for (let c = 0; c < channels; c++) out[(y * w + x) * channels + c] = pixels[from + c]!;
      }
    }
    return { width: w, height: h, channels, pixels: out };
  }
  const scale = size / long;
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const sums = new Float64Array(w * h * channels);
  const counts = new Uint32Array(w * h);
  for (let y = 0; y < height; y++) {
    const ty = Math.min(h - 1, Math.floor((y * h) / height));
    for (let x = 0; x < width; x++) {
      const target = ty * w + Math.min(w - 1, Math.floor((x * w) / width));
      counts[target]! += 1;
      for (let c = 0; c < channels; c++) sums[target * channels + c]! += pixels[(y * width + x) * channels + c]!;
    }
  }
  const out = new Uint8Array(w * h * channels);
  for (let i = 0; i < w * h; i++) for (let c = 0; c < channels; c++) out[i * channels + c] = Math.round(sums[i * channels + c]! / counts[i]!);
  return { width: w, height: h, channels, pixels: out };
}

export function renderThumbnail(frame: DecodedFrame, display: Display, bitsStored: number, size = THUMBNAIL_SIZE): Raster {
  const colour = frame.samples === 3;
  const pixels = colour ? rgbLevels(frame, bitsStored) : greyLevels(frame, display);
  return resize({ width: frame.columns, height: frame.rows, channels: colour ? 3 : 1, pixels }, size);
}

/** What a file that cannot be decoded gets: a dark square crossed by a lighter X, at the same path. */
export function placeholderRaster(size = THUMBNAIL_SIZE): Raster {
  const pixels = new Uint8Array(size * size).fill(40);
  for (let i = 0; i < size; i++) {
    for (const x of [i, size - 1 - i]) for (let t = -1; t <= 1; t++) if (x + t >= 0 && x + t < size) pixels[i * size + x + t] = 150;
  }
  return { width: size, height: size, channels: 1, pixels };
}
