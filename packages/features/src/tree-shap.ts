/**
 * Exact TreeSHAP (Lundberg et al. 2020, Algorithm 2, as in the shap package's tree_shap) on
 * tree ensembles, with node covers (hessian sums) as the background distribution, like XGBoost's
 * pred_contribs. For every row the contributions plus the bias sum to the raw margin. Shared by
 * training (feature importance) and prediction (`--explain`, on the trees read back from the
 * .onnx file), which never import each other.
 */
import type { FeatureMatrix } from './matrix.js';

/**
 * A regression tree as TreeSHAP needs it, and as the .onnx file gives it back: the one node layout
 * (LightGBM io/tree.cpp) that training extends into `Tree`. Node 0 is the root; feature -1 marks a leaf.
 */
export interface ShapTree {
  /** Split feature per node, -1 for a leaf. */
  readonly feature: Int32Array;
  /** float32 threshold: x <= threshold goes left (float32 comparison). */
  readonly threshold: Float32Array;
  /** 1 when missing values go left. */
  readonly defaultLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Leaf output (learning rate applied), float32; for inner nodes the would-be leaf value. */
  readonly value: Float32Array;
  /** Training weight (hessian sum) reaching each node. */
  readonly cover: Float64Array;
}

/**
 * A trained tree (msc-train): the same nodes plus each split's loss reduction, which the .onnx
 * file does not keep. Real float32 thresholds and no bins, so it is evaluated on raw values and
 * exported as is.
 */
export interface Tree extends ShapTree {
  /** Loss reduction of the split (inner nodes). */
  readonly gain: Float64Array;
}

/** Trees summed into margins: tree t adds to output treeOutput[t]. */
export interface ShapEnsemble {
  readonly nFeatures: number;
  readonly nOutputs: number;
  readonly baseScores: ArrayLike<number>;
  readonly trees: readonly ShapTree[];
  readonly treeOutput: ArrayLike<number>;
}

interface PathElement {
  feature: number;
  zero: number;
  one: number;
  weight: number;
}

function extendPath(path: PathElement[], depth: number, zero: number, one: number, feature: number): void {
  path[depth] = { feature, zero, one, weight: depth === 0 ? 1 : 0 };
  for (let i = depth - 1; i >= 0; i--) {
    path[i + 1]!.weight += (one * path[i]!.weight * (i + 1)) / (depth + 1);
    path[i]!.weight = (zero * path[i]!.weight * (depth - i)) / (depth + 1);
  }
}

function unwindPath(path: PathElement[], depth: number, index: number): void {
  const { one, zero } = path[index]!;
  let next = path[depth]!.weight;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = path[i]!.weight;
      path[i]!.weight = (next * (depth + 1)) / ((i + 1) * one);
      next = tmp - (path[i]!.weight * zero * (depth - i)) / (depth + 1);
    } else {
      path[i]!.weight = (path[i]!.weight * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = index; i < depth; i++) {
    const n = path[i + 1]!;
    path[i] = { feature: n.feature, zero: n.zero, one: n.one, weight: path[i]!.weight };
  }
}

function unwoundPathSum(path: PathElement[], depth: number, index: number): number {
  const { one, zero } = path[index]!;
  let next = path[depth]!.weight;
  let total = 0;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = (next * (depth + 1)) / ((i + 1) * one);
      total += tmp;
      next = path[i]!.weight - (tmp * zero * (depth - i)) / (depth + 1);
    } else if (zero !== 0) {
      total += path[i]!.weight / zero / ((depth - i) / (depth + 1));
    }
  }
  return total;
}

