import { describe, expect, it } from 'vitest';
import { classificationMetrics, regressionMetrics, rocAucOneVsRest } from './classification.js';

describe('metrics', () => {
  it('match a hand-computed example', () => {
    const m = classificationMetrics([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 0], 3);
    expect(m.confusion).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    expect(m.perClass.map((c) => c.precision)).toEqual([0.5, 2 / 3, 1]);
    expect(m.perClass.map((c) => c.recall)).toEqual([0.5, 1, 0.5]);
    expect(m.perClass[1]!.f1).toBeCloseTo(0.8, 12);
    expect(m.macroF1).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3, 12);
    expect(m.perClass.map((c) => c.support)).toEqual([2, 2, 2]);
  });

  it('gives 0 precision to a class never predicted', () => {
    const m = classificationMetrics([0, 1], [0, 0], 2);
    expect(m.perClass[1]).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
  });

  it('computes ROC AUC with ties (sklearn example: 0.75)', () => {
    // two classes, scores laid out row-major [p0, p1]
    const p1 = [0.1, 0.4, 0.35, 0.8];
    const scores = p1.flatMap((p) => [1 - p, p]);
    expect(rocAucOneVsRest([0, 0, 1, 1], scores, 2, 1)).toBeCloseTo(0.75, 12);
    expect(rocAucOneVsRest([0, 1], [0.5, 0.5, 0.5, 0.5], 2, 1)).toBe(0.5);
    expect(rocAucOneVsRest([0, 0], [0.5, 0.5, 0.5, 0.5], 2, 1)).toBeNaN();
  });

  it('computes RMSE and R²', () => {
    const m = regressionMetrics([1, 2, 3], [1, 2, 4]);
    expect(m.rmse).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(m.r2).toBeCloseTo(0.5, 12);
  });
});
