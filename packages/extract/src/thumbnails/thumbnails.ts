/**
 * Thumbnails, a second pass after the header rows exist: per series, the middle instance (middle
 * temporal position from the rows, then the middle acquisition, then the middle slice along the
 * slice normal or by instance number; the middle frame of a multi-frame file) is decoded on
 * worker threads and written as `DIR/<series_uid>.png`, with `DIR/thumbnails.csv` saying which
 * file each came from and, for a placeholder, why. The header pass is not touched: a run without
 * thumbnails costs what it did.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { MISSING, ThreadClient, atomicWriteFile, makeOutputDirectory, workerScriptUrl, type Row } from '@msc/core';
import { readTableAll, writeTable } from '@msc/tables';
import { createReadBuffer } from '../reader/read-file.js';
import { answer, type ThumbnailReply, type ThumbnailRequest } from './protocol.js';
import { THUMBNAIL_SIZE } from './render.js';
import { THUMBNAIL_COLUMNS, THUMBNAIL_TABLE, type ThumbnailRecord } from './contract.js';

export { THUMBNAIL_COLUMNS, THUMBNAIL_TABLE, type ThumbnailRecord } from './contract.js';
import type { Place, ThumbnailResult } from './thumbnail-file.js';

/** One instance row's part that thumbnails use. */
export interface ThumbnailInstance {
  readonly path: string;
  readonly studyUid: string;
  readonly seriesUid: string;
  /** TemporalPositionIdentifier as the row has it (the DCE phase); undefined or MISSING when none. */
  readonly temporalPosition?: string;
}

export interface ThumbnailOptions {
  /** Worker threads (0: decode on the calling thread). */
  workers: number;
  /** Long side in pixels (default 192). */
  size?: number;
}

export interface ThumbnailSummary {
  decoded: number;
  placeholders: number;
  records: ThumbnailRecord[];
}

/** The instance fields thumbnails need, from an extract instance row. */
export function thumbnailInstanceOf(row: Row): ThumbnailInstance {
  const temporal = row.temporal_position_identifier;
  return {
    path: String(row.file_path),
    studyUid: String(row.study_uid),
    seriesUid: String(row.series_uid),
    ...(temporal !== undefined && temporal !== null ? { temporalPosition: String(temporal) } : {}),
  };
}

/** A series UID as a file name: UIDs are digits and dots, anything else (a damaged header) becomes `_`. */
export function thumbnailFileName(seriesUid: string): string {
  const safe = seriesUid.replace(/[^0-9A-Za-z._-]/g, '_').replace(/^\.+/, '_');
  return `${safe || '_'}.png`;
}

const numericFirst = (a: string, b: string) => {
  const x = Number(a);
  const y = Number(b);
  if (Number.isFinite(x) && Number.isFinite(y) && x !== y) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
};

/** The instances of the middle temporal position (all of them when the rows give none). */
export function middleTemporalGroup(instances: readonly ThumbnailInstance[]): ThumbnailInstance[] {
  const groups = new Map<string, ThumbnailInstance[]>();
  for (const instance of instances) {
    const key = instance.temporalPosition === undefined || instance.temporalPosition === MISSING ? '' : instance.temporalPosition;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(instance);
  }
  const keys = [...groups.keys()].sort(numericFirst);
  return groups.get(keys[Math.floor(keys.length / 2)]!)!;
}

const byDefined = (a: number | undefined, b: number | undefined) => (a === undefined ? (b === undefined ? 0 : 1) : b === undefined ? -1 : a - b);

/**
 * The middle of placed instances: the middle acquisition number, then within it the middle slice
 * (by position along the normal when every instance has one, else by instance number).
 */
export function middleInstance<T extends { path: string; place: Place }>(candidates: readonly T[]): T {
  const acquisitions = [...new Set(candidates.map((c) => c.place.acquisition))].sort(byDefined);
  const acquisition = acquisitions[Math.floor(acquisitions.length / 2)];
  const group = candidates.filter((c) => c.place.acquisition === acquisition);
  const spatial = group.every((c) => c.place.position !== undefined);
  const sorted = [...group].sort(
    (a, b) =>
      (spatial ? a.place.position! - b.place.position! : 0) ||
      byDefined(a.place.instance, b.place.instance) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The thumbnail threads, or the calling thread when there are none. */
class ThumbnailRunner {
  private readonly threads: ThreadClient<ThumbnailRequest, ThumbnailReply>[];
  private readonly buffer = createReadBuffer();

  constructor(workers: number) {
    const script = workerScriptUrl(import.meta.url, './worker.js');
    this.threads = Array.from({ length: workers }, (_, k) => new ThreadClient<ThumbnailRequest, ThumbnailReply>(script, { name: `thumbnail thread ${k + 1}` }));
  }

  run(request: ThumbnailRequest): Promise<ThumbnailReply> {
    if (this.threads.length === 0) return answer(request, this.buffer);
    let thread = this.threads[0]!;
    for (const candidate of this.threads) if (candidate.load < thread.load) thread = candidate;
    return thread.request(request);
  }

  async places(paths: string[]): Promise<Place[]> {
    const reply = await this.run({ kind: 'places', paths });
    if (reply.kind !== 'places') throw new Error('thumbnail thread answered a places request with a thumbnail');
    return reply.places;
  }

  async thumbnail(path: string, size: number): Promise<ThumbnailResult> {
    const reply = await this.run({ kind: 'thumbnail', path, size });
    if (reply.kind !== 'thumbnail') throw new Error('thumbnail thread answered a thumbnail request with places');
    return reply.result;
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.close()));
  }
}

