#!/usr/bin/env node
// Prototype (bench only, not wired into msc-predict): the shipped model's trees evaluated in JS
// from flat typed arrays, timed against ONNX Runtime on the same distinct feature rows, and checked
// bit for bit: each fold's margins against ORT's TreeEnsembleRegressor outputs, and the final
// probabilities (JS margins → ORT's own Softmax and Mean) against the shipped graph's.
//   pnpm build && node bench/predict/js-trees.mjs [rows=60000] [evaluator,...]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { readTreeEnsembles } from '@msc/predict';
import { modelPath, root, variedFeatureRows } from './feature-rows.mjs';

const { onnx } = createRequire(join(root, 'packages/train/package.json'))('onnx-proto');
const ort = createRequire(join(root, 'packages/predict/package.json'))('onnxruntime-node');
const { data, nRows, nCols: F } = await variedFeatureRows(Number(process.argv[2] ?? 60_000));
const bytes = readFileSync(modelPath);
const ensembles = readTreeEnsembles(bytes, modelPath);
const K = ensembles[0].nOutputs;
const nTrees = ensembles.reduce((n, e) => n + e.trees.length, 0);
const BLOCK = 128;
const repeats = Number(process.env.BENCH_REPEAT ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const sessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, extra: { session: { intra_op: { allow_spinning: '0' } } } };

/** The shipped graph with each fold's margins as outputs too. */
function withMarginOutputs(modelBytes) {
  const m = onnx.ModelProto.decode(modelBytes);
  const margins = m.graph.node.filter((n) => n.opType === 'TreeEnsembleRegressor').map((n) => n.output[0]);
  m.graph.output.push(...margins.map((name) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: K }] } } } })));
  return { bytes: onnx.ModelProto.encode(m).finish(), margins };
}

/** The shipped graph's tail alone: fold margins in → Softmax per fold → Mean → probabilities. */
function softmaxMeanGraph(folds) {
  const inputs = Array.from({ length: folds }, (_, i) => `fold${i}_margin`);
  const value = (name) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: K }] } } } });
  const m = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tail',
      node: [
        ...inputs.map((x, i) => ({ opType: 'Softmax', input: [x], output: [`p${i}`], attribute: [{ name: 'axis', type: 2, i: 1 }] })),
        { opType: 'Mean', input: inputs.map((_, i) => `p${i}`), output: ['probabilities'] },
      ],
      input: inputs.map(value),
      output: [value('probabilities')],
    },
  });
  return onnx.ModelProto.encode(m).finish();
}

/** Flat arrays of one fold: node n of tree t at base[t] + n; leaves have feature -1. */
function flatten(ensemble) {
  const base = new Int32Array(ensemble.trees.length);
  let size = 0;
  ensemble.trees.forEach((tree, t) => ((base[t] = size), (size += tree.feature.length)));
  const feature = new Int32Array(size);
  const threshold = new Float32Array(size);
  const missingLeft = new Uint8Array(size);
  const left = new Int32Array(size);
  const right = new Int32Array(size);
  const value = new Float32Array(size);
  ensemble.trees.forEach((tree, t) => {
    for (let n = 0; n < tree.feature.length; n++) {
      const at = base[t] + n;
      feature[at] = tree.feature[n];
      threshold[at] = tree.threshold[n];
      missingLeft[at] = tree.defaultLeft[n];
      left[at] = base[t] + tree.left[n];
      right[at] = base[t] + tree.right[n];
      value[at] = tree.value[n];
    }
  });
  return {
    base,
    feature,
    threshold,
    missingLeft,
    left,
    right,
    value,
    output: Int32Array.from(ensemble.treeOutput),
    baseScores: Float32Array.from(ensemble.baseScores),
  };
}

/**
 * Complete trees of depth D, breadth-first, for a walk without branches on the data: inner node i
 * has children 2i+1 (x <= t) and 2i+2. A missing value's direction is folded into the column read:
 * nodes whose missing values go left read a copy of the feature with NaN as -Infinity (column F + f);
 * padding nodes read a column that is always 0 with threshold +Infinity (always left), and the leaf
 * value is repeated under them.
 */
