/**
 * The order in which a scoring thread hands a batch's rows to ONNX Runtime. ORT walks one tree for
 * 128 rows in a row (tree_ensemble_common.h), and a tree walk is mostly branch mispredictions when
 * neighbouring rows go different ways; rows sorted by the leaves they reach in the first few trees
 * of each ensemble tend to take the same paths through the later trees too, and the CPU predicts
 * them. ORT scores every row on its own (its sums run per row, in tree order), so the scores are
 * the same bytes in any row order: the order is a speed hint only, and a model whose trees cannot
 * be read here is simply scored in the given order.
 */
import { fieldsOf, scanFields, type WireField } from './model-header.js';

/**
 * Trees read from each ensemble for the sort key: 6 of 500 per fold. Scoring CPU, sort included,
 * 0.78× on all-distinct rows (2: 0.82×, 4: 0.75×, 10: 0.73×, within noise; bench/predict/score.mjs).
 */
export const KEY_TREES_PER_ENSEMBLE = 6;
/** Batches smaller than this are scored as given (ORT's blocks are 128 rows; a few rows gain nothing). */
export const MIN_ORDERED_ROWS = 256;

/** One tree as the key walks it: node i goes to left[i] when x[feature[i]] <= threshold[i] (or x is missing and missingLeft[i]); feature -1 marks a leaf. */
export interface KeyTree {
  feature: Int32Array;
  threshold: Float32Array;
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
}

/** onnx.proto field numbers: ModelProto.graph, GraphProto.node, NodeProto.op_type/attribute, AttributeProto.name/floats/ints/strings. */
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const ATTRIBUTE_NAME = 1;
const ATTRIBUTE_FLOATS = 7;
const ATTRIBUTE_INTS = 8;
const ATTRIBUTE_STRINGS = 9;
const TREE_OPS = new Set(['TreeEnsembleRegressor', 'TreeEnsembleClassifier']);
const NODE_ATTRIBUTES = [
  'nodes_treeids',
  'nodes_nodeids',
  'nodes_featureids',
  'nodes_modes',
  'nodes_values',
  'nodes_truenodeids',
  'nodes_falsenodeids',
  'nodes_missing_value_tracks_true',
] as const;

const utf8 = new TextDecoder();

/**
 * The first `perEnsemble` trees of each tree ensemble node of a model, read from the protobuf wire
 * format, and of each node attribute only the values of those trees' nodes (decoding the whole
 * model with onnx-proto takes ≈ 1 s of CPU for the default model's 82K nodes). Empty when the
 * model holds no ensemble in the attribute form msc-train writes (nodes listed tree by tree), or
 * cannot be read here: the order is a hint, and ONNX Runtime is the judge of the model.
 */
export function readLeadingTrees(bytes: Uint8Array, perEnsemble = KEY_TREES_PER_ENSEMBLE): KeyTree[] {
  try {
    return interleave(readEnsembles(bytes, perEnsemble), perEnsemble);
  } catch {
    return [];
  }
}

/** Each ensemble's first tree first: the key's first places tell more apart than a fold's next trees would. */
function interleave(byEnsemble: readonly KeyTree[][], perEnsemble: number): KeyTree[] {
  return Array.from({ length: perEnsemble }, (_, i) => byEnsemble.flatMap((trees) => trees.slice(i, i + 1))).flat();
}

function readEnsembles(bytes: Uint8Array, perEnsemble: number): KeyTree[][] {
  const byEnsemble: KeyTree[][] = [];
  const text = (field: Readonly<WireField>) => utf8.decode(bytes.subarray(field.start, field.end));
  for (const graph of fieldsOf(bytes, 0, bytes.length)) {
    if (graph.wire !== 2 || graph.number !== MODEL_GRAPH) continue;
    for (const node of fieldsOf(bytes, graph.start, graph.end)) {
      if (node.wire !== 2 || node.number !== GRAPH_NODE) continue;
      const fields = fieldsOf(bytes, node.start, node.end);
      const opType = fields.find((field) => field.wire === 2 && field.number === NODE_OP_TYPE);
      if (!opType || !TREE_OPS.has(text(opType))) continue;
      const attributes = new Map<string, Readonly<WireField>>();
      for (const field of fields) {
        if (field.wire !== 2 || field.number !== NODE_ATTRIBUTE) continue;
        scanFields(bytes, field.start, field.end, (inner) => {
          if (inner.wire !== 2 || inner.number !== ATTRIBUTE_NAME) return true;
          attributes.set(text(inner), field);
          return false;
        });
      }
      if (NODE_ATTRIBUTES.some((name) => !attributes.has(name))) continue;
      // The leading trees' nodes: those listed before the first node of tree perEnsemble + 1.
      const treeIds: number[] = [];
      const seen = new Set<number>();
      readValues(bytes, attributes.get('nodes_treeids')!, ATTRIBUTE_INTS, (id) => {
        if (!seen.has(id)) {
          if (seen.size === perEnsemble) return false;
          seen.add(id);
        }
        treeIds.push(id);
        return true;
      });
      const limit = treeIds.length;
      const values = (name: string, number: number) => {
        const out: (number | string)[] = [];
        readValues(bytes, attributes.get(name)!, number, (value) => out.push(value) < limit);
        return out;
      };
      const ints = (name: string) => values(name, ATTRIBUTE_INTS) as number[];
      byEnsemble.push(
        buildTrees(
          treeIds,
          ints('nodes_nodeids'),
          ints('nodes_featureids'),
          values('nodes_modes', ATTRIBUTE_STRINGS) as string[],
          values('nodes_values', ATTRIBUTE_FLOATS) as number[],
          {
            trueIds: ints('nodes_truenodeids'),
            falseIds: ints('nodes_falsenodeids'),
            missingTrue: ints('nodes_missing_value_tracks_true'),
          },
        ),
      );
    }
  }
  return byEnsemble;
}

