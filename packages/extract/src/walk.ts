/**
 * Finding candidate files: folders walked to any depth (or `maxDepth`), entries in sorted order
 * so runs are reproducible, names filtered by an optional glob; DICOMDIR files skipped; whatever
 * cannot be read is reported (`onSkipped`), never a reason to stop.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { balancedParts, errorReason, fileKind, folderShardOf, type Shard } from '@msc/core';
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';

/** A glob on file names (`*`, `?`, `[...]`), as the original's `--pattern '*dcm'`. */
function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) source += '\\[';
      else {
        source += `[${pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += ch.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export interface WalkOptions {
  pattern?: string;
  /** Folder levels below each input to descend; undefined = unlimited. */
  maxDepth?: number;
  /**
   * Follow symbolic links inside the inputs (default true, as os.walk(followlinks=True) and
   * pydicom do). false for a server whose allowed folders must not lead elsewhere: links are then
   * reported as skipped, not read.
   */
  followLinks?: boolean;
  /**
   * Told of every entry that is not a file to read, and why: unreadable or vanished folders,
   * broken symbolic links, FIFOs and devices, names that are not UTF-8, folders already walked
   * (a symbolic-link loop, an input inside another). Files the pattern leaves out are not told.
   */
  onSkipped?: (path: string, reason: string) => void;
  /**
   * Only the files of this shard's folders (`--shard-by folder`), decided from paths alone: a
   * file's folder key is its path below its input ('/'-separated, so the same on every machine)
   * cut to the first `depth` folders, or its own folder when that is shallower (files directly in
   * an input go by the input itself, so a flat series folder is never split). Folders of other
   * shards are not walked at all; files in another shard's shallow folder are not looked at.
   */
  folderShard?: FolderShard;
}

export interface FolderShard {
  shard: Shard;
  /** Folder levels below each input that name a part (≥ 1; 1: the input's top-level entries). */
  depth: number;
  /**
   * `--shard-by balanced`: the parts a listing of the tree assigned (`listFolderShard`), and that
   * assignment's fingerprint; a folder the listing did not see (made since) goes by its hash.
   * Without: every folder goes by its hash (`folderShardOf`).
   */
  balanced?: BalancedParts;
  /**
   * Told of each folder the walk decides on (every shard decides on the same ones: the folders at
   * `depth`, shallower folders that hold files, and the inputs' files once), and whether it is this shard's.
   */
  onFolder?: (key: string, own: boolean) => void;
}

/** Folders' parts as a listing assigned them (`listFolderShard`). */
export interface BalancedParts {
  parts: ReadonlyMap<string, number>;
  /** The assignment's fingerprint: parts of one run were split from the same one. */
  listing: string;
  /** Files the listing counted, in all and in each part (index k - 1). */
  files: number;
  partFiles: number[];
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A name from the file system as text, or undefined when its bytes are not UTF-8 (Node could not open it by that text). */
function nameText(name: Buffer): string | undefined {
  try {
    return UTF8.decode(name);
  } catch {
    return undefined;
  }
}

function errorCode(error: unknown): string {
  return errorReason(error);
}

/**
 * A folder's files to look at: each file's path is `prefix + name`, exactly what `join(folder,
 * name)` gives (the prefix is the normalised folder and its separator), so that a consumer builds
 * paths only where it needs them (worker threads) and no `join` runs per file.
 */
export interface FolderFiles {
  prefix: string;
  names: string[];
}

/** What `join(dir, name)` puts before a plain name (no separator, not `.` or `..`). */
function prefixOf(dir: string): string {
  return join(dir, 'x').slice(0, -1);
}

/** Names of entries, by UTF-16 code unit order (the order every run walks a folder in). */
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The files to look at, a folder's worth at a time (one async step per folder rather than per
 * file: at tens of thousands of files a second, per-file generator steps cost more than reading).
 * Order: inputs as given; within a folder, entries by name, files and sub-folders interleaved.
 * Symbolic links are followed (as os.walk(followlinks=True) and pydicom's file search do); each
 * folder is walked once, so link loops end and overlapping inputs give each file once.
 */
export async function* walkFileBatches(inputs: readonly string[], options: WalkOptions = {}): AsyncGenerator<string[]> {
  for await (const { prefix, names } of walkFolders(inputs, options)) yield names.map((name) => prefix + name);
}

/**
 * As `walkFileBatches`, each batch as a prefix and names. Folders are listed by libuv's threads,
 * not with blocking calls: blocking ones cost this thread less CPU, but under load it then
 * answered the reading threads late enough to leave them idle (112,289 files, load ~10: 1.3x the wall time).
 */
export async function* walkFolders(inputs: readonly string[], options: WalkOptions = {}): AsyncGenerator<FolderFiles> {
  const match = options.pattern ? globToRegExp(options.pattern) : undefined;
  // Only an 8-unit name can be DICOMDIR in capitals (no case mapping lengthens a name into it).
  const keep = (name: string) => !(name.length === 8 && name.toUpperCase() === 'DICOMDIR') && (!match || match.test(name));
  const skip = (path: string, reason: string) => options.onSkipped?.(path, reason);
  // Folders by device and inode: a folder reached twice (a link, an input inside another) is walked once.
  const walked = new Set<string>();
  const inputFiles = new Set<string>();
  const folderShard = options.folderShard;
  /** Whether the folder key `key` is this shard's (always, without a folder shard). */
  const ownFolder = (key: string): boolean => {
    if (!folderShard) return true;
    const part = folderShard.balanced?.parts.get(key) ?? folderShardOf(key, folderShard.shard.count);
    const own = part === folderShard.shard.index;
    folderShard.onFolder?.(key, own);
    return own;
  };
  /** Whether files given as inputs are this shard's (decided once, for the first). */
  let ownInputFiles: boolean | undefined;
  /**
   * `dir` is `depth` folders below its input, at `key` ('/'-separated names from the input); its
   * entries' paths are `prefix + name`.
   */
  async function* walk(dir: string, prefix: string, depth: number, key: string): AsyncGenerator<FolderFiles> {
    let entries: Dirent[];
    try {
      // Blocking: a folder's stat is short, and its promise cost more than the call (112K files: 0.975x CPU, same wall).
      const info = statSync(dir, { bigint: true });
      const identity = `${info.dev}:${info.ino}`;
      if (walked.has(identity)) {
        skip(dir, 'folder already walked (a symbolic link to it, or an input inside another)');
        return;
      }
      walked.add(identity);
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      skip(dir, `unreadable folder (${errorCode(error)})`);
      return;
    }
    // Above the shard depth, a folder's own files (and entries that cannot be told apart from
    // files: broken or unfollowed links, names that are not UTF-8) go by the folder, decided once.
    let ownFiles: boolean | undefined = folderShard && depth < folderShard.depth ? undefined : true;
    // Names are read as UTF-8 text, bytes that are not UTF-8 becoming U+FFFD: a folder with that
    // character anywhere is listed again as bytes, to tell such names from real U+FFFD characters.
    if (entries.some((entry) => entry.name.includes('\uFFFD'))) {
      let raw: Dirent<Buffer>[];
      try {
        raw = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
      } catch (error) {
        skip(dir, `unreadable folder (${errorCode(error)})`);
        return;
      }
      entries = [];
      for (const entry of raw) {
        const name = nameText(entry.name);
        if (name === undefined) {
          if ((ownFiles ??= ownFolder(key)))
            skip(prefix + entry.name.toString('utf8'), 'file name is not valid UTF-8 (cannot be opened by name here; rename it)');
        } else entries.push(Object.assign(entry, { name }) as unknown as Dirent);
      }
    }
    entries.sort(byName);
    let names: string[] = [];
    for (const entry of entries) {
      const name = entry.name;
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      // Another shard's file, told from its type without a stat: not looked at further.
      if (!isDirectory && !entry.isSymbolicLink() && !(ownFiles ??= ownFolder(key))) continue;
      if (entry.isSymbolicLink()) {
        if (options.followLinks === false) {
          if ((ownFiles ??= ownFolder(key))) skip(prefix + name, 'symbolic link (not followed)');
          continue;
        }
        try {
          const target = await stat(prefix + name);
          isDirectory = target.isDirectory();
          isFile = target.isFile();
        } catch (error) {
          if ((ownFiles ??= ownFolder(key)))
            skip(prefix + name, errorCode(error) === 'ELOOP' ? 'symbolic link loop' : `broken symbolic link (${errorCode(error)})`);
          continue;
        }
      }
      if (isDirectory) {
        if (options.maxDepth !== undefined && depth >= options.maxDepth) continue;
        const childKey = key === '' ? name : `${key}/${name}`;
        // At the shard depth a folder names its part: another shard's is not walked.
        if (folderShard && depth + 1 === folderShard.depth && !ownFolder(childKey)) continue;
        if (names.length > 0) yield { prefix, names };
        names = [];
        const path = prefix + name;
        yield* walk(path, `${path}/`, depth + 1, childKey);
      } else if (!(ownFiles ??= ownFolder(key))) continue;
      else if (!keep(name)) continue;
      else if (isFile) names.push(name);
      else skip(prefix + name, 'not a regular file (FIFO, socket or device)');
    }
    if (names.length > 0) yield { prefix, names };
  }
  for (const input of inputs) {
    const info = await stat(input);
    if (info.isDirectory()) yield* walk(input, prefixOf(input), 0, '');
    else if (!info.isFile()) skip(input, `not a regular file (${fileKind(info)})`);
    else if (!keep(basename(input))) continue;
    // A file given as input is at its input's top: it goes by the input folder's key, as files directly in an input do.
    else if (folderShard && !(ownInputFiles ??= ownFolder(''))) continue;
    else if (inputFiles.has(resolve(input))) skip(input, 'given twice');
    else {
      inputFiles.add(resolve(input));
      yield { prefix: '', names: [input] };
    }
  }
}

export async function* walkFiles(inputs: readonly string[], options: WalkOptions = {}): AsyncGenerator<string> {
  for await (const batch of walkFileBatches(inputs, options)) yield* batch;
}

/**
 * `--shard-by balanced`: the tree below `inputs` listed (folder entries only: no file is opened or
 * stat'ed, ≈ 40 ms of CPU for 31,775 files in 803 folders), its files counted by the folder key the
 * walk gives them (`WalkOptions.folderShard`), and the keys assigned to `count` parts by file
 * count. Every job of a run lists the same tree and so gets the same parts; the fingerprint of the
 * assignment (not of the counts: files added to a folder move no folder) goes into each part's
 * record so that msc-merge-shards refuses parts split from different listings. Kept cheap and
 * simple: links are counted as one file, not followed, and names are not filtered (the counts
 * only weigh the folders; the walk still follows links and applies the pattern).
 */
export function listFolderShard(inputs: readonly string[], shard: Shard, depth: number): BalancedParts {
  const counts = new Map<string, number>();
  const add = (key: string, files: number) => {
    if (files > 0) counts.set(key, (counts.get(key) ?? 0) + files);
  };
  const list = (dir: string, level: number, key: string): number => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return 0; // the walk reports it
    }
    let files = 0;
    for (const entry of entries) {
      if (!entry.isDirectory()) files += 1;
      else if (level + 1 < depth) list(join(dir, entry.name), level + 1, key === '' ? entry.name : `${key}/${entry.name}`);
      else if (level + 1 === depth) {
        const child = key === '' ? entry.name : `${key}/${entry.name}`;
        add(child, list(join(dir, entry.name), level + 1, child));
        counts.set(child, counts.get(child) ?? 0); // an empty folder is still a folder every part decides on
      } else files += list(join(dir, entry.name), level + 1, key);
    }
    if (level < depth) add(key, files);
    return files;
  };
  for (const input of inputs) {
    let info;
    try {
      info = statSync(input);
    } catch {
      continue; // a missing or unreadable input: the run reports it
    }
    if (info.isDirectory()) list(input, 0, '');
    else add('', 1);
  }
  const parts = balancedParts(counts, shard.count);
  const hash = createHash('sha256').update(`${shard.count}\u0000${depth}`);
  const partFiles = new Array<number>(shard.count).fill(0);
  let files = 0;
  for (const key of [...parts.keys()].sort()) {
    const part = parts.get(key)!;
    hash.update(`\u0000${key}\u0000${part}`);
    partFiles[part - 1]! += counts.get(key)!;
    files += counts.get(key)!;
  }
  return { parts, listing: hash.digest('hex').slice(0, 16), files, partFiles };
}
