/**
 * The thumbnail folder msc-extract --thumbnails writes: `<series_uid>.png` per series and
 * `thumbnails.csv` (study_uid, series_uid, file, status, reason) saying why one is missing. Files
 * are served only from that folder, by a name made here from a validated UID (no path from a request).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MscError } from '@msc/core';
import { readTableAll } from '@msc/tables';
import type { ReviewSeries } from './data.js';

/** A DICOM UID: digits in dot-separated parts, at most 64 characters; nothing else names a file. */
const UID = /^[0-9]+(\.[0-9]+)*$/;
export const isDicomUid = (text: string): boolean => text.length <= 64 && UID.test(text);

export const thumbnailFile = (seriesUid: string): string => `${seriesUid}.png`;

/**
 * Marks each series with a thumbnail in `dir`, or the reason thumbnails.csv gives for none (a
 * placeholder image is shown with its reason). `missingFolder: 'empty'` is for msc-serve, whose
 * folder appears with the first PACS prediction.
 */
export async function markThumbnails(
  dir: string,
  series: readonly ReviewSeries[],
  { missingFolder = 'error' }: { missingFolder?: 'error' | 'empty' } = {},
): Promise<void> {
  let names: Set<string>;
  try {
    names = new Set(await readdir(dir));
  } catch (error) {
    if (missingFolder === 'empty' && (error as NodeJS.ErrnoException).code === 'ENOENT') names = new Set();
    else
      throw new MscError('E_INPUT_NOT_FOUND', `cannot read the thumbnail folder ${dir}: ${(error as Error).message}`, {
        path: dir,
        hint: 'give the folder msc-extract --thumbnails DIR wrote, or leave out --thumbnails',
      });
  }
  const notes = new Map<string, string>();
  if (names.has('thumbnails.csv')) {
    const table = await readTableAll(join(dir, 'thumbnails.csv'));
    for (const row of table.rows) {
      const status = String(row['status'] ?? '');
      // msc-extract writes `decoded` or `placeholder` (a stand-in image whose reason the card shows)
      if (status && status !== 'decoded')
        notes.set(String(row['series_uid']), [status, row['reason']].filter((part) => part != null && part !== '').join(': '));
    }
  }
  for (const one of series) {
    one.thumbnail = isDicomUid(one.series_uid) && names.has(thumbnailFile(one.series_uid));
    one.thumbnail_note = notes.get(one.series_uid) ?? (one.thumbnail ? '' : 'no thumbnail');
  }
}

/**
 * The file of a requested thumbnail name, or undefined (then 404): the name must be
 * `<series_uid>.png` of a series in view, and the file a regular file in `dir`.
 */
export async function thumbnailPath(dir: string | undefined, name: string, known: (seriesUid: string) => boolean): Promise<string | undefined> {
  if (dir === undefined || !name.endsWith('.png')) return undefined;
  const uid = name.slice(0, -'.png'.length);
  if (!isDicomUid(uid) || !known(uid)) return undefined;
  const path = join(dir, thumbnailFile(uid));
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ? path : undefined;
}
