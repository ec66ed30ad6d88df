import { describe, expect, it } from 'vitest';
import { TagTable } from './tag-table.js';

describe('TagTable', () => {
  it('answers as a Map of the same entries, for tags of any group (the high ones are no small integers)', () => {
    const entries = new Map<number, number>();
    // Tags that collide in a small table, private and high groups, the item tags.
    for (let i = 0; i < 300; i++) entries.set(((((i * 7919) % 0x10000) << 16) | ((i * 31) % 0x10000)) >>> 0, i % 5);
    entries.set(0x7fe00010, 4);
    entries.set(0xfffee000, 2);
    entries.set(0, 3);
    const table = new TagTable(entries);
    for (const [tag, value] of entries) expect(table.get(tag)).toBe(value);
    for (const absent of [1, 0x00080005, 0x7fe00011, 0xfffee00d, 0xffffffff]) {
      expect(entries.has(absent)).toBe(false);
      expect(table.get(absent)).toBe(-1);
      expect(table.has(absent)).toBe(false);
    }
  });

  it('refuses values it cannot hold', () => {
    expect(() => new TagTable([[0x00080005, -1]])).toThrow(RangeError);
  });
});
