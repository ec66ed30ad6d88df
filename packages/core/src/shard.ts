/**
 * Splitting work into n deterministic parts (`--shard k/n` of msc-extract and msc-predict): a
 * series belongs to shard `shardOf(study_uid, n)` — every series of a study in one part, so each
 * part classifies its studies with all their series in view (study context, series groups) — the
 * same on every machine and run, so n batch jobs together cover each series exactly once.
 */
import { MscError } from './errors.js';

export interface Shard {
  /** 1-based, as users write it. */
  index: number;
  count: number;
}

/** FNV-1a (32-bit) over UTF-16 code units: stable, fast, and well spread for UIDs. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The 1-based shard of a key among `count`. */
export function shardOf(key: string, count: number): number {
  return (fnv1a(key) % count) + 1;
}

/** The key a series is sharded by. */
export function seriesShardKey(studyUid: string, seriesUid: string): string {
  return `${studyUid}\u0000${seriesUid}`;
}

export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!(count >= 1 && index >= 1 && index <= count)) {
    throw new MscError('E_USAGE', `--shard takes k/n with 1 ≤ k ≤ n, not '${text}'`, { hint: 'e.g. --shard 2/8 for the second of eight parts' });
  }
  return { index, count };
}

/** Whether a series falls in `shard` (every series does when there is none): by its study, so a study is never split. */
export function inShard(shard: Shard | undefined, studyUid: string, _seriesUid?: string): boolean {
  return !shard || shardOf(studyUid, shard.count) === shard.index;
}

/**
 * What a `--shard k/n` output says of itself, in `<output>.shard.json` beside it: msc-merge-shards
 * reads these to know when a part is missing or given twice (CSV and TSV parts have no room for
 * metadata of their own).
 */
export interface ShardRecord {
  /** `k/n`, as given. */
  shard: string;
  /** The binary that wrote the part. */
  tool: string;
}

export function shardRecordPath(output: string): string {
  return `${output}.shard.json`;
}

export function shardRecord(shard: Shard, tool: string): string {
  return `${JSON.stringify({ shard: `${shard.index}/${shard.count}`, tool } satisfies ShardRecord)}\n`;
}

/** The shard a part's record names; undefined without a record (parts of older versions, or renamed files). */
export function readShardRecord(text: string): Shard | undefined {
  try {
    const record = JSON.parse(text) as Partial<ShardRecord>;
    return typeof record.shard === 'string' ? parseShard(record.shard) : undefined;
  } catch {
    return undefined;
  }
}
