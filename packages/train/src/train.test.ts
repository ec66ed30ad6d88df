import { parseFeatureSpec, transform } from '@msc/features';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { readOnnxMetadata } from './export/onnx/export.js';
import { seriesRows } from './test-support/series-rows.js';
import { trainModel } from './train.js';

describe('trainModel', () => {
  it('cross-validates by study, and the ONNX file alone predicts like the fold ensemble', async () => {
    const rows = seriesRows(60, 1);
    const model = trainModel(rows, { folds: 4, params: { n_estimators: 20 } });
    expect(model.classNames).toEqual(['ADC', 'DCE', 'DWI', 'Others', 'T2W']);
    expect(model.cv.folds).toHaveLength(4);
    expect(model.cv.classification!.macroF1).toBeGreaterThan(0.9);
    // a study's rows sit in one validation fold only
    const foldOfStudy = new Map<string, number>();
    for (const f of model.cv.folds) {
      for (const r of f.validRows) {
        const s = String(rows[r]!['study_uid']);
        expect(foldOfStudy.get(s) ?? f.fold).toBe(f.fold);
        foldOfStudy.set(s, f.fold);
      }
    }

    const meta = readOnnxMetadata(model.onnx);
    const spec = parseFeatureSpec(meta['msc.feature_spec']!);
    const fresh = seriesRows(10, 2);
    const matrix = transform(fresh, spec);
    const session = await ort.InferenceSession.create(model.onnx);
    const out = await session.run({ input: new ort.Tensor('float32', matrix.data, [matrix.nRows, matrix.nCols]) });
    await session.release();
    const labels = out['label']!.data as string[];
    const correct = labels.filter((l, i) => l === fresh[i]!['class']).length;
    expect(correct / labels.length).toBeGreaterThan(0.9);
    expect(JSON.parse(meta['msc.training_args']!).folds).toHaveLength(4);
    expect(JSON.parse(meta['msc.metrics']!).macro_f1).toBeCloseTo(model.cv.classification!.macroF1, 12);
  });

  it('leaves one group out following the JSON mapping, with early stopping inside folds', () => {
    const rows = seriesRows(30, 3);
    const groupOfStudy = Object.fromEntries([...new Set(rows.map((r) => String(r['study_uid'])))].map((s, i) => [s, `centre${i % 3}`]));
    const model = trainModel(rows, { groupOfStudy, params: { n_estimators: 200, early_stopping_rounds: 5 } });
    expect(model.foldNames).toEqual(['centre0', 'centre1', 'centre2']);
    for (const f of model.cv.folds) {
      for (const r of f.validRows) expect(groupOfStudy[String(rows[r]!['study_uid'])]).toBe(model.foldNames[f.fold]);
      expect(f.booster.nRounds).toBeLessThan(200);
    }
  });

  it('tunes each outer fold with an inner random search and reports feature importance', () => {
    const rows = seriesRows(40, 5);
    const model = trainModel(rows, { folds: 3, nIter: 3, innerFolds: 3, params: { n_estimators: 10 } });
    for (const f of model.cv.folds) {
      expect(f.params.learning_rate).toBeGreaterThanOrEqual(1e-4);
      expect(f.params.learning_rate).toBeLessThanOrEqual(0.3);
      expect(f.params.subsample).toBe(0.5);
      expect(f.params.n_estimators).toBe(10);
    }
    const args = JSON.parse(readOnnxMetadata(model.onnx)['msc.training_args']!);
    expect(args.n_iter).toBe(3);
    expect(args.fold_params).toHaveLength(3);

    expect(model.importance.length).toBeGreaterThan(0);
    const adc = model.importance.filter((i) => i.class === 'ADC' && i.fold === 'fold0').sort((a, b) => b.shap - a.shap);
    expect(adc[0]!.feature).toMatch(/^(series_description|image_type)=/);
    expect(trainModel(rows, { folds: 3, importance: false, params: { n_estimators: 3 } }).importance).toEqual([]);
  });

  it('gives clear errors for bad input', () => {
    const rows = seriesRows(10, 4);
    expect(() => trainModel([])).toThrow(/empty/);
    expect(() => trainModel(rows, { targetColumn: 'label' })).toThrow(/no "label" column/);
    expect(() => trainModel(rows.map((r) => ({ ...r, class: 'T2W' })))).toThrow(/one class only/);
    expect(() => trainModel(rows, { featurizer: { exclude: ['bogus'] } })).toThrow(/unknown column "bogus"/);
    expect(() => trainModel(rows.map((r, i) => (i === 3 ? { ...r, class: '' } : r)))).toThrow(/row 4 has no value/);
    expect(() => trainModel(rows, { params: { max_depth: -1 } })).toThrow(/max_depth/);
  });
});
