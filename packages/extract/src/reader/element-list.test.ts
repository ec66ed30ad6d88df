import { describe, expect, it } from 'vitest';
import { ElementList } from './element-list.js';
import type { RawElement } from './parse.js';

const element = (tag: number, text: string): RawElement => ({ tag, vr: 'LO', value: new Uint8Array(Buffer.from(text, 'latin1')), littleEndian: true });

/** The same operations on an ElementList and a Map: every answer must agree. */
function agree(operations: [tag: number, text: string][], lookups: number[]): ElementList<RawElement> {
  const list = new ElementList<RawElement>();
  const map = new Map<number, RawElement>();
  for (const [tag, text] of operations) {
    list.set(tag, element(tag, text));
    map.set(tag, element(tag, text));
  }
  expect(list.size).toBe(map.size);
  expect([...list.keys()]).toEqual([...map.keys()]);
  expect([...list].map(([tag, value]) => [tag, value.value])).toEqual([...map].map(([tag, value]) => [tag, value.value]));
  // In ascending order, in descending order, and absent tags among them (the cursor must not skip any).
  for (const tag of [...lookups, ...[...lookups].reverse(), ...lookups]) {
    expect(list.has(tag)).toBe(map.has(tag));
    expect(list.get(tag)?.value).toEqual(map.get(tag)?.value);
  }
  return list;
}

describe('ElementList', () => {
  const ascending: [number, string][] = Array.from({ length: 60 }, (_, i) => [0x00080000 + i * 3, `v${i}`]);
  const lookups = Array.from({ length: 200 }, (_, i) => 0x00080000 + i);

  it('answers as a Map for tags in ascending order (high groups too)', () => {
    agree([...ascending, [0x52009229, 'shared'], [0x7fe00010, 'pixels']], [...lookups, 0x52009229, 0x7fe00010, 0x7fe00011]);
  });

  it('answers as a Map when a tag repeats or arrives out of order (damaged files)', () => {
    agree([...ascending, [0x00080003, 'again'], [0x00080001, 'earlier'], [0x00090000, 'later']], [...lookups, 0x00090000]);
    agree([...ascending.slice(0, 10), [0x00080000 + 9 * 3, 'repeated'], ...ascending.slice(10)], lookups);
  });

  it('keeps the first elements set when truncated (a deflated dataset read again after the file meta)', () => {
    const inOrder = agree(ascending, lookups);
    inOrder.truncate(5);
    expect([...inOrder.keys()]).toEqual(ascending.slice(0, 5).map(([tag]) => tag));
    expect(inOrder.get(ascending[7]![0])).toBeUndefined();
    inOrder.set(0x00090000, element(0x00090000, 'again'));
    expect(inOrder.get(0x00090000)?.value).toEqual(element(0, 'again').value);

    const outOfOrder = agree([...ascending, [0x00080001, 'earlier']], lookups);
    outOfOrder.truncate(3);
    expect([...outOfOrder.keys()]).toEqual(ascending.slice(0, 3).map(([tag]) => tag));
    expect(outOfOrder.has(0x00080001)).toBe(false);
  });
});
