import { describe, expect, it } from 'vitest';
import { cohortKey, parseCohortDescription, parseCohortRecipe, rowsDigest } from './recipe.js';

describe('training-cohort recipes', () => {
  it('digests rows by content: column order does not count, values and row order do', () => {
    const rows = [
      { study_uid: '1', series_uid: '1.1', echo_time: 90, class: 'T2W' },
      { study_uid: '1', series_uid: '1.2', echo_time: 3, class: 'DCE' },
    ];
    const reordered = rows.map(({ class: label, echo_time, series_uid, study_uid }) => ({ class: label, echo_time, series_uid, study_uid }));
    expect(rowsDigest(reordered)).toBe(rowsDigest(rows));
    expect(rowsDigest([rows[1]!, rows[0]!])).not.toBe(rowsDigest(rows));
    expect(rowsDigest([{ ...rows[0]!, echo_time: 91 }, rows[1]!])).not.toBe(rowsDigest(rows));
  });

  it('keys the cache by generator and cohort options', () => {
    const cohort = { studies: 20, seed: 1 };
    expect(cohortKey('g1', cohort)).toBe(cohortKey('g1', { seed: 1, studies: 20 }));
    expect(cohortKey('g2', cohort)).not.toBe(cohortKey('g1', cohort));
    expect(cohortKey('g1', { ...cohort, vendors: ['SIEMENS'] })).not.toBe(cohortKey('g1', cohort));
  });

  it('refuses models without a recipe, of another recipe version, or incomplete, with E_MODEL and a hint', () => {
    expect(() => parseCohortRecipe(undefined, 'old.onnx')).toThrow(/old\.onnx does not record how its training data was made/);
    expect(() => parseCohortRecipe('', 'old.onnx')).toThrow(
      expect.objectContaining({ code: 'E_MODEL', hint: expect.stringMatching(/retrain the base model/) }),
    );
    expect(() => parseCohortRecipe('{"recipeVersion": 99}', 'm.onnx')).toThrow(/recipe version 99/);
    expect(() => parseCohortRecipe('{"recipeVersion": 1, "train": {"studies": 2, "seed": 1}}', 'm.onnx')).toThrow(/incomplete/);
  });

  it('checks a pipeline cohort description', () => {
    const text = JSON.stringify({ generator: 'g', train: { studies: 300, seed: 2026, vendors: ['GE'] }, heldOut: { studies: 60, seed: 2027 } });
    expect(parseCohortDescription(text, 'c.json').train).toEqual({ studies: 300, seed: 2026, vendors: ['GE'] });
    expect(() => parseCohortDescription('{"generator": "g", "train": {"studies": 0, "seed": 1}}', 'c.json')).toThrow(/needs generator, train and heldOut/);
    expect(() => parseCohortDescription('nope', 'c.json')).toThrow(/not JSON/);
  });
});