/**
 * Calls `take` with the attribute's repeated values of field `number` (ints: varints, packed or
 * not, never negative here; floats: float32, packed or not; strings: text) until it returns false.
 */
function readValues(bytes: Uint8Array, attribute: Readonly<WireField>, number: number, take: (value: never) => boolean): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const give = take as (value: number | string) => boolean;
  scanFields(bytes, attribute.start, attribute.end, (field) => {
    if (field.number !== number) return true;
    if (number === ATTRIBUTE_STRINGS) return field.wire === 2 ? give(utf8.decode(bytes.subarray(field.start, field.end))) : true;
    if (field.wire === 0) return give(field.value!);
    if (field.wire === 5) return give(view.getFloat32(field.start, true));
    if (field.wire !== 2) return true;
    if (number === ATTRIBUTE_FLOATS) {
      for (let at = field.start; at + 4 <= field.end; at += 4) if (!give(view.getFloat32(at, true))) return false;
      return true;
    }
    let go = true;
    for (let at = field.start; at < field.end && go;) {
      let value = 0;
      for (let shift = 0; at < field.end; shift += 7) {
        const byte = bytes[at++]!;
        value += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) break;
      }
      go = give(value);
    }
    return go;
  });
}

function buildTrees(
  treeIds: readonly number[],
  nodeIds: readonly number[],
  featureIds: readonly number[],
  modes: readonly string[],
  thresholds: readonly number[],
  links: { trueIds: readonly number[]; falseIds: readonly number[]; missingTrue: readonly number[] },
): KeyTree[] {
  const n = treeIds.length;
  if ([nodeIds, featureIds, modes, thresholds, links.trueIds, links.falseIds].some((values) => values.length !== n)) return [];
  // Each tree's nodes by node id, trees in the order their nodes appear.
  const picked = new Map<number, Map<number, number>>();
  for (let i = 0; i < n; i++) {
    let nodes = picked.get(treeIds[i]!);
    if (!nodes) picked.set(treeIds[i]!, (nodes = new Map()));
    nodes.set(nodeIds[i]!, i);
  }
  const trees: KeyTree[] = [];
  for (const nodes of picked.values()) {
    const size = nodes.size;
    const tree: KeyTree = {
      feature: new Int32Array(size),
      threshold: new Float32Array(size),
      missingLeft: new Uint8Array(size),
      left: new Int32Array(size),
      right: new Int32Array(size),
    };
    const local = new Map([...nodes.keys()].map((id, k) => [id, k]));
    let k = 0;
    for (const i of nodes.values()) {
      const left = local.get(links.trueIds[i]!);
      const right = local.get(links.falseIds[i]!);
      const leaf = modes[i] === 'LEAF' || left === undefined || right === undefined;
      tree.feature[k] = leaf ? -1 : featureIds[i]!;
      tree.threshold[k] = thresholds[i]!;
      tree.missingLeft[k] = links.missingTrue[i] === 1 ? 1 : 0;
      tree.left[k] = left ?? 0;
      tree.right[k] = right ?? 0;
      k++;
    }
    // The root is the node listed first (msc-train and onnxmltools list node 0 first).
    trees.push(tree);
  }
  return trees;
}

/**
 * The batch's row indexes sorted by the leaves each row reaches in `trees` (lexicographically,
 * ties in input order). Feature ids past the row's width read as missing.
 */
export function rowOrder(trees: readonly KeyTree[], data: Float32Array, rows: number, cols: number): Uint32Array {
  const width = trees.length;
  const keys = new Int32Array(rows * width);
  // Row by row (a row's features stay in cache for all its walks; tree by tree over a 16 MB batch missed the cache at every step).
  for (let r = 0; r < rows; r++) {
    const x = r * cols;
    for (let t = 0; t < width; t++) {
      const { feature, threshold, missingLeft, left, right } = trees[t]!;
      let node = 0;
      for (let steps = 0; feature[node]! >= 0 && steps < feature.length; steps++) {
        const f = feature[node]!;
        const v = f < cols ? data[x + f]! : Number.NaN;
        node = v <= threshold[node]! || (v !== v && missingLeft[node] === 1) ? left[node]! : right[node]!;
      }
      keys[r * width + t] = node;
    }
  }
  const order = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) order[r] = r;
  return order.sort((a, b) => {
    for (let t = 0, ka = a * width, kb = b * width; t < width; t++) {
      const d = keys[ka + t]! - keys[kb + t]!;
      if (d !== 0) return d;
    }
    return a - b;
  });
}

/**
 * Puts `data`'s rows in `order`, in place (row i becomes the former row order[i]), following the
 * permutation's cycles with one row of scratch: a new 16 MB batch cost more in page faults than
 * the copy itself.
 */
export function permuteRows(data: Float32Array, cols: number, order: Uint32Array): Float32Array {
  const done = new Uint8Array(order.length);
  const scratch = new Float32Array(cols);
  for (let start = 0; start < order.length; start++) {
    if (done[start] || order[start] === start) continue;
    scratch.set(data.subarray(start * cols, start * cols + cols));
    let row = start;
    for (;;) {
      done[row] = 1;
      const from = order[row]!;
      if (from === start) {
        data.set(scratch, row * cols);
        break;
      }
      data.copyWithin(row * cols, from * cols, from * cols + cols);
      row = from;
    }
  }
  return data;
}

/** Undoes permuteRows on a result of `width` values per row. */
export function unpermuteRows(values: Float32Array, width: number, order: Uint32Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < order.length; i++) out.set(values.subarray(i * width, i * width + width), order[i]! * width);
  return out;
}
