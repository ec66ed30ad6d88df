/**
 * Per-feature bins (LightGBM BinMapper): quantile cut points over the distinct training values,
 * at most `maxBin` bins with the last one reserved for missing values when the feature has any.
 *
 * Bin b holds the float32 values x with upper[b-1] < x <= upper[b], where upper[b] is the largest
 * training value of the bin (as float32). A split "bin <= b" is therefore exactly the float32
 * comparison `x <= upper[b]`, which is what the exported model and ONNX Runtime evaluate.
 */
export interface BinMapper {
  /** Upper bound of each value bin (float32 values), ascending; the last is +Infinity. */
  readonly upper: Float32Array;
  /** Number of value bins (without the missing bin). */
  readonly nValueBins: number;
  /** Index of the missing bin, or -1 when the training data had no missing value. */
  readonly missingBin: number;
  /** Total bins including the missing bin. */
  readonly nBins: number;
  /** The most frequent bin: left out of the sparse row store (zero for binary features). */
  readonly defaultBin: number;
}

/** Fits a mapper on one feature's training values (float32, NaN = missing). */
export function fitBinMapper(values: Float32Array, maxBin: number): BinMapper {
  const { distinct, counts, nMissing, nValues } = distinctValues(values);
  const valueBins = Math.max(1, maxBin - (nMissing > 0 ? 1 : 0));
  const uppers: number[] = [];
  if (distinct.length <= valueBins) {
    uppers.push(...distinct);
  } else {
    // Greedy quantiles: close a bin once it reaches its share of the remaining rows, so heavy
    // values (e.g. 0 in a mostly-zero feature) take one bin and leave the rest to the tail.
    let remaining = nValues;
    let binsLeft = valueBins;
    let inBin = 0;
    for (let i = 0; i < distinct.length; i++) {
      inBin += counts[i]!;
      const target = remaining / binsLeft;
      const distinctLeft = distinct.length - i - 1;
      if (inBin >= target || distinctLeft < binsLeft) {
        uppers.push(distinct[i]!);
        remaining -= inBin;
        binsLeft--;
        inBin = 0;
        if (binsLeft === 1) break;
      }
    }
  }
  // The last value bin is open-ended, so unseen large values land in it.
  const maxValue = distinct[distinct.length - 1];
  if (uppers.length > 0 && uppers[uppers.length - 1] === maxValue) uppers[uppers.length - 1] = Number.POSITIVE_INFINITY;
  else uppers.push(Number.POSITIVE_INFINITY);
  const upper = Float32Array.from(uppers);
  const nValueBins = upper.length;
  const missingBin = nMissing > 0 ? nValueBins : -1;
  const nBins = nValueBins + (nMissing > 0 ? 1 : 0);

  const binCounts = new Float64Array(nBins);
  for (let i = 0; i < values.length; i++) binCounts[binOf(upper, missingBin, values[i]!)]!++;
  let defaultBin = 0;
  for (let b = 1; b < nBins; b++) if (binCounts[b]! > binCounts[defaultBin]!) defaultBin = b;
  return { upper, nValueBins, missingBin, nBins, defaultBin };
}

/** Columns with at most this many distinct values are counted without sorting. */
const FEW_DISTINCT = 16;

/**
 * The distinct non-missing values, ascending, with their counts. Most columns (binary n-grams,
 * flags) hold a few distinct values: they are counted in one pass; a column that turns out to
 * hold more is sorted. Both give the same values (a -0 stands for its zeros when one was seen,
 * as the sort puts -0 first).
 */
function distinctValues(values: Float32Array): { distinct: number[]; counts: number[]; nMissing: number; nValues: number } {
  const seen = new Float64Array(FEW_DISTINCT);
  const seenCounts = new Float64Array(FEW_DISTINCT);
  let nSeen = 0;
  let nMissing = 0;
  let negativeZero = false;
  let few = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) {
      nMissing++;
      continue;
    }
    let j = 0;
    while (j < nSeen && seen[j] !== v) j++;
    if (j === nSeen) {
      if (nSeen === FEW_DISTINCT) {
        few = false;
        break;
      }
      seen[nSeen++] = v;
    }
    seenCounts[j]!++;
    if (v === 0 && 1 / v < 0) negativeZero = true;
  }
  if (few) {
    const order = Array.from({ length: nSeen }, (_, j) => j).sort((a, b) => seen[a]! - seen[b]!);
    const distinct = order.map((j) => (seen[j] === 0 && negativeZero ? -0 : seen[j]!));
    const counts = order.map((j) => seenCounts[j]!);
    return { distinct, counts, nMissing, nValues: values.length - nMissing };
  }
  nMissing = 0;
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i]!)) nMissing++;
  const sorted = new Float32Array(values.length - nMissing);
  for (let i = 0, j = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) sorted[j++] = v;
  }
  sorted.sort();
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!;
    if (distinct.length > 0 && distinct[distinct.length - 1] === v) counts[counts.length - 1]!++;
    else {
      distinct.push(v);
      counts.push(1);
    }
  }
  return { distinct, counts, nMissing, nValues: sorted.length };
}

function binOf(upper: Float32Array, missingBin: number, value: number): number {
  if (Number.isNaN(value)) return missingBin >= 0 ? missingBin : upper.length - 1;
  // binary search: first b with value <= upper[b]
  let lo = 0;
  let hi = upper.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value <= upper[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The bin of a value. A missing value on a feature that had none in training goes to the last
 * value bin; trees never route it by bin (they use the node's missing direction), so this only
 * matters for histograms of validation data, which are never built.
 */
export function valueToBin(mapper: BinMapper, value: number): number {
  return binOf(mapper.upper, mapper.missingBin, Math.fround(value));
}
