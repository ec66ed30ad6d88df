import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { createFeatureMatrix } from '@msc/features';
import { loadModel, readTreeEnsembles } from '@msc/predict';
import { KEY_TREES_PER_ENSEMBLE, MIN_ORDERED_ROWS, permuteRows, readLeadingTrees, rowOrder, unpermuteRows } from '../src/row-order.js';

const defaultModel = fileURLToPath(new URL('../../../models/prostate_mpmri.onnx', import.meta.url));
const bytes = readFileSync(defaultModel);

/** Deterministic feature rows: mostly 0/1 terms, some numbers, some NaN. */
function values(count: number, seed = 17): Float32Array {
  const data = new Float32Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const u = state / 4294967296;
    data[i] = u < 0.05 ? Number.NaN : u < 0.8 ? (u < 0.7 ? 0 : 1) : u * 5000;
  }
  return data;
}

describe('row order', () => {
  it('reads the leading trees of each fold from the wire format as the full decoder reads them', () => {
    const ensembles = readTreeEnsembles(bytes, defaultModel);
    const trees = readLeadingTrees(bytes);
    expect(trees).toHaveLength(ensembles.length * KEY_TREES_PER_ENSEMBLE);
    // Interleaved: tree i of every fold, then tree i + 1.
    trees.forEach((tree, k) => {
      const full = ensembles[k % ensembles.length]!.trees[Math.floor(k / ensembles.length)]!;
      expect(tree.feature).toEqual(full.feature);
      expect(tree.threshold).toEqual(full.threshold);
      expect(tree.missingLeft).toEqual(full.defaultLeft);
      const inner = Array.from(full.feature, (f, n) => (f >= 0 ? n : -1)).filter((n) => n >= 0);
      expect(inner.map((n) => tree.left[n])).toEqual(inner.map((n) => full.left[n]));
      expect(inner.map((n) => tree.right[n])).toEqual(inner.map((n) => full.right[n]));
    });
  });

  it('reads no trees from a model without tree ensembles or from bytes that are no model', () => {
    expect(
      readLeadingTrees(
        onnxProto.onnx.ModelProto.encode({ irVersion: 8, graph: { name: 'g', node: [{ opType: 'Identity', input: ['a'], output: ['b'] }] } }).finish(),
      ),
    ).toEqual([]);
    expect(readLeadingTrees(new Uint8Array([0x3a, 0x05, 0x0a]))).toEqual([]);
  });

  it('groups rows that reach the same leaves, keeping input order among equals', () => {
    const trees = readLeadingTrees(bytes);
    const cols = Math.max(...trees.flatMap((tree) => [...tree.feature])) + 1;
    const [a, b] = [values(cols, 1), values(cols, 2)];
    const rows = 10;
    const data = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) data.set(r % 2 ? b : a, r * cols);
    const order = [...rowOrder(trees, data, rows, cols)];
    expect([...order].sort((x, y) => x - y)).toEqual([...Array(rows).keys()]);
    const even = order.filter((r) => r % 2 === 0);
    const odd = order.filter((r) => r % 2 === 1);
    expect(even).toEqual([0, 2, 4, 6, 8]);
    expect(odd).toEqual([1, 3, 5, 7, 9]);
    // one block of each pattern: the two differ in some leading tree's leaf
    expect(order.slice(0, 5).every((r) => r % 2 === order[0]! % 2)).toBe(true);
  });

  it('permutes rows in place and puts results back in the callers order', () => {
    const rows = 7;
    const cols = 3;
    const data = Float32Array.from({ length: rows * cols }, (_, i) => i);
    const original = data.slice();
    const order = Uint32Array.from([3, 0, 6, 5, 4, 1, 2]);
    const permuted = permuteRows(data, cols, order);
    expect(permuted).toBe(data);
    for (let i = 0; i < rows; i++)
      expect([...permuted.subarray(i * cols, i * cols + cols)]).toEqual([...original.subarray(order[i]! * cols, order[i]! * cols + cols)]);
    expect(unpermuteRows(permuted, cols, order)).toEqual(original);
  });

  it('leaves the scores unchanged to the last bit: a sorted batch scores as small unsorted batches do', async () => {
    const model = await loadModel(defaultModel, { scoreThreads: 1 });
    try {
      const cols = model.spec.features.length;
      const rows = 2 * MIN_ORDERED_ROWS + 37;
      const data = values(rows * cols, 5);
      const whole = await model.score(createFeatureMatrix(rows, cols, data.slice()));
      const step = MIN_ORDERED_ROWS - 1; // below the size that is ordered
      const parts: Float32Array[] = [];
      for (let start = 0; start < rows; start += step) {
        const end = Math.min(rows, start + step);
        parts.push(await model.score(createFeatureMatrix(end - start, cols, data.slice(start * cols, end * cols))));
      }
      const expected = new Float32Array(whole.length);
      let at = 0;
      for (const part of parts) {
        expected.set(part, at);
        at += part.length;
      }
      expect(Buffer.from(whole.buffer)).toEqual(Buffer.from(expected.buffer));
      // the batch really was reordered: its rows do not come sorted already
      const order = rowOrder(readLeadingTrees(bytes), data, rows, cols);
      expect([...order].some((r, i) => r !== i)).toBe(true);
    } finally {
      await model.close();
    }
  });
});