function complete(ensemble) {
  const depthOf = (tree, n) => (tree.feature[n] < 0 ? 0 : 1 + Math.max(depthOf(tree, tree.left[n]), depthOf(tree, tree.right[n])));
  const D = Math.max(...ensemble.trees.map((tree) => depthOf(tree, 0)));
  const inner = (1 << D) - 1;
  const leaves = 1 << D;
  const T = ensemble.trees.length;
  const column = new Int32Array(T * inner).fill(2 * F);
  const threshold = new Float32Array(T * inner).fill(Infinity);
  const value = new Float32Array(T * leaves);
  ensemble.trees.forEach((tree, t) => {
    const place = (n, i, depth) => {
      if (depth === D) {
        value[t * leaves + i - inner] = tree.value[n];
        return;
      }
      if (tree.feature[n] >= 0) {
        column[t * inner + i] = tree.feature[n] + (tree.defaultLeft[n] ? F : 0);
        threshold[t * inner + i] = tree.threshold[n];
        place(tree.left[n], 2 * i + 1, depth + 1);
        place(tree.right[n], 2 * i + 2, depth + 1);
      } else {
        place(n, 2 * i + 1, depth + 1); // padding: always left, so the right subtree stays unused
      }
    };
    place(0, 0, 0);
  });
  return { D, inner, leaves, column, threshold, value, output: Int32Array.from(ensemble.treeOutput), baseScores: Float32Array.from(ensemble.baseScores) };
}

const flats = ensembles.map(flatten);
const completes = ensembles.map(complete);

/** Branchy walk over the original nodes, row-major input, trees outer within blocks of rows (as ORT). */
function branchyRows(margins) {
  for (const [e, fold] of flats.entries()) {
    const { base, feature, threshold, missingLeft, left, right, value, output, baseScores } = fold;
    const out = margins[e];
    for (let b = 0; b < nRows; b += BLOCK) {
      const end = Math.min(nRows, b + BLOCK);
      for (let t = 0; t < base.length; t++) {
        const root = base[t];
        const k = output[t];
        for (let r = b; r < end; r++) {
          const x = r * F;
          let n = root;
          while (feature[n] >= 0) {
            const v = data[x + feature[n]];
            n = v <= threshold[n] || (missingLeft[n] === 1 && v !== v) ? left[n] : right[n];
          }
          out[r * K + k] += value[n];
        }
      }
      for (let r = b; r < end; r++) for (let k = 0; k < K; k++) out[r * K + k] += baseScores[k];
    }
  }
}

/** Each block of rows transposed (column-major, with the NaN→-Infinity copies and the 0 column), then the complete trees walked without data branches. */
function completeColumns(margins, branchless) {
  const width = 2 * F + 1;
  const block = new Float32Array(width * BLOCK);
  for (let b = 0; b < nRows; b += BLOCK) {
    const end = Math.min(nRows, b + BLOCK);
    const rows = end - b;
    for (let r = 0; r < rows; r++) {
      const x = (b + r) * F;
      for (let f = 0; f < F; f++) {
        const v = data[x + f];
        block[f * BLOCK + r] = v;
        block[(F + f) * BLOCK + r] = v !== v ? -Infinity : v;
      }
      block[2 * F * BLOCK + r] = 0;
    }
    for (const [e, fold] of completes.entries()) {
      const { D, inner, leaves, column, threshold, value, output, baseScores } = fold;
      const out = margins[e];
      const T = output.length;
      for (let t = 0; t < T; t++) {
        const nodes = t * inner;
        const k = output[t];
        const leafBase = t * leaves - inner;
        for (let r = 0; r < rows; r++) {
          let i = 0;
          if (branchless) for (let d = 0; d < D; d++) i = 2 * i + 2 - +(block[column[nodes + i] * BLOCK + r] <= threshold[nodes + i]);
          else for (let d = 0; d < D; d++) i = block[column[nodes + i] * BLOCK + r] <= threshold[nodes + i] ? 2 * i + 1 : 2 * i + 2;
          out[(b + r) * K + k] += value[leafBase + i];
        }
      }
      for (let r = b; r < end; r++) for (let k = 0; k < K; k++) out[r * K + k] += baseScores[k];
    }
  }
}

