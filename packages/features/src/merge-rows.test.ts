import { describe, expect, it } from 'vitest';
import { Random } from '@msc/core';
import { mergeRows } from './merge-rows.js';

/** The groups a Map by each row's joined codes gives, numbered in order of their first row. */
function reference(nRows: number, columns: readonly { codes: Int32Array }[]): { first: number[]; rowOf: number[] } {
  const ids = new Map<string, number>();
  const first: number[] = [];
  const rowOf = Array.from({ length: nRows }, (_, r) => {
    const key = columns.map(({ codes }) => codes[r]).join(',');
    let id = ids.get(key);
    if (id === undefined) {
      ids.set(key, (id = ids.size));
      first.push(r);
    }
    return id;
  });
  return { first, rowOf };
}

const plain = ({ first, rowOf }: { first: Int32Array; rowOf: Int32Array }) => ({ first: [...first], rowOf: [...rowOf] });

describe('mergeRows', () => {
  it('merges rows with the same code in every column, groups in order of their first row', () => {
    const random = new Random(5);
    const nRows = 2000;
    const columns = [3, 2, 5, 1].map((distinct) => ({ codes: Int32Array.from({ length: nRows }, () => Math.floor(random.next() * distinct)) }));
    const expected = reference(nRows, columns);
    expect(expected.first.length).toBeGreaterThan(20);
    expect(plain(mergeRows(nRows, columns))).toEqual(expected);
    expect(plain(mergeRows(3, []))).toEqual({ first: [0], rowOf: [0, 0, 0] });
    expect(plain(mergeRows(0, columns))).toEqual({ first: [], rowOf: [] });
  });

  it('keeps rows apart whose codes differ but hash alike', () => {
    // Codes chosen so that (1, b) hashes as (2, 7) does, the hash being FNV-1a over the codes.
    const offset = -2128831035;
    const prime = 16777619;
    const b = Math.imul(offset ^ 2, prime) ^ 7 ^ Math.imul(offset ^ 1, prime);
    const columns = [{ codes: Int32Array.from([2, 1, 2, 1, 3]) }, { codes: Int32Array.from([7, b, 7, b, 7]) }];
    expect(plain(mergeRows(5, columns))).toEqual({ first: [0, 1, 4], rowOf: [0, 1, 0, 1, 2] });
  });
});