function recurse(
  tree: ShapTree,
  x: Float32Array,
  offset: number,
  phi: Float64Array,
  phiOffset: number,
  node: number,
  parent: PathElement[],
  depth: number,
  zero: number,
  one: number,
  feature: number,
): void {
  const path = parent.slice(0, depth).map((p) => ({ ...p }));
  extendPath(path, depth, zero, one, feature);
  const f = tree.feature[node]!;
  if (f < 0) {
    const value = tree.value[node]!;
    for (let i = 1; i <= depth; i++) {
      const w = unwoundPathSum(path, depth, i);
      const e = path[i]!;
      phi[phiOffset + e.feature]! += w * (e.one - e.zero) * value;
    }
    return;
  }
  const v = x[offset + f]!;
  const goLeft = v !== v ? tree.defaultLeft[node] === 1 : v <= tree.threshold[node]!;
  const hot = goLeft ? tree.left[node]! : tree.right[node]!;
  const cold = goLeft ? tree.right[node]! : tree.left[node]!;
  const cover = tree.cover[node]!;
  let inZero = 1;
  let inOne = 1;
  let d = depth;
  let k = 1;
  for (; k <= d; k++) if (path[k]!.feature === f) break;
  if (k <= d) {
    inZero = path[k]!.zero;
    inOne = path[k]!.one;
    unwindPath(path, d, k);
    d--;
  }
  recurse(tree, x, offset, phi, phiOffset, hot, path, d + 1, (tree.cover[hot]! / cover) * inZero, inOne, f);
  recurse(tree, x, offset, phi, phiOffset, cold, path, d + 1, (tree.cover[cold]! / cover) * inZero, 0, f);
}

/** Cover-weighted mean leaf value: the tree's expected output. */
function expectedValue(tree: ShapTree, node = 0): number {
  if (tree.feature[node]! < 0) return tree.value[node]!;
  const l = tree.left[node]!;
  const r = tree.right[node]!;
  const c = tree.cover[node]!;
  return (tree.cover[l]! / c) * expectedValue(tree, l) + (tree.cover[r]! / c) * expectedValue(tree, r);
}

/**
 * SHAP values [nRows × nOutputs × (nFeatures + 1)]; the last entry of each block is the bias
 * (base score + expected tree outputs).
 */
export function shapValues(booster: ShapEnsemble, matrix: FeatureMatrix): Float64Array {
  const width = booster.nFeatures + 1;
  const k = booster.nOutputs;
  const phi = new Float64Array(matrix.nRows * k * width);
  const bias = Float64Array.from(booster.baseScores);
  booster.trees.forEach((tree, t) => (bias[booster.treeOutput[t]!]! += expectedValue(tree)));
  for (let r = 0; r < matrix.nRows; r++) {
    for (let t = 0; t < booster.trees.length; t++) {
      const out = booster.treeOutput[t]!;
      recurse(booster.trees[t]!, matrix.data, r * matrix.nCols, phi, (r * k + out) * width, 0, [], 0, 1, 1, -1);
    }
    for (let j = 0; j < k; j++) phi[(r * k + j) * width + booster.nFeatures] = bias[j]!;
  }
  return phi;
}

/** Mean |SHAP| per output and feature [nOutputs × nFeatures] (the original's importance). */
export function meanAbsShap(booster: ShapEnsemble, matrix: FeatureMatrix): Float64Array[] {
  const phi = shapValues(booster, matrix);
  const width = booster.nFeatures + 1;
  return Array.from({ length: booster.nOutputs }, (_, j) => {
    const out = new Float64Array(booster.nFeatures);
    for (let r = 0; r < matrix.nRows; r++) {
      const o = (r * booster.nOutputs + j) * width;
      for (let f = 0; f < booster.nFeatures; f++) out[f]! += Math.abs(phi[o + f]!) / matrix.nRows;
    }
    return out;
  });
}

/**
 * SHAP values of one row for one output [nFeatures + 1] (the last entry is the bias): only the
 * trees of that output are walked, so explaining the predicted class costs 1/nOutputs of
 * `shapValues`.
 */
export function rowShapValues(ensemble: ShapEnsemble, data: Float32Array, offset: number, output: number): Float64Array {
  const phi = new Float64Array(ensemble.nFeatures + 1);
  let bias = ensemble.baseScores[output]!;
  for (let t = 0; t < ensemble.trees.length; t++) {
    if (ensemble.treeOutput[t] !== output) continue;
    const tree = ensemble.trees[t]!;
    bias += expectedValue(tree);
    recurse(tree, data, offset, phi, 0, 0, [], 0, 1, 1, -1);
  }
  phi[ensemble.nFeatures] = bias;
  return phi;
}
