import { describe, expect, it } from 'vitest';
import { fnv1a, inShard, parseShard, shardOf } from './shard.js';

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
});
