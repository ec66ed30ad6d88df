import type { Tree } from '@msc/features';

/** The node layout is features' (shared with TreeSHAP and the trees read back from .onnx); train adds the builder and the walk. */
export type { Tree };

/** Index of the leaf a row reaches; `row` is a float32 view of one row's values. */
export function leafIndex(tree: Tree, data: Float32Array, offset: number): number {
  const { feature, threshold, defaultLeft, left, right } = tree;
  let node = 0;
  for (;;) {
    const f = feature[node]!;
    if (f < 0) return node;
    const x = data[offset + f]!;
    // Float32Array elements and thresholds are float32 values, so this is a float32 comparison.
    if (x !== x) node = defaultLeft[node] ? left[node]! : right[node]!;
    else node = x <= threshold[node]! ? left[node]! : right[node]!;
  }
}

/** Growable node storage, frozen into a Tree when the learner is done. */
export class TreeBuilder {
  private readonly feature: number[] = [];
  private readonly threshold: number[] = [];
  private readonly defaultLeft: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private readonly value: number[] = [];
  private readonly gain: number[] = [];
  private readonly cover: number[] = [];

  /** Adds a leaf and returns its node index. */
  addLeaf(value: number, cover: number): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.defaultLeft.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push(Math.fround(value));
    this.gain.push(0);
    this.cover.push(cover);
    return this.feature.length - 1;
  }

  /** Turns leaf `node` into a split with the given children. */
  setSplit(node: number, feature: number, threshold: number, defaultLeft: boolean, gain: number, left: number, right: number): void {
    this.feature[node] = feature;
    this.threshold[node] = Math.fround(threshold);
    this.defaultLeft[node] = defaultLeft ? 1 : 0;
    this.gain[node] = gain;
    this.left[node] = left;
    this.right[node] = right;
  }

  build(): Tree {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float32Array.from(this.threshold),
      defaultLeft: Uint8Array.from(this.defaultLeft),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float32Array.from(this.value),
      gain: Float64Array.from(this.gain),
      cover: Float64Array.from(this.cover),
    };
  }
}
