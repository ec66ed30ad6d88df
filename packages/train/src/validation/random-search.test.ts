import { describe, expect, it } from 'vitest';
import { Random } from '@msc/core';
import { blobProblem } from '../test-support/data.js';
import { DEFAULT_SEARCH_SPACE, drawParams, randomSearch } from './random-search.js';

describe('random search', () => {
  it('draws inside the original XGBoost space, reproducibly', () => {
    const a = new Random(1);
    const b = new Random(1);
    for (let i = 0; i < 50; i++) {
      const p = drawParams(DEFAULT_SEARCH_SPACE, a);
      expect(p).toEqual(drawParams(DEFAULT_SEARCH_SPACE, b));
      expect(p.learning_rate!).toBeGreaterThanOrEqual(1e-4);
      expect(p.learning_rate!).toBeLessThanOrEqual(0.3);
      expect(Number.isInteger(p.max_depth)).toBe(true);
      expect(p.max_depth!).toBeGreaterThanOrEqual(3);
      expect(p.max_depth!).toBeLessThanOrEqual(9);
      expect(p.subsample).toBe(0.5);
    }
  });

  it('picks the draw with the best inner macro-F1', () => {
    const { matrix, labels } = blobProblem(300, 3, 4, 5, 0.1);
    const groups = Array.from({ length: 300 }, (_, i) => `s${i % 60}`);
    const space = { learning_rate: { kind: 'choice' as const, values: [1e-4, 0.3] } };
    const { best, trials } = randomSearch(matrix, labels, groups, { task: 'classification', nIter: 6, innerFolds: 3, space, base: { n_estimators: 10 } });
    expect(trials).toHaveLength(6);
    const top = Math.max(...trials.map((t) => t.score));
    expect(best).toBe(trials.find((t) => t.score === top)!.params);
    expect(trials.some((t) => t.params.learning_rate === 0.3)).toBe(true);
    expect(top).toBeGreaterThan(0.9);
    expect(best.n_estimators).toBe(10);
  });
});
