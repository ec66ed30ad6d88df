import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
const data = new Float32Array(readFileSync('/tmp/pexp/matrix.f32').buffer.slice(0));
const cols = 976, rows = data.length / cols;
const bytes = readFileSync('/work/wt/predict-speed/models/prostate_mpmri.onnx');
const [threads, batch, opt] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4] ?? 'all'];
let t = performance.now();
const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: opt, extra: { session: { intra_op: { allow_spinning: '0' } } } });
const load = performance.now() - t; t = performance.now();
const out = new Float32Array(rows * 5);
for (let start = 0; start < rows; start += batch) {
  const n = Math.min(batch, rows - start);
  const r = await s.run({ input: new ort.Tensor('float32', data.subarray(start * cols, (start + n) * cols), [n, cols]) }, ['probabilities']);
  out.set(r.probabilities.data, start * 5);
}
const run = performance.now() - t;
let h = 0; for (const v of new Uint32Array(out.buffer)) h = (h * 31 + v) >>> 0;
console.log(JSON.stringify({ threads, batch, opt, load: Math.round(load), run: Math.round(run), hash: h.toString(16), cpu: process.cpuUsage() }));