const evaluators = [
  { name: 'JS, original nodes, branchy, row-major (as ORT walks)', run: branchyRows },
  { name: 'JS, complete trees, column blocks, branchy', run: (m) => completeColumns(m, false) },
  { name: 'JS, complete trees, column blocks, branchless', run: (m) => completeColumns(m, true) },
];
const only = process.argv[3]?.split(',');
const picked = evaluators.filter((ev) => !only || only.some((word) => ev.name.includes(word)));

// ORT: the shipped graph (timed) and its fold margins (the reference).
const { bytes: marginBytes, margins: marginNames } = withMarginOutputs(bytes);
const session = await ort.InferenceSession.create(marginBytes, sessionOptions);
const ortMargins = marginNames.map(() => new Float32Array(nRows * K));
const ortProbabilities = new Float32Array(nRows * K);
const shippedSession = await ort.InferenceSession.create(bytes, sessionOptions);
const timeOrt = async (s, fetches, store) => {
  const cpu0 = process.cpuUsage();
  for (let b = 0; b < nRows; b += 4096) {
    const end = Math.min(nRows, b + 4096);
    const result = await s.run({ input: new ort.Tensor('float32', data.slice(b * F, end * F), [end - b, F]) }, fetches);
    store(result, b);
  }
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) * 1000;
};
await timeOrt(session, marginNames, (result, b) => marginNames.forEach((name, e) => ortMargins[e].set(result[name].data, b * K)));

const tail = await ort.InferenceSession.create(softmaxMeanGraph(ensembles.length), sessionOptions);
const rows = picked.map(() => ({ cpu: [], marginsSame: true, probabilitiesSame: true }));
const ortCpu = [];
for (let round = 0; round < repeats; round++) {
  ortCpu.push(await timeOrt(shippedSession, ['probabilities'], (result, b) => ortProbabilities.set(result.probabilities.data, b * K)));
  for (const [k, ev] of picked.entries()) {
    const margins = ensembles.map(() => new Float32Array(nRows * K));
    const cpu0 = process.cpuUsage();
    ev.run(margins);
    const cpu = process.cpuUsage(cpu0);
    rows[k].cpu.push((cpu.user + cpu.system) * 1000);
    rows[k].marginsSame &&= margins.every((m, e) => m.every((v, i) => Object.is(v, ortMargins[e][i])));
    const feeds = Object.fromEntries(margins.map((m, e) => [`fold${e}_margin`, new ort.Tensor('float32', m, [nRows, K])]));
    const probabilities = (await tail.run(feeds)).probabilities.data;
    rows[k].probabilitiesSame &&= probabilities.every((v, i) => Object.is(v, ortProbabilities[i]));
  }
}
console.log(`${nRows.toLocaleString('en')} distinct rows × ${nTrees} trees (${F} features); median CPU of ${repeats} rounds; load ${loadavg()[0].toFixed(1)}`);
console.log('| evaluator | CPU s | ns per row-tree | vs ORT | fold margins = ORT | probabilities = ORT |');
console.log('|---|---|---|---|---|---|');
const ortMedian = median(ortCpu);
console.log(
  `| ONNX Runtime ${ort.env.versions?.node ?? ''}, shipped graph, 1 thread, batches of 4096 | ${(ortMedian / 1e9).toFixed(2)} | ${(ortMedian / nRows / nTrees).toFixed(2)} | 1.00x | — | — |`,
);
for (const [k, ev] of picked.entries()) {
  const cpu = median(rows[k].cpu);
  console.log(
    `| ${ev.name} | ${(cpu / 1e9).toFixed(2)} | ${(cpu / nRows / nTrees).toFixed(2)} | ${(cpu / ortMedian).toFixed(2)}x | ${rows[k].marginsSame ? 'yes' : 'NO'} | ${rows[k].probabilitiesSame ? 'yes' : 'NO'} |`,
  );
}
