// The varied 60K table's feature rows for the scoring benches (score.mjs, js-trees.mjs): featurized
// once with the model's spec and cached in bench/out/varied-features.f32 (row-major float32).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { featureRows } from '@msc/features';
import { openModel, readPredictionInputs } from '@msc/predict';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const modelPath = process.env.BENCH_MODEL ?? join(root, 'models/prostate_mpmri.onnx');
const variedTable = process.env.BENCH_VARIED ?? join(root, 'bench/out/predict-series-60000-varied.parquet');
const cache = join(root, 'bench/out/varied-features.f32');

/** Up to `limit` distinct feature rows: { data, nRows, nCols }. */
export async function variedFeatureRows(limit) {
  const model = await openModel(modelPath);
  const nCols = model.spec.features.length;
  await model.close();
  if (!existsSync(cache)) {
    if (!existsSync(variedTable)) throw new Error(`${variedTable} is missing: node bench/run.mjs predict makes it (or set BENCH_VARIED)`);
    const { rows } = await readPredictionInputs([variedTable]);
    const features = featureRows(rows, model.spec, { merge: true });
    mkdirSync(dirname(cache), { recursive: true });
    writeFileSync(cache, features.matrix(0, features.distinct).data);
  }
  const all = new Float32Array(readFileSync(cache).buffer.slice(0));
  const nRows = Math.min(limit, all.length / nCols);
  return { data: all.subarray(0, nRows * nCols), nRows, nCols };
}
