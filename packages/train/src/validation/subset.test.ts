import { describe, expect, it } from 'vitest';
import { subsetByStudy } from './subset.js';

const studies = Array.from({ length: 100 }, (_, i) => `s${i % 20}`);

describe('subsetByStudy', () => {
  it('keeps a fraction or a count of whole studies, reproducibly', () => {
    const half = subsetByStudy(studies, 0.5, 1);
    expect(new Set(Array.from(half, (r) => studies[r])).size).toBe(10);
    expect(half.length).toBe(50); // whole studies: 5 rows each
    expect(subsetByStudy(studies, 0.5, 1)).toEqual(half);
    expect(subsetByStudy(studies, 0.5, 2)).not.toEqual(half);
    expect(new Set(Array.from(subsetByStudy(studies, 3, 1), (r) => studies[r])).size).toBe(3);
    expect(subsetByStudy(studies, 1, 1).length).toBe(100);
    expect(subsetByStudy(studies, 500, 1).length).toBe(100);
  });

  it('rejects nonsense', () => {
    expect(() => subsetByStudy(studies, 0, 1)).toThrow(/--subset/);
    expect(() => subsetByStudy(studies, Number.NaN, 1)).toThrow(/--subset/);
  });
});
