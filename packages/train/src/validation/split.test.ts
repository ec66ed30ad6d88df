import { describe, expect, it } from 'vitest';
import { splitByStudy } from './split.js';

// 50 studies, 4 rows each, rows interleaved
const studies = Array.from({ length: 200 }, (_, i) => `s${i % 50}`);

describe('splitByStudy', () => {
  it('cuts whole studies in the given proportions, the same for the same seed whatever the row order', () => {
    const parts = splitByStudy(studies, [0.8, 0.2], 7);
    const studiesOf = (p: number) => new Set(studies.filter((_, r) => parts[r] === p));
    expect(studiesOf(0).size).toBe(40);
    expect(studiesOf(1).size).toBe(10);
    for (const s of studiesOf(1)) expect(studiesOf(0).has(s)).toBe(false);
    expect(splitByStudy(studies, [0.8, 0.2], 7)).toEqual(parts);
    expect(splitByStudy(studies, [0.8, 0.2], 8)).not.toEqual(parts);
    const reversed = [...studies].reverse();
    const again = splitByStudy(reversed, [4, 1], 7); // proportions, not necessarily fractions
    expect(new Set(reversed.filter((_, r) => again[r] === 1))).toEqual(studiesOf(1));
  });

  it('gives every study a part with three parts, and refuses nonsense', () => {
    const parts = splitByStudy(studies, [1, 1, 1], 1);
    expect([0, 1, 2].map((p) => new Set(studies.filter((_, r) => parts[r] === p)).size)).toEqual([17, 16, 17]);
    expect(() => splitByStudy(studies, [1], 1)).toThrow(/two parts/);
    expect(() => splitByStudy(studies, [0.5, 0], 1)).toThrow(/> 0/);
  });
});
