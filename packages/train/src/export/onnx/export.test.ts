import type { FeatureMatrix } from '@msc/features';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { trainBooster } from '../../boosting/gbdt.js';
import { argmaxRows, predictEnsemble, predictRaw, type Booster } from '../../model/booster.js';
import { blobProblem, missingnessProblem, xorProblem } from '../../test-support/data.js';
import { exportOnnx, readOnnxMetadata } from './export.js';

async function runOnnx(bytes: Uint8Array, matrix: FeatureMatrix): Promise<ort.InferenceSession.OnnxValueMapType> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return await session.run({ input: new ort.Tensor('float32', matrix.data, [matrix.nRows, matrix.nCols]) });
  } finally {
    await session.release();
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

const CLASSES = ['ADC', 'DCE', 'DWI', 'Others', 'T2W'];

function trainFolds(nFolds: number): Booster[] {
  return Array.from(
    { length: nFolds },
    (_, i) =>
      trainBooster(blobProblem(800, 5, 6, 20 + i, 0.15), {
        task: 'classification',
        classNames: CLASSES,
        params: { n_estimators: 30, max_depth: 5, subsample: 0.8, colsample_bytree: 0.7, seed: i, learning_rate: 0.2 },
      }).booster,
  );
}

describe('exportOnnx', () => {
  it('ONNX Runtime reproduces the trainer: probabilities within 1e-6 and the same labels, over 3 folds with missing values', async () => {
    const folds = trainFolds(3);
    const test = blobProblem(1000, 5, 6, 99, 0.3);
    const out = await runOnnx(exportOnnx(folds), test.matrix);
    const expected = predictEnsemble(folds, test.matrix);
    const probs = out['probabilities']!;
    expect(probs.dims).toEqual([1000, 5]);
    expect(maxAbsDiff(probs.data as Float32Array, expected)).toBeLessThanOrEqual(1e-6);
    const labels = out['label']!.data as string[];
    expect(labels).toEqual(Array.from(argmaxRows(expected, 5), (i) => CLASSES[i]));
  });

  it('follows the learned missing-value direction (nodes_missing_value_tracks_true)', async () => {
    const train = missingnessProblem(600, 1);
    const { booster } = trainBooster(train, { task: 'classification', classNames: ['present', 'missing'], params: { n_estimators: 5 } });
    // The root splits on feature 0 with missing values sent one way: both predictors must agree.
    expect(booster.trees[0]!.feature[0]).toBe(0);
    const test = missingnessProblem(400, 2);
    const out = await runOnnx(exportOnnx([booster]), test.matrix);
    const labels = out['label']!.data as string[];
    expect(labels).toEqual(Array.from(test.labels, (y) => (y === 1 ? 'missing' : 'present')));
    expect(maxAbsDiff(out['probabilities']!.data as Float32Array, predictEnsemble([booster], test.matrix))).toBeLessThanOrEqual(1e-6);
  });

  it('exports two-class models without TreeEnsembleClassifier binary quirks', async () => {
    const train = xorProblem(1000, 3, 2, 0.2);
    const { booster } = trainBooster(train, { task: 'classification', classNames: ['no', 'yes'], params: { n_estimators: 20 } });
    const test = xorProblem(300, 4, 2, 0.2);
    const out = await runOnnx(exportOnnx([booster]), test.matrix);
    expect(out['probabilities']!.dims).toEqual([300, 2]);
    expect(maxAbsDiff(out['probabilities']!.data as Float32Array, predictEnsemble([booster], test.matrix))).toBeLessThanOrEqual(1e-6);
  });

  it('exports regression folds averaged into `prediction`', async () => {
    const make = (seed: number) => {
      const p = blobProblem(500, 3, 4, seed, 0.1);
      return { matrix: p.matrix, labels: p.labels.map((y, i) => y * 2 + (p.matrix.data[i * 4] || 0)) }; // NaN || 0 → 0
    };
    const folds = [0, 1].map((i) => trainBooster(make(i), { task: 'regression', params: { n_estimators: 25, seed: i } }).booster);
    const test = make(7).matrix;
    const out = await runOnnx(exportOnnx(folds), test);
    expect(out['prediction']!.dims).toEqual([500, 1]);
    const expected = predictEnsemble(folds, test);
    expect(maxAbsDiff(out['prediction']!.data as Float32Array, expected)).toBeLessThanOrEqual(1e-5);
    // One fold: the same leaves are reached, so only float32 summation order differs (ONNX
    // Runtime sums large batches in tree blocks): a few ulps of values below 16.
    const single = await runOnnx(exportOnnx([folds[0]!]), test);
    expect(maxAbsDiff(single['prediction']!.data as Float32Array, predictRaw(folds[0]!, test))).toBeLessThanOrEqual(4e-6);
    // A single row is summed in tree order, as predictRaw does: bit-identical.
    const one = { data: test.data.slice(0, 4), nRows: 1, nCols: 4 };
    expect((await runOnnx(exportOnnx([folds[0]!]), one))['prediction']!.data[0]).toBe(predictRaw(folds[0]!, one)[0]);
  });

  it('is byte-identical for the same seed and keeps metadata', () => {
    const meta = { 'msc.feature_spec': '{"version":1}', 'msc.metrics': '{"macro_f1":1}' };
    const a = exportOnnx(trainFolds(2), { metadata: meta });
    const b = exportOnnx(trainFolds(2), { metadata: { 'msc.metrics': meta['msc.metrics'], 'msc.feature_spec': meta['msc.feature_spec'] } });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const read = readOnnxMetadata(a);
    expect(JSON.parse(read['msc.class_names']!)).toEqual(CLASSES);
    expect(read['msc.n_folds']).toBe('2');
    expect(read['msc.feature_spec']).toBe('{"version":1}');
  });

  it('rejects folds that do not fit together', () => {
    const [a] = trainFolds(1);
    const b = trainBooster(xorProblem(200, 1), { task: 'classification', params: { n_estimators: 2 } }).booster;
    expect(() => exportOnnx([a!, b])).toThrow(/differ/);
    expect(() => exportOnnx([])).toThrow(/no trained model/);
  });
});
