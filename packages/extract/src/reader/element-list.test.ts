import { describe, expect, it } from 'vitest';
import { ElementList } from './element-list.js';
import type { RawElement } from './parse.js';

const element = (tag: number, text: string): RawElement => ({ tag, vr: 'LO', value: new Uint8Array(Buffer.from(text, 'latin1')), littleEndian: true });

/** The same operations on an ElementList and a Map: every answer must agree. */
function agree(operations: [tag: number, text: string][], lookups: number[]): ElementList {
  const list = new ElementList();
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

  it('puts file meta first, its elements winning a tag the dataset repeats', () => {
    const meta = new ElementList();
    meta.set(0x00020010, element(0x00020010, 'syntax'));
    const dataset = new ElementList();
    for (const [tag, text] of ascending) dataset.set(tag, element(tag, text));
    dataset.prepend(meta);
    expect([...dataset.keys()]).toEqual([0x00020010, ...ascending.map(([tag]) => tag)]);
    expect(dataset.get(0x00020010)?.value).toEqual(element(0, 'syntax').value);

    const odd = new ElementList();
    odd.set(0x00080000, element(0x00080000, 'first'));
    odd.set(0x00020010, element(0x00020010, "the dataset's"));
    odd.prepend(meta);
    expect(odd.get(0x00020010)?.value).toEqual(element(0, 'syntax').value);
    expect(odd.size).toBe(2);
  });
});
