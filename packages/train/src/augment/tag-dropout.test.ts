import { isMissing } from '@msc/core';
import { describe, expect, it } from 'vitest';
import { readOnnxMetadata } from '../export/onnx/export.js';
import { seriesRows } from '../test-support/series-rows.js';
import { trainModel } from '../train.js';
import { tagDropoutRows } from './tag-dropout.js';

const COLUMNS = ['series_description', 'image_type', 'echo_time', 'repetition_time', 'diffusion_bvalue_final'];

describe('tagDropoutRows', () => {
  it('appends copies that keep their source study and differ from it only by blank informative columns', () => {
    const rows = seriesRows(10, 1);
    const { rows: out, sourceOf } = tagDropoutRows(rows, COLUMNS, { mode: 'each', probability: 0.3, copies: 2 }, 7);
    expect(out.slice(0, rows.length)).toEqual(rows);
    expect(out).toHaveLength(rows.length * 3);
    for (let r = rows.length; r < out.length; r++) {
      const source = rows[sourceOf[r]!]!;
      const copy = out[r]!;
      expect(copy['study_uid']).toBe(source['study_uid']);
      expect(copy['class']).toBe(source['class']);
      const blanked = Object.keys(source).filter((column) => copy[column] !== source[column]);
      expect(blanked.length).toBeGreaterThan(0);
      for (const column of blanked) {
        expect(COLUMNS).toContain(column);
        expect(isMissing(source[column])).toBe(false);
        expect(copy[column]).toBeNull();
      }
    }
  });

  it('blanks exactly one column per copy in `one` mode, and is deterministic given the seed', () => {
    const rows = seriesRows(10, 2);
    const one = tagDropoutRows(rows, COLUMNS, { mode: 'one' }, 3);
    for (let r = rows.length; r < one.rows.length; r++) {
      const source = rows[one.sourceOf[r]!]!;
      expect(Object.keys(source).filter((column) => one.rows[r]![column] !== source[column])).toHaveLength(1);
    }
    expect(tagDropoutRows(rows, COLUMNS, { mode: 'one' }, 3)).toEqual(one);
    expect(tagDropoutRows(rows, COLUMNS, { mode: 'one' }, 4).rows).not.toEqual(one.rows);
  });

  it('refuses a probability outside (0, 1)', () => {
    expect(() => tagDropoutRows([], COLUMNS, { mode: 'each', probability: 1 }, 1)).toThrow(/probability must be in \(0, 1\)/);
  });
});

describe('trainModel with tag dropout', () => {
  it('trains on the copies in their source study fold, scores only original rows, and records the option', () => {
    const rows = seriesRows(24, 5);
    const plain = trainModel(rows, { folds: 4, params: { n_estimators: 10 }, importance: false });
    const model = trainModel(rows, { folds: 4, params: { n_estimators: 10 }, importance: false, tagDropout: { mode: 'each', probability: 0.25 } });
    // the same folds, validated on the same original rows
    expect(model.cv.folds.map((f) => Array.from(f.validRows))).toEqual(plain.cv.folds.map((f) => Array.from(f.validRows)));
    expect(Math.max(...model.cv.folds.flatMap((f) => Array.from(f.validRows)))).toBeLessThan(rows.length);
    const total = model.cv.classification!.confusion.flat().reduce((a, b) => a + b, 0);
    expect(total).toBe(rows.length);
    // the boosters saw more rows than the originals: their trees differ
    expect(model.onnx).not.toEqual(plain.onnx);
    const meta = readOnnxMetadata(model.onnx);
    expect(JSON.parse(meta['msc.training_args']!).tag_dropout).toEqual({ mode: 'each', probability: 0.25, copies: 1 });
    expect(JSON.parse(meta['msc.data_summary']!)).toMatchObject({ rows: rows.length, dropout_copies: rows.length });
  });
});
