/**
 * Splitting work into n deterministic parts (`--shard k/n` of msc-extract and msc-predict): a
 * series belongs to shard `shardOf(study_uid, n)` — every series of a study in one part, so each
 * part classifies its studies with all their series in view (study context, series groups) — the
 * same on every machine and run, so n batch jobs together cover each series exactly once.
 * msc-extract's `--shard-by folder` instead picks a file's part by its folder (`folderShardOf`),
 * known before the file is read: each job walks and reads only its own folders. `--shard-by
 * balanced` assigns the same folders to parts by their file counts (`balancedParts`), from a
 * listing every job makes of the same tree.
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

/**
 * The 1-based shard of a folder (its path below the input, '/'-separated) among `count`: FNV-1a
 * with murmur3's final mix, because folder names often differ only in their last characters
 * (`series_000`, `series_004`, …) and plain FNV-1a's low bits then follow those characters' low
 * bits (with n = 4, every name ending in 0, 4 or 8 would land in one part).
 */
export function folderShardOf(folder: string, count: number): number {
  let hash = fnv1a(folder);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return ((hash >>> 0) % count) + 1;
}

/**
 * Folders (keys) → 1-based parts, each part getting ≈ 1/count of the files: largest folder first,
 * each to the part with the fewest files so far (ties: the lower part), folders of equal size by
 * key. Deterministic for a given listing, whatever order it was read in; no part exceeds 1/count
 * of the files by more than the largest folder.
 */
export function balancedParts(filesByFolder: ReadonlyMap<string, number>, count: number): Map<string, number> {
  const folders = [...filesByFolder].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  const load = new Array<number>(count).fill(0);
  const parts = new Map<string, number>();
  for (const [folder, files] of folders) {
    let part = 0;
    for (let i = 1; i < count; i++) if (load[i]! < load[part]!) part = i;
    load[part]! += files;
    parts.set(folder, part + 1);
  }
  return parts;
}

/**
 * What msc-extract decides a file's shard by: its study (exact for any layout), its folder's hash
 * (decided from the path alone), or its folder's place in a balanced assignment of the listed tree.
 */
export type ShardBy = 'study' | 'folder' | 'balanced';
export const SHARD_BY: readonly ShardBy[] = ['study', 'folder', 'balanced'];
/** The folder modes: a file's part is decided from its folder before it is read. */
export type FolderShardBy = Exclude<ShardBy, 'study'>;

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
  /** `folder` or `balanced` for msc-extract `--shard-by folder|balanced` (absent: by study, as every older part). */
  by?: FolderShardBy;
  /** With `by`: the folder levels a part's folders are named by (`--shard-depth`). */
  depth?: number;
  /** With `by: balanced`: the fingerprint of the folder → part assignment the listing gave (parts of one run share it). */
  listing?: string;
}

/** A part's record as read: its shard, and what it was split by. */
export interface ShardOfPart extends Shard {
  by: ShardBy;
  /** With a folder mode. */
  depth?: number;
  /** With `by: 'balanced'`. */
  listing?: string;
}

/** How a folder shard was split, as its record says. */
export interface FolderSplit {
  depth: number;
  by?: FolderShardBy;
  listing?: string;
}

export function shardRecordPath(output: string): string {
  return `${output}.shard.json`;
}

export function shardRecord(shard: Shard, tool: string, folder?: FolderSplit): string {
  const record: ShardRecord = {
    shard: `${shard.index}/${shard.count}`,
    tool,
    ...(folder ? { by: folder.by ?? 'folder', depth: folder.depth, ...(folder.listing ? { listing: folder.listing } : {}) } : {}),
  };
  return `${JSON.stringify(record)}\n`;
}

/** The shard a part's record names; undefined without a record (parts of older versions, or renamed files). */
export function readShardRecord(text: string): ShardOfPart | undefined {
  try {
    const record = JSON.parse(text) as Partial<ShardRecord>;
    if (typeof record.shard !== 'string') return undefined;
    const shard = parseShard(record.shard);
    return record.by === 'folder' || record.by === 'balanced'
      ? {
          ...shard,
          by: record.by,
          ...(typeof record.depth === 'number' ? { depth: record.depth } : {}),
          ...(typeof record.listing === 'string' ? { listing: record.listing } : {}),
        }
      : { ...shard, by: 'study' };
  } catch {
    return undefined;
  }
}
