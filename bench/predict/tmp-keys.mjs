import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { modelPath, root, variedFeatureRows } from './feature-rows.mjs';
import { permuteRows, readLeadingTrees, rowOrder } from '../../packages/predict/dist/row-order.js';
const ort = createRequire(join(root, 'packages/predict/package.json'))('onnxruntime-node');
const { data, nRows, nCols: F } = await variedFeatureRows(Number(process.argv[2] ?? 30000));
const bytes = readFileSync(modelPath);
const opts = { intraOpNumThreads: 1, interOpNumThreads: 1, extra: { session: { intra_op: { allow_spinning: '0' } } } };
const session = await ort.InferenceSession.create(bytes, opts);
const B = 4096;
const perFold = (m) => readLeadingTrees(bytes, m);
const t6 = perFold(6),
  t20 = perFold(20);
const interleave = (trees, m) => {
  const out = [];
  for (let i = 0; i < m; i++) for (let f = 0; f < 5; f++) out.push(trees[f * m + i]);
  return out;
};
const keys = {
  none: null,
  'fold-major 6': t6,
  'interleaved 6': interleave(t6, 6),
  'fold0 first 20': t20.slice(0, 20),
  'fold-major 20': t20,
  'fold-major 2': perFold(2),
};
for (let round = 0; round < 2; round++)
  for (const [name, trees] of Object.entries(keys)) {
    const batches = [];
    let keyNs = 0;
    for (let b = 0; b < nRows; b += B) {
      const e = Math.min(nRows, b + B);
      let x = data.slice(b * F, e * F);
      const c0 = process.cpuUsage();
      if (trees) x = permuteRows(x, F, rowOrder(trees, x, e - b, F));
      const c = process.cpuUsage(c0);
      keyNs += (c.user + c.system) * 1000;
      batches.push([x, e - b]);
    }
    const c0 = process.cpuUsage();
    for (const [x, rows] of batches) await session.run({ input: new ort.Tensor('float32', x, [rows, F]) }, ['probabilities']);
    const c = process.cpuUsage(c0);
    console.log(name.padEnd(20), 'ORT', (((c.user + c.system) * 1000) / nRows / 2500).toFixed(2), 'key+permute', (keyNs / nRows / 2500).toFixed(2));
  }
