/**
 * Thumbnails of PACS studies, with msc-extract's contract (`DIR/<series_uid>.png`, a placeholder
 * where decoding fails, `DIR/thumbnails.csv` with the file each came from): per series the
 * middle instance — middle temporal position from the rows, then the middle acquisition and slice
 * from one series-level call to the PACS — fetched whole, decoded and drawn by @msc/extract's
 * thumbnails code. Studies add to the table; a series drawn again replaces its line.
 */
import { join } from 'node:path';
import { atomicWriteFile, errorMessage, makeOutputDirectory, type InstanceRow } from '@msc/core';
import {
  THUMBNAIL_SIZE,
  THUMBNAIL_TABLE,
  middleInstance,
  middleTemporalGroup,
  placeholderPng,
  thumbnailFileName,
  thumbnailInstanceOf,
  thumbnailOfBytes,
  thumbnailRecord,
  writeThumbnailTable,
  type Place,
  type ThumbnailRecord,
  type ThumbnailResult,
} from '@msc/extract';
import type { SeriesRef } from './study.js';

/** What a PACS client gives thumbnails: where a series' instances lie, and one instance's file. */
export interface ThumbnailSource {
  readonly name: string;
  /** Each instance's place, by the row's `file_path`. */
  seriesPlaces(series: SeriesRef): Promise<Map<string, Place>>;
  /** The instance's whole DICOM file. */
  instanceFile(row: Pick<InstanceRow, 'file_path' | 'study_uid' | 'series_uid'>): Promise<Uint8Array>;
}

/** The numbers of a value a PACS sent: Orthanc's short tags (`'1\\2\\3'`), DICOM JSON's arrays, a lone number. */
export function numbersOf(value: unknown): number[] {
  const values = Array.isArray(value) ? value : typeof value === 'string' ? value.split('\\') : value === undefined || value === null ? [] : [value];
  return values.map((v) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN)).filter(Number.isFinite);
}

/** Calls to draw one study's series at once: enough to overlap the PACS's latency, few enough not to crowd it. */
const SERIES_AT_ONCE = 4;

/** Per directory, the table update under way: one study's lines are merged after another's, never lost. */
const tableUpdates = new Map<string, Promise<void>>();

export async function writePacsThumbnails(
  source: ThumbnailSource,
  found: { instanceRows: readonly InstanceRow[]; series: readonly SeriesRef[] },
  dir: string,
  options: { size?: number } = {},
): Promise<ThumbnailRecord[]> {
  makeOutputDirectory(dir, join(dir, THUMBNAIL_TABLE));
  const bySeries = new Map<string, InstanceRow[]>();
  for (const row of found.instanceRows) {
    const key = `${row.study_uid}\u0000${row.series_uid}`;
    let list = bySeries.get(key);
    if (!list) bySeries.set(key, (list = []));
    list.push(row);
  }
  const size = options.size ?? THUMBNAIL_SIZE;
  const records: ThumbnailRecord[] = [];
  const pending = [...found.series];
  const drawOne = async (series: SeriesRef) => {
    const rows = bySeries.get(`${series.studyUid}\u0000${series.seriesUid}`);
    if (!rows || rows.length === 0) return;
    const candidates = middleTemporalGroup(rows.map(thumbnailInstanceOf));
    // Without places (the call failed) the middle by path still gives a picture of the series.
    const places = candidates.length > 1 ? await source.seriesPlaces(series).catch(() => new Map<string, Place>()) : new Map<string, Place>();
    const chosen = middleInstance(candidates.map((instance) => ({ ...instance, place: places.get(instance.path) ?? {} })));
    let result: ThumbnailResult;
    try {
      result = await thumbnailOfBytes(
        await source.instanceFile({ file_path: chosen.path, study_uid: chosen.studyUid, series_uid: chosen.seriesUid }),
        undefined,
        size,
      );
    } catch (error) {
      result = { status: 'placeholder', png: placeholderPng(), reason: `${source.name} did not send the instance: ${errorMessage(error)}` };
    }
    await atomicWriteFile(join(dir, thumbnailFileName(chosen.seriesUid)), result.png);
    records.push(thumbnailRecord(chosen, result));
  };
  await Promise.all(
    Array.from({ length: Math.min(SERIES_AT_ONCE, pending.length) }, async () => {
      for (let series = pending.shift(); series; series = pending.shift()) await drawOne(series);
    }),
  );
  const previous = tableUpdates.get(dir) ?? Promise.resolve();
  const update = previous.catch(() => undefined).then(() => writeThumbnailTable(dir, records, true));
  tableUpdates.set(dir, update);
  try {
    await update;
  } finally {
    if (tableUpdates.get(dir) === update) tableUpdates.delete(dir);
  }
  return records;
}
