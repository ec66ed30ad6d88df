/**
 * Per-instance image statistics, as the original tool computed them with numpy, scipy.stats and
 * scikit-image on the stored pixel values (float64). Two passes over the pixels (the second needs
 * the mean and centroid), a histogram or a sorted copy for median and entropy, and two 1-D box
 * filters for the blur effect: O(N) apart from the sort fallback.
 *
 * Where the Python reference yields NaN (constant image: skewness/kurtosis; zero or negative total
 * intensity: Hu moments/inertia; an image under 4 pixels on a side: blur effect), this returns 0,
 * since tables hold no NaN.
 */
import { IMAGE_FEATURE_COLUMNS } from '@msc/core/lean';

/** The numeric image columns of core (image_x/image_y, the array size, are not computed here). */
export const IMAGE_FEATURE_NAMES: readonly string[] = IMAGE_FEATURE_COLUMNS.filter((spec) => spec.role === 'numeric').map((spec) => spec.name);

const PREFIX = 'image_';
/** scipy.stats: variance at or below (resolution * mean)^2 counts as zero (float64 resolution 1e-15). */
const FLOAT64_RESOLUTION = 1e-15;
/** skimage blur_effect's floor for the edge maps (np.spacing(1.0)). */
const EPSILON = Number.EPSILON;
const BLUR_SIZE = 11;
/** Integer images whose value range fits this many bins use a counting histogram, not a sort. */
const MAX_HISTOGRAM_BINS = 1 << 20;

export function imageFeatures(pixels: Float64Array, rows: number, columns: number): Record<string, number> {
  if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 1 || columns < 1 || pixels.length !== rows * columns) {
    throw new RangeError(`imageFeatures: ${pixels.length} pixels do not make a ${rows}x${columns} image`);
  }
  const n = pixels.length;

  // Pass 1: sums, extremes, raw first-order spatial moments (for the centroid).
  let sum = 0;
  let sumSquares = 0;
  let min = Infinity;
  let max = -Infinity;
  let integers = true;
  let m10 = 0;
  let m01 = 0;
  for (let r = 0, i = 0; r < rows; r++) {
    let rowSum = 0;
    let rowColumnSum = 0;
    for (let c = 0; c < columns; c++, i++) {
      const x = pixels[i]!;
      rowSum += x;
      rowColumnSum += c * x;
      sumSquares += x * x;
      if (x < min) min = x;
      if (x > max) max = x;
      if (integers && !Number.isInteger(x)) integers = false;
    }
    sum += rowSum;
    m10 += r * rowSum;
    m01 += rowColumnSum;
  }
  const mean = sum / n;
  const rowCentroid = m10 / sum;
  const columnCentroid = m01 / sum;

  // Pass 2: central moments of the values and, with per-row partial sums, spatial central moments
  // up to order 3 (direct, not from raw moments: no cancellation on large images).
  const dc1 = new Float64Array(columns);
  const dc2 = new Float64Array(columns);
  const dc3 = new Float64Array(columns);
  for (let c = 0; c < columns; c++) {
    const d = c - columnCentroid;
    dc1[c] = d;
    dc2[c] = d * d;
    dc3[c] = d * d * d;
  }
  let v2 = 0;
  let v3 = 0;
  let v4 = 0;
  let mu20 = 0;
  let mu11 = 0;
  let mu02 = 0;
  let mu30 = 0;
  let mu21 = 0;
  let mu12 = 0;
  let mu03 = 0;
  for (let r = 0, i = 0; r < rows; r++) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let c = 0; c < columns; c++, i++) {
      const x = pixels[i]!;
      const d = x - mean;
      const d2 = d * d;
      v2 += d2;
      v3 += d2 * d;
      v4 += d2 * d2;
      s0 += x;
      s1 += dc1[c]! * x;
      s2 += dc2[c]! * x;
      s3 += dc3[c]! * x;
    }
    const dr = r - rowCentroid;
    const dr2 = dr * dr;
    mu20 += dr2 * s0;
    mu11 += dr * s1;
    mu02 += s2;
    mu30 += dr2 * dr * s0;
    mu21 += dr2 * s1;
    mu12 += dr * s2;
    mu03 += s3;
  }
  v2 /= n;
  v3 /= n;
  v4 /= n;
  const flat = v2 <= (FLOAT64_RESOLUTION * mean) ** 2;
  const hu = huMoments(sum, mu20, mu11, mu02, mu30, mu21, mu12, mu03);
  const [inertia1, inertia2] = inertiaEigenvalues(sum, mu20, mu11, mu02);
  const { median, entropy } = integers && max - min < MAX_HISTOGRAM_BINS ? histogramStats(pixels, min, max) : sortedStats(pixels);

  const computed: Record<string, number> = {
    mean,
    std: Math.sqrt(v2),
    min,
    max,
    median,
    skewness: flat ? NaN : v3 / v2 ** 1.5,
    kurtosis: flat ? NaN : v4 / (v2 * v2) - 3,
    entropy,
    rms: Math.sqrt(sumSquares / n),
    blur_effect: blurEffect(pixels, rows, columns),
    inertia_eigenvalue_1: inertia1,
    inertia_eigenvalue_2: inertia2,
  };
  hu.forEach((value, k) => (computed[`hu_moment_${k + 1}`] = value));

  const values: Record<string, number> = {};
  for (const name of IMAGE_FEATURE_NAMES) {
    const value = computed[name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name];
    if (value === undefined) throw new Error(`imageFeatures: no computation for column ${name}`);
    values[name] = Number.isFinite(value) ? value : 0;
  }
  return values;
}

