import { describe, expect, it } from 'vitest';
import { hasKeys, rowCopier, rowFactory, rowFiller, rowReader } from './row-builders.js';

// Names that are awkward in source text: quotes, a backslash, a line break, a name Object.prototype has.
const COLUMNS = ['study_uid', 'a"b', 'back\\slash', 'line\nbreak', 'constructor', 'series_description'];

describe('row builders', () => {
  it('rowFactory builds rows with the columns as own keys, in order, from column arrays', () => {
    const data = COLUMNS.map((column, c) => [`${column}-0`, c === 3 ? null : c, undefined]);
    const build = rowFactory(COLUMNS)!;
    const row = build(data, 1);
    expect(Object.keys(row)).toEqual(COLUMNS);
    expect(Object.values(row)).toEqual(COLUMNS.map((_, c) => (c === 3 ? null : c)));
    expect(build(data, 0)['a"b']).toBe('a"b-0');
    expect(rowFactory(['x', '__proto__'])).toBeUndefined();
  });

  it('rowCopier copies every key and sets the fixed columns, keeping the place of those the row has', () => {
    const row = { study_uid: '1.2', series_group: 'old', 'a"b': 5, constructor: null };
    const copy = rowCopier(Object.keys(row), { series_group: '-', study_series_count: '-' })!(row);
    expect(Object.keys(copy)).toEqual(['study_uid', 'series_group', 'a"b', 'constructor', 'study_series_count']);
    expect(copy).toEqual({ study_uid: '1.2', series_group: '-', 'a"b': 5, constructor: null, study_series_count: '-' });
    expect(copy).not.toBe(row);
    expect(rowCopier(['__proto__'], {})).toBeUndefined();
  });

  it('rowFiller sets the fixed columns of the row itself, in place, other cells and key order kept', () => {
    const row = { study_uid: '1.2', series_group: 'old', 'a"b': 5 };
    const filled = rowFiller({ series_group: '-', 'line\nbreak': 7 })!(row);
    expect(filled).toBe(row);
    expect(Object.keys(row)).toEqual(['study_uid', 'series_group', 'a"b', 'line\nbreak']);
    expect(row).toEqual({ study_uid: '1.2', series_group: '-', 'a"b': 5, 'line\nbreak': 7 });
    expect(rowFiller(JSON.parse('{"__proto__": 1}') as Record<string, number>)).toBeUndefined();
  });

  it('rowReader reads cells as row[column] does, absent ones undefined', () => {
    const row = { 'a"b': 1, 'line\nbreak': 'x' };
    expect(rowReader(['line\nbreak', 'missing', 'a"b'])(row)).toEqual(['x', undefined, 1]);
  });

  it('hasKeys compares own keys and their order', () => {
    expect(hasKeys({ a: 1, b: 2 }, ['a', 'b'])).toBe(true);
    expect(hasKeys({ b: 2, a: 1 }, ['a', 'b'])).toBe(false);
    expect(hasKeys({ a: 1 }, ['a', 'b'])).toBe(false);
    expect(hasKeys({ a: 1, b: 2 }, ['a'])).toBe(false);
  });
});
