import { describe, expect, it } from 'vitest';
import { trainBooster } from '../boosting/gbdt.js';
import type { ClassificationMetrics } from '../metrics/classification.js';
import { blobProblem } from '../test-support/data.js';
import { evaluateTestSet } from './test-set.js';

describe('evaluateTestSet', () => {
  it('reports each fold, the majority vote and the probability mean', () => {
    const folds = [1, 2, 3].map(
      (seed) => trainBooster(blobProblem(300, 3, 4, seed, 0.1), { task: 'classification', params: { n_estimators: 10, seed } }).booster,
    );
    const test = blobProblem(200, 3, 4, 9, 0.1);
    const report = evaluateTestSet(folds, test.matrix, test.labels);
    expect(report.perFold).toHaveLength(3);
    expect((report.ensemble as ClassificationMetrics).accuracy).toBeGreaterThan(0.95);
    expect(report.consensus!.accuracy).toBeGreaterThan(0.95);
    expect(report.ensembleAucOvr!.every((a) => a > 0.95)).toBe(true);
    expect(report.consensus!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(200);
  });
});
