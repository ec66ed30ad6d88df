#!/usr/bin/env node
// ONNX Runtime scoring alone, in one process: N distinct feature rows of the varied 60K table,
// scored with the shipped model (and variants of its graph) under several session options and
// batch sizes; reports CPU ns per row-tree (CPU time / (rows × trees)). Each line is one idea timed
// in isolation; the first line is main's msc-predict, "msc-predict now" this branch's.
//   pnpm build && node bench/predict/score.mjs [rows=60000] [variant,...]
// Feature rows: feature-rows.mjs (the varied 60K table, featurized once and cached).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { modelPath, root, variedFeatureRows } from './feature-rows.mjs';
import { permuteRows, readLeadingTrees, rowOrder, unpermuteRows } from '../../packages/predict/dist/row-order.js';

const { onnx } = createRequire(join(root, 'packages/train/package.json'))('onnx-proto');
// BENCH_ORT: another onnxruntime-node install to compare (a folder holding node_modules/onnxruntime-node).
const ort = createRequire(join(process.env.BENCH_ORT ?? join(root, 'packages/predict'), 'package.json'))('onnxruntime-node');
const { data, nRows, nCols } = await variedFeatureRows(Number(process.argv[2] ?? 60_000));
const bytes = readFileSync(modelPath);
const trees = countTrees(bytes);

function countTrees(modelBytes) {
  let n = 0;
  for (const node of onnx.ModelProto.decode(modelBytes).graph.node) {
    if (node.opType !== 'TreeEnsembleRegressor') continue;
    n += new Set(node.attribute.find((a) => a.name === 'nodes_treeids').ints.map(Number)).size;
  }
  return n;
}

/**
 * CPU and wall time of scoring every row in batches of `batch` rows; returns the outputs too.
 * `keyTrees`: each batch's rows sorted by their leaves in the first `keyTrees` trees of each fold
 * (as msc-predict's scoring threads do; the sort is timed too), scores put back in order.
 */
async function time(session, batch, keyTrees) {
  const output = session.outputNames.includes('probabilities') ? 'probabilities' : session.outputNames[0];
  await session.run({ input: new ort.Tensor('float32', data.slice(0, 16 * nCols), [16, nCols]) }, [output]); // warm
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const parts = [];
  const trees = keyTrees ? readLeadingTrees(bytes, keyTrees) : undefined; // once per session, as a scoring thread does
  for (let start = 0; start < nRows; start += batch) {
    const end = Math.min(nRows, start + batch);
    const rows = end - start;
    let x = data.slice(start * nCols, end * nCols);
    const order = trees ? rowOrder(trees, x, rows, nCols) : undefined;
    if (order) x = permuteRows(x, nCols, order);
    const result = await session.run({ input: new ort.Tensor('float32', x, [rows, nCols]) }, [output]);
    const values = result[output].data;
    parts.push(order ? unpermuteRows(values, values.length / rows, order) : Float32Array.from(values));
  }
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - wall0;
  const cpuNs = (cpu.user + cpu.system) * 1000;
  return { cpuNs, wallNs: wall * 1e6, values: concat(parts) };
}

