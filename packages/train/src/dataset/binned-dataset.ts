/**
 * The training matrix after binning, in the two layouts the learner needs:
 * - `bins`: one Uint8 column per feature (column-major), read when partitioning a leaf's rows;
 * - a sparse row store (CSR) of the *global* histogram slot of every cell that is not in its
 *   *sparse* feature's default (most frequent) bin. Histograms are built from it alone and each
 *   sparse feature's default bin is derived from the leaf totals, so the many all-zero binary
 *   n-gram features cost nothing per row. Dense features (default bin under half the rows) keep
 *   every cell, which spares a per-leaf fix-up over their many bins.
 */
import type { FeatureMatrix } from '@msc/features';
import { fitBinMapper, valueToBin, type BinMapper } from './bin-mapper.js';

export interface BinnedDataset {
  readonly nRows: number;
  readonly nFeatures: number;
  readonly mappers: readonly BinMapper[];
  /** bins[f * nRows + r]: bin of row r in feature f. */
  readonly bins: Uint8Array;
  /** Histogram slot of bin b of feature f is binOffset[f] + b; binOffset[nFeatures] = total slots. */
  readonly binOffset: Uint32Array;
  /** CSR row pointers into `slots`. */
  readonly rowPtr: Uint32Array;
  /** Histogram array offsets (3 × global slot) of the row's stored cells, premultiplied for the hot loop. */
  readonly slots: Uint32Array;
  /** Features whose default bin is left out of `slots` (derived from leaf totals). */
  readonly sparseFeatures: Uint32Array;
  /** Per feature: the bin left out of `slots`, or -1 for dense features. */
  readonly omittedBin: Int32Array;
  /** Per feature: value bins (mapper.nValueBins) and missing bin (mapper.missingBin), for the split kernel. */
  readonly nValueBins: Int32Array;
  readonly missingBins: Int32Array;
}

/** A feature is stored sparsely when its default bin holds at least this share of the rows. */
const SPARSE_MIN_DEFAULT_SHARE = 0.5;
/** Columns binned together (gathered from the row-major matrix in one pass). */
const COLUMN_BLOCK = 32;

export function buildBinnedDataset(matrix: FeatureMatrix, maxBin: number): BinnedDataset {
  const { nRows, nCols, data } = matrix;
  const mappers: BinMapper[] = [];
  const bins = new Uint8Array(nCols * nRows);
  const binOffset = new Uint32Array(nCols + 1);
  // Columns are gathered a block at a time: one pass over the row-major matrix per block reads
  // whole cache lines, where one column at a time would read a line per value.
  const block = new Float32Array(Math.min(nCols, COLUMN_BLOCK) * nRows);
  for (let f0 = 0; f0 < nCols; f0 += COLUMN_BLOCK) {
    const width = Math.min(COLUMN_BLOCK, nCols - f0);
    for (let r = 0; r < nRows; r++) {
      const at = r * nCols + f0;
      for (let j = 0; j < width; j++) block[j * nRows + r] = data[at + j]!;
    }
    for (let j = 0; j < width; j++) {
      const f = f0 + j;
      const column = block.subarray(j * nRows, (j + 1) * nRows);
      const mapper = fitBinMapper(column, maxBin);
      mappers.push(mapper);
      const base = f * nRows;
      for (let r = 0; r < nRows; r++) bins[base + r] = valueToBin(mapper, column[r]!);
      binOffset[f + 1] = binOffset[f]! + mapper.nBins;
    }
  }

  const omittedBin = new Int32Array(nCols).fill(-1);
  const sparse: number[] = [];
  for (let f = 0; f < nCols; f++) {
    const def = mappers[f]!.defaultBin;
    const base = f * nRows;
    let n = 0;
    for (let r = 0; r < nRows; r++) if (bins[base + r] === def) n++;
    if (n >= SPARSE_MIN_DEFAULT_SHARE * nRows) {
      omittedBin[f] = def;
      sparse.push(f);
    }
  }

  const rowPtr = new Uint32Array(nRows + 1);
  for (let f = 0; f < nCols; f++) {
    const def = omittedBin[f]!;
    const base = f * nRows;
    for (let r = 0; r < nRows; r++) if (bins[base + r] !== def) rowPtr[r + 1]!++;
  }
  for (let r = 0; r < nRows; r++) rowPtr[r + 1]! += rowPtr[r]!;
  const slots = new Uint32Array(rowPtr[nRows]!);
  const fill = rowPtr.slice(0, nRows);
  // Feature-major fill keeps each row's slots in ascending feature order.
  for (let f = 0; f < nCols; f++) {
    const def = omittedBin[f]!;
    const base = f * nRows;
    const off = binOffset[f]!;
    for (let r = 0; r < nRows; r++) {
      const b = bins[base + r]!;
      if (b !== def) slots[fill[r]!++] = 3 * (off + b);
    }
  }
  return {
    nRows,
    nFeatures: nCols,
    mappers,
    bins,
    binOffset,
    rowPtr,
    slots,
    sparseFeatures: Uint32Array.from(sparse),
    omittedBin,
    nValueBins: Int32Array.from(mappers, (m) => m.nValueBins),
    missingBins: Int32Array.from(mappers, (m) => m.missingBin),
  };
}
