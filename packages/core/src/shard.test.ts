import { describe, expect, it } from 'vitest';
import { balancedParts, fnv1a, inShard, parseShard, readShardRecord, shardOf, shardRecord } from './shard.js';
import { Random } from './random.js';

describe('shards', () => {
  it('hashes with FNV-1a as published (test vectors)', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('puts every key in exactly one shard, spread evenly', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) {
      const key = `1.2.826.0.1.3680043.8.498.${i * 7919}`;
      const shard = shardOf(key, 4);
      counts[shard - 1]! += 1;
      expect([1, 2, 3, 4].filter((k) => inShard({ index: k, count: 4 }, key, 'x'))).toHaveLength(1);
    }
    for (const count of counts) expect(count).toBeGreaterThan(850);
  });

  it('keeps every series of a study in one shard (a study is classified with all its series)', () => {
    const study = '1.2.826.0.1.3680043.8.498.77';
    const shards = new Set(Array.from({ length: 50 }, (_, i) => [1, 2, 3, 4].find((k) => inShard({ index: k, count: 4 }, study, `${study}.${i}`))));
    expect(shards.size).toBe(1);
  });

  it('parses k/n and rejects what is not one', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/2', '3/2', 'a/b', '1', '1/0', '-1/2', '1.5/2']) expect(() => parseShard(bad)).toThrow(/--shard takes k\/n/);
  });

  it('balances folders by file count: every part within the largest folder of 1/n, the same whatever the order listed', () => {
    const random = new Random(11);
    // 300 folders, most small, a few large (a long tail, as patients of an archive).
    const folders = Array.from({ length: 300 }, (_, i) => [`P${i}`, Math.ceil(1000 * random.next() ** 4)] as [string, number]);
    const total = folders.reduce((sum, [, files]) => sum + files, 0);
    const largest = Math.max(...folders.map(([, files]) => files));
    for (const n of [2, 3, 4, 7]) {
      const parts = balancedParts(new Map(folders), n);
      expect(parts.size).toBe(folders.length);
      const load = new Array<number>(n).fill(0);
      for (const [folder, files] of folders) load[parts.get(folder)! - 1]! += files;
      for (const files of load) expect(Math.abs(files - total / n), `n = ${n}: ${load.join(' ')}`).toBeLessThanOrEqual(largest);
      // Stated bound for this tree: the largest part within 1 % of 1/n.
      expect(Math.max(...load) / (total / n), `n = ${n}`).toBeLessThan(1.01);
      expect(balancedParts(new Map([...folders].reverse()), n)).toEqual(parts);
    }
    // Fewer folders than parts: each its own part, the rest empty.
    expect([
      ...balancedParts(
        new Map([
          ['b', 5],
          ['a', 5],
        ]),
        3,
      ),
    ]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('records a balanced part with its listing and reads it back', () => {
    const text = shardRecord({ index: 2, count: 4 }, 'msc-extract', { depth: 1, by: 'balanced', listing: 'abc' });
    expect(JSON.parse(text)).toEqual({ shard: '2/4', tool: 'msc-extract', by: 'balanced', depth: 1, listing: 'abc' });
    expect(readShardRecord(text)).toEqual({ index: 2, count: 4, by: 'balanced', depth: 1, listing: 'abc' });
    expect(readShardRecord(shardRecord({ index: 1, count: 2 }, 'msc-extract', { depth: 2 }))).toEqual({ index: 1, count: 2, by: 'folder', depth: 2 });
  });
});
