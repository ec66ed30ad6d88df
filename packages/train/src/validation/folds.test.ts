import { describe, expect, it } from 'vitest';
import { foldRows, groupKFold, leaveOneGroupOut } from './folds.js';

const studies = Array.from({ length: 300 }, (_, i) => `study-${Math.floor(i / (1 + (i % 4)))}`);

describe('groupKFold', () => {
  it('never puts a study in two folds, and balances rows', () => {
    const folds = groupKFold(studies, 5, 1);
    const foldOf = new Map<string, number>();
    studies.forEach((s, r) => {
      if (foldOf.has(s)) expect(folds[r]).toBe(foldOf.get(s));
      foldOf.set(s, folds[r]!);
    });
    for (let f = 0; f < 5; f++) {
      const { train, valid } = foldRows(folds, f);
      const trainStudies = new Set(Array.from(train, (r) => studies[r]));
      for (const r of valid) expect(trainStudies.has(studies[r]!)).toBe(false);
      expect(valid.length).toBeGreaterThan(40);
      expect(valid.length).toBeLessThan(80);
    }
  });

  it('is deterministic for a seed and changes with it', () => {
    expect(groupKFold(studies, 5, 1)).toEqual(groupKFold(studies, 5, 1));
    expect(groupKFold(studies, 5, 1)).not.toEqual(groupKFold(studies, 5, 2));
  });

  it('rejects too few studies', () => {
    expect(() => groupKFold(['a', 'a', 'b'], 3, 0)).toThrow(/2 studies cannot fill 3 folds/);
  });
});

describe('leaveOneGroupOut', () => {
  it('makes one fold per group of the JSON mapping', () => {
    const mapping = { s1: 'centreB', s2: 'centreA', s3: 'centreB', s4: 'centreC' };
    const rows = ['s1', 's2', 's3', 's4', 's1'];
    const { folds, groupNames } = leaveOneGroupOut(rows, mapping);
    expect(groupNames).toEqual(['centreA', 'centreB', 'centreC']);
    expect(Array.from(folds)).toEqual([1, 0, 1, 2, 1]);
    expect(() => leaveOneGroupOut(['s1', 's9'], mapping)).toThrow(/no group in the group file \(first: s9\)/);
    expect(() => leaveOneGroupOut(['s1', 's3'], mapping)).toThrow(/at least two groups/);
  });
});