/** skimage moments_hu(moments_normalized(mu, 3)); axis 0 (rows) is the first moment index. */
function huMoments(mu00: number, mu20: number, mu11: number, mu02: number, mu30: number, mu21: number, mu12: number, mu03: number): number[] {
  const scale2 = mu00 ** 2;
  const scale3 = mu00 ** 2.5;
  const n20 = mu20 / scale2;
  const n11 = mu11 / scale2;
  const n02 = mu02 / scale2;
  const n30 = mu30 / scale3;
  const n21 = mu21 / scale3;
  const n12 = mu12 / scale3;
  const n03 = mu03 / scale3;
  let t0 = n30 + n12;
  let t1 = n21 + n03;
  const q0 = t0 * t0;
  const q1 = t1 * t1;
  const n4 = 4 * n11;
  const s = n20 + n02;
  const d = n20 - n02;
  const hu1 = s;
  const hu2 = d * d + n4 * n11;
  const hu4 = q0 + q1;
  const hu6 = d * (q0 - q1) + n4 * t0 * t1;
  t0 *= q0 - 3 * q1;
  t1 *= 3 * q0 - q1;
  const p0 = n30 - 3 * n12;
  const p1 = 3 * n21 - n03;
  const hu3 = p0 * p0 + p1 * p1;
  const hu5 = p0 * t0 + p1 * t1;
  const hu7 = p1 * t0 - p0 * t1;
  return [hu1, hu2, hu3, hu4, hu5, hu6, hu7];
}

/** skimage inertia_tensor_eigvals: [[mu02, -mu11], [-mu11, mu20]] / mu00, clipped at 0, descending. */
function inertiaEigenvalues(mu00: number, mu20: number, mu11: number, mu02: number): [number, number] {
  const a = mu02 / mu00;
  const b = -mu11 / mu00;
  const d = mu20 / mu00;
  const half = (a + d) / 2;
  const radius = Math.hypot((a - d) / 2, b);
  return [Math.max(half + radius, 0), Math.max(half - radius, 0)];
}

interface OrderStats {
  median: number;
  entropy: number;
}

/** Entropy in bits of the distinct-value distribution (scipy.stats.entropy of the counts). */
function entropyTerm(count: number, n: number): number {
  const p = count / n;
  return -p * Math.log(p);
}

function histogramStats(pixels: Float64Array, min: number, max: number): OrderStats {
  const n = pixels.length;
  const counts = new Int32Array(max - min + 1);
  for (let i = 0; i < n; i++) counts[pixels[i]! - min]!++;
  // numpy median: the middle value, or the mean of the two middle values for even n.
  const lowIndex = (n - 1) >> 1;
  const highIndex = n >> 1;
  let low = NaN;
  let high = NaN;
  let seen = 0;
  let entropy = 0;
  for (let bin = 0; bin < counts.length; bin++) {
    const count = counts[bin]!;
    if (count === 0) continue;
    entropy += entropyTerm(count, n);
    const next = seen + count;
    if (seen <= lowIndex && lowIndex < next) low = bin + min;
    if (seen <= highIndex && highIndex < next) high = bin + min;
    seen = next;
  }
  return { median: (low + high) / 2, entropy: entropy / Math.LN2 };
}