function concat(parts) {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The graph with missing values routed by input columns instead of per-node flags: a node whose
 * missing values go left reads feature F + f, a copy of feature f with NaN as -Infinity (-Inf <= t
 * holds, so it goes left as NaN did); every other node reads f itself (NaN <= t fails: right, as
 * before). No node tracks missing values, so ORT takes its loop without the NaN test.
 * `usedOnly`: the copy holds only the features some such node reads (a Gather), not all F.
 */
function nanLowVariant(modelBytes, usedOnly) {
  const m = onnx.ModelProto.decode(modelBytes);
  const F = nCols;
  const ensembles = m.graph.node.filter((n) => n.opType === 'TreeEnsembleRegressor');
  const get = (n, name) => n.attribute.find((a) => a.name === name);
  const low = new Set();
  for (const n of ensembles) {
    const miss = get(n, 'nodes_missing_value_tracks_true').ints.map(Number);
    const feats = get(n, 'nodes_featureids').ints.map(Number);
    miss.forEach((v, i) => v && low.add(feats[i]));
  }
  const lowList = [...low].sort((a, b) => a - b);
  const slot = new Map(lowList.map((f, i) => [f, usedOnly ? i : f]));
  for (const n of ensembles) {
    const miss = get(n, 'nodes_missing_value_tracks_true');
    const feats = get(n, 'nodes_featureids');
    feats.ints = feats.ints.map((f, i) => (Number(miss.ints[i]) ? F + slot.get(Number(f)) : Number(f)));
    miss.ints = miss.ints.map(() => 0);
    n.input = ['input_both'];
  }
  const T = onnx.TensorProto.DataType;
  const pre = [];
  let source = 'input';
  if (usedOnly) {
    pre.push({
      opType: 'Constant',
      output: ['low_columns'],
      attribute: [{ name: 'value', type: 4, t: { dims: [lowList.length], dataType: T.INT64, int64Data: lowList } }],
    });
    pre.push({ opType: 'Gather', input: ['input', 'low_columns'], output: ['input_low_cols'], attribute: [{ name: 'axis', type: 2, i: 1 }] });
    source = 'input_low_cols';
  }
  pre.push(
    { opType: 'Constant', output: ['minus_infinity'], attribute: [{ name: 'value', type: 4, t: { dims: [], dataType: T.FLOAT, floatData: [-Infinity] } }] },
    { opType: 'IsNaN', input: [source], output: ['input_nan'] },
    { opType: 'Where', input: ['input_nan', 'minus_infinity', source], output: ['input_low'] },
    { opType: 'Concat', input: ['input', 'input_low'], output: ['input_both'], attribute: [{ name: 'axis', type: 2, i: 1 }] },
  );
  m.graph.node = [...pre, ...m.graph.node];
  return onnx.ModelProto.encode(m).finish();
}

/**
 * Each fold's ensemble split into one single-target ensemble per class (ORT's one-output path adds
 * a leaf's value straight to the row's score), the class margins concatenated back.
 */
function perClassVariant(modelBytes) {
  const m = onnx.ModelProto.decode(modelBytes);
  const nodes = [];
  for (const n of m.graph.node) {
    if (n.opType !== 'TreeEnsembleRegressor') {
      nodes.push(n);
      continue;
    }
    const a = Object.fromEntries(n.attribute.map((x) => [x.name, x]));
    const K = Number(a.n_targets.i);
    const treeIds = a.nodes_treeids.ints.map(Number);
    const targetOfTree = new Map();
    a.target_treeids.ints.forEach((t, i) => targetOfTree.set(Number(t), Number(a.target_ids.ints[i])));
    const parts = [];
    for (let c = 0; c < K; c++) {
      const keep = treeIds.map((t) => targetOfTree.get(t) === c);
      const renumber = new Map();
      for (const [i, t] of treeIds.entries()) if (keep[i] && !renumber.has(t)) renumber.set(t, renumber.size);
      const pick = (name, map = (v) => v) =>
        a[name].ints.length
          ? { ints: a[name].ints.filter((_, i) => keep[i]).map(map) }
          : a[name].floats.length
            ? { floats: a[name].floats.filter((_, i) => keep[i]) }
            : { strings: a[name].strings.filter((_, i) => keep[i]) };
      const tkeep = a.target_treeids.ints.map((t) => targetOfTree.get(Number(t)) === c);
      const tpick = (name, map = (v) => v) =>
        a[name].ints.length ? { ints: a[name].ints.filter((_, i) => tkeep[i]).map(map) } : { floats: a[name].floats.filter((_, i) => tkeep[i]) };
      const attr = (name, type, body) => ({ name, type, ...body });
      const out = `${n.output[0]}_class${c}`;
      parts.push(out);
      nodes.push({
        opType: 'TreeEnsembleRegressor',
        domain: 'ai.onnx.ml',
        input: n.input,
        output: [out],
        name: out,
        attribute: [
          attr('n_targets', 2, { i: 1 }),
          attr('aggregate_function', 3, { s: a.aggregate_function.s }),
          attr('post_transform', 3, { s: a.post_transform.s }),
          attr('base_values', 6, { floats: [a.base_values.floats[c]] }),
          attr(
            'nodes_treeids',
            7,
            pick('nodes_treeids', (t) => renumber.get(Number(t))),
          ),
          ...['nodes_nodeids', 'nodes_featureids', 'nodes_truenodeids', 'nodes_falsenodeids', 'nodes_missing_value_tracks_true'].map((x) =>
            attr(x, 7, pick(x)),
          ),
          attr('nodes_modes', 8, pick('nodes_modes')),
          attr('nodes_values', 6, pick('nodes_values')),
          attr('nodes_hitrates', 6, pick('nodes_hitrates')),
          attr(
            'target_treeids',
            7,
            tpick('target_treeids', (t) => renumber.get(Number(t))),
          ),
          attr('target_nodeids', 7, tpick('target_nodeids')),
          attr(
            'target_ids',
            7,
            tpick('target_ids', () => 0),
          ),
          attr('target_weights', 6, tpick('target_weights')),
        ],
      });
    }
    nodes.push({ opType: 'Concat', input: parts, output: n.output, attribute: [{ name: 'axis', type: 2, i: 1 }] });
  }
  m.graph.node = nodes;
  return onnx.ModelProto.encode(m).finish();
}

/** The graph reading only the features some tree splits on: a Gather in front, node feature ids renumbered (a narrower row per ORT block of 128). */
function usedFeaturesVariant(modelBytes) {
  const m = onnx.ModelProto.decode(modelBytes);
  const ensembles = m.graph.node.filter((n) => n.opType === 'TreeEnsembleRegressor');
  const get = (n, name) => n.attribute.find((a) => a.name === name);
  const used = [...new Set(ensembles.flatMap((n) => get(n, 'nodes_featureids').ints.map(Number)))].sort((a, b) => a - b);
  const slot = new Map(used.map((f, i) => [f, i]));
  for (const n of ensembles) {
    const feats = get(n, 'nodes_featureids');
    feats.ints = feats.ints.map((f) => slot.get(Number(f)));
    n.input = ['input_used'];
  }
  const gather = [
    {
      opType: 'Constant',
      output: ['used_columns'],
      attribute: [{ name: 'value', type: 4, t: { dims: [used.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: used } }],
    },
    { opType: 'Gather', input: ['input', 'used_columns'], output: ['input_used'], attribute: [{ name: 'axis', type: 2, i: 1 }] },
  ];
  m.graph.node = [...gather, ...m.graph.node];
  return onnx.ModelProto.encode(m).finish();
}

const shipped = { intraOpNumThreads: 1, interOpNumThreads: 1, extra: { session: { intra_op: { allow_spinning: '0' } } } };
const runs = [
  { name: 'main: 1 thread, batches of 4096, rows as given', options: shipped, batch: 4096 },
  { name: 'rows sorted by leaves of 6 trees/fold (msc-predict now)', options: shipped, batch: 4096, keyTrees: 6 },
  { name: 'rows sorted by leaves of 2 trees/fold', options: shipped, batch: 4096, keyTrees: 2 },
  { name: 'rows sorted by leaves of 4 trees/fold', options: shipped, batch: 4096, keyTrees: 4 },
  { name: 'rows sorted by leaves of 10 trees/fold', options: shipped, batch: 4096, keyTrees: 10 },
  { name: 'rows sorted by leaves of 6 trees/fold, batches of 16384', options: shipped, batch: 16384, keyTrees: 6 },
  { name: 'batches of 128', options: shipped, batch: 128 },
  { name: 'batches of 1024', options: shipped, batch: 1024 },
  { name: 'one run over all rows', options: shipped, batch: nRows },
  { name: 'graph optimization disabled', options: { ...shipped, graphOptimizationLevel: 'disabled' }, batch: 4096 },
  { name: 'graph optimization all', options: { ...shipped, graphOptimizationLevel: 'all' }, batch: 4096 },
  { name: 'execution mode parallel', options: { ...shipped, executionMode: 'parallel', interOpNumThreads: 2 }, batch: 4096 },
  { name: '2 intra-op threads (CPU, not wall)', options: { ...shipped, intraOpNumThreads: 2 }, batch: 4096 },
  { name: 'NaN-low copy of all features, no missing tracks', options: shipped, batch: 4096, modelBytes: nanLowVariant(bytes, false) },
  { name: 'NaN-low copy of features read with missing→left only', options: shipped, batch: 4096, modelBytes: nanLowVariant(bytes, true) },
  { name: 'one single-target ensemble per fold and class', options: shipped, batch: 4096, modelBytes: perClassVariant(bytes) },
  { name: 'used features only (Gather in the graph)', options: shipped, batch: 4096, modelBytes: usedFeaturesVariant(bytes) },
  {
    name: 'used features only (Gather in the graph), rows sorted by leaves of 6 trees/fold',
    options: shipped,
    batch: 4096,
    modelBytes: usedFeaturesVariant(bytes),
    keyTrees: 6,
  },
];
const only = process.argv[3]?.split(',');
const picked = runs.filter((run) => !only || only.some((word) => run.name.includes(word)));
const repeats = Number(process.env.BENCH_REPEAT ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const load = (await import('node:os')).loadavg;
const loadBefore = load()[0];
// Rounds: every setting once per round, so the machine's load falls on all alike.
const results = picked.map(() => ({ cpu: [], wall: [], same: true }));
let reference;
for (let round = 0; round < repeats; round++) {
  for (const [k, run] of picked.entries()) {
    const session = await ort.InferenceSession.create(run.modelBytes ?? bytes, run.options);
    const { cpuNs, wallNs, values } = await time(session, run.batch, run.keyTrees);
    await session.release();
    reference ??= values;
    results[k].cpu.push(cpuNs);
    results[k].wall.push(wallNs);
    results[k].same &&= values.length === reference.length && values.every((v, i) => Object.is(v, reference[i]));
  }
}
console.log(
  `${nRows.toLocaleString('en')} distinct rows × ${trees} trees (${nCols} features); onnxruntime-node ${ort.env.versions?.node ?? '?'}; median of ${repeats} rounds; load ${loadBefore.toFixed(1)} → ${load()[0].toFixed(1)}`,
);
console.log('| setting | CPU s | wall s | ns per row-tree (CPU) | vs first | same output |');
console.log('|---|---|---|---|---|---|');
const base = median(results[0].cpu);
for (const [k, run] of picked.entries()) {
  const cpu = median(results[k].cpu);
  console.log(
    `| ${run.name} | ${(cpu / 1e9).toFixed(2)} | ${(median(results[k].wall) / 1e9).toFixed(2)} | ${(cpu / nRows / trees).toFixed(2)} | ${(cpu / base).toFixed(2)}x | ${results[k].same ? 'yes' : 'NO'} |`,
  );
}