/** Paths per places request: enough to amortise a message, few enough to spread a series over threads. */
const PLACES_BATCH = 128;

async function chooseInstance(runner: ThumbnailRunner, instances: readonly ThumbnailInstance[]): Promise<ThumbnailInstance> {
  const candidates = middleTemporalGroup(instances);
  if (candidates.length === 1) return candidates[0]!;
  const batches: Promise<Place[]>[] = [];
  for (let at = 0; at < candidates.length; at += PLACES_BATCH) batches.push(runner.places(candidates.slice(at, at + PLACES_BATCH).map((c) => c.path)));
  const places = (await Promise.all(batches)).flat();
  return middleInstance(candidates.map((instance, k) => ({ ...instance, place: places[k]! })));
}

/** The thumbnails.csv line of a series' thumbnail drawn from `chosen`. */
export function thumbnailRecord(chosen: ThumbnailInstance, result: ThumbnailResult): ThumbnailRecord {
  return {
    study_uid: chosen.studyUid,
    series_uid: chosen.seriesUid,
    file: chosen.path,
    status: result.status,
    reason: result.status === 'placeholder' ? result.reason : '',
  };
}

const byStudyAndSeries = (a: ThumbnailRecord, b: ThumbnailRecord) =>
  a.study_uid < b.study_uid ? -1 : a.study_uid > b.study_uid ? 1 : a.series_uid < b.series_uid ? -1 : a.series_uid > b.series_uid ? 1 : 0;

/**
 * `dir/thumbnails.csv` (atomically): these records, and with `merge` the lines already there for
 * other series (a service adding one study's thumbnails at a time).
 */
export async function writeThumbnailTable(dir: string, records: readonly ThumbnailRecord[], merge = false): Promise<void> {
  const table = join(dir, THUMBNAIL_TABLE);
  const rows = [...records];
  if (merge && existsSync(table)) {
    const replaced = new Set(records.map((record) => record.series_uid));
    for (const row of (await readTableAll(table)).rows) if (!replaced.has(String(row.series_uid))) rows.push(row as unknown as ThumbnailRecord);
  }
  rows.sort(byStudyAndSeries);
  await writeTable(table, THUMBNAIL_COLUMNS, rows as unknown as Row[]);
}

/**
 * One thumbnail per series of `instances` into `dir`, and `dir/thumbnails.csv`. A file that cannot
 * be decoded gets the placeholder PNG and a `placeholder` line with the reason.
 */
export async function writeThumbnails(instances: Iterable<ThumbnailInstance>, dir: string, options: ThumbnailOptions): Promise<ThumbnailSummary> {
  makeOutputDirectory(dir, join(dir, THUMBNAIL_TABLE));
  const series = new Map<string, ThumbnailInstance[]>();
  for (const instance of instances) {
    const key = `${instance.studyUid}\u0000${instance.seriesUid}`;
    let list = series.get(key);
    if (!list) series.set(key, (list = []));
    list.push(instance);
  }
  const size = options.size ?? THUMBNAIL_SIZE;
  const runner = new ThumbnailRunner(options.workers);
  const limit = pLimit(Math.max(2, options.workers * 2));
  const records: ThumbnailRecord[] = [];
  try {
    await Promise.all(
      [...series.values()].map((list) =>
        limit(async () => {
          const chosen = await chooseInstance(runner, list);
          const result = await runner.thumbnail(chosen.path, size);
          await atomicWriteFile(join(dir, thumbnailFileName(chosen.seriesUid)), result.png);
          records.push(thumbnailRecord(chosen, result));
        }),
      ),
    );
  } finally {
    await runner.close();
  }
  await writeThumbnailTable(dir, records);
  const placeholders = records.filter((r) => r.status === 'placeholder').length;
  return { decoded: records.length - placeholders, placeholders, records };
}