function sortedStats(pixels: Float64Array): OrderStats {
  const n = pixels.length;
  const sorted = Float64Array.from(pixels).sort();
  let entropy = 0;
  let runStart = 0;
  for (let i = 1; i <= n; i++) {
    if (i === n || sorted[i] !== sorted[runStart]) {
      entropy += entropyTerm(i - runStart, n);
      runStart = i;
    }
  }
  const median = (sorted[(n - 1) >> 1]! + sorted[n >> 1]!) / 2;
  return { median, entropy: entropy / Math.LN2 };
}

/** scipy.ndimage 'reflect' (half-sample symmetric) index into [0, length). */
function reflect(index: number, length: number): number {
  const period = 2 * length;
  const m = ((index % period) + period) % period;
  return m < length ? m : period - 1 - m;
}

/**
 * scipy.ndimage.uniform_filter1d(size=11, mode='reflect') along one axis, for every line of that
 * axis: `lines` lines of `length` samples, sample k of line j at j * lineStep + k * step.
 */
function uniformFilter(pixels: Float64Array, out: Float64Array, lines: number, lineStep: number, length: number, step: number): void {
  const before = BLUR_SIZE >> 1;
  const extended = new Float64Array(length + BLUR_SIZE - 1);
  const index = Int32Array.from({ length: extended.length }, (_, k) => reflect(k - before, length) * step);
  for (let j = 0; j < lines; j++) {
    const base = j * lineStep;
    for (let k = 0; k < extended.length; k++) extended[k] = pixels[base + index[k]!]!;
    // Running box sum, as scipy does it.
    let total = 0;
    for (let k = 0; k < BLUR_SIZE; k++) total += extended[k]!;
    total /= BLUR_SIZE;
    out[base] = total;
    for (let k = 1; k < length; k++) {
      total += (extended[k + BLUR_SIZE - 1]! - extended[k - 1]!) / BLUR_SIZE;
      out[base + k * step] = total;
    }
  }
}

/**
 * |skimage.filters.sobel(image, axis)| at (r, c), away from the border: the [1, 0, -1] difference
 * along the axis, smoothed by [1, 2, 1] / 4 across it.
 */
function sobelAt(image: Float64Array, i: number, along: number, across: number): number {
  const ahead = i + along;
  const behind = i - along;
  return Math.abs(
    0.25 * (image[ahead - across]! - image[behind - across]!) +
      0.5 * (image[ahead]! - image[behind]!) +
      0.25 * (image[ahead + across]! - image[behind + across]!),
  );
}

/**
 * skimage.measure.blur_effect(image, h_size=11) (Crété-Roffet 2007, skimage >= 0.25.1 with the
 * epsilon floor): per axis, Sobel edges of the image (S) and of its box-blurred copy (B) over
 * rows/columns [2, n-2]; 1 - sum(max(S - B, 0)) / sum(S); the maximum over both axes.
 */
function blurEffect(pixels: Float64Array, rows: number, columns: number): number {
  if (rows < 4 || columns < 4) return NaN;
  const blurred = new Float64Array(pixels.length);
  let result = -Infinity;
  for (const axis of [0, 1]) {
    // Axis 0 filters down each column; axis 1 along each row.
    if (axis === 0) uniformFilter(pixels, blurred, columns, 1, rows, columns);
    else uniformFilter(pixels, blurred, rows, columns, columns, 1);
    const along = axis === 0 ? columns : 1;
    const across = axis === 0 ? 1 : columns;
    let sharpSum = 0;
    let lostSum = 0;
    for (let r = 2; r <= rows - 2; r++) {
      for (let c = 2, i = r * columns + 2; c <= columns - 2; c++, i++) {
        const sharp = Math.max(EPSILON, sobelAt(pixels, i, along, across));
        const soft = Math.max(EPSILON, sobelAt(blurred, i, along, across));
        sharpSum += sharp;
        lostSum += Math.max(0, sharp - soft);
      }
    }
    result = Math.max(result, Math.abs(sharpSum - lostSum) / sharpSum);
  }
  return result;
}
