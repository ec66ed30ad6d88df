/**
 * The thumbnails' output contract (the review page reads it): `DIR/<series_uid>.png` and this table.
 * Kept apart from the pixel code so that the header pass can name it without loading that code.
 */
export const THUMBNAIL_TABLE = 'thumbnails.csv';
export const THUMBNAIL_COLUMNS = ['study_uid', 'series_uid', 'file', 'status', 'reason'] as const;

export interface ThumbnailRecord {
  study_uid: string;
  series_uid: string;
  file: string;
  status: 'decoded' | 'placeholder';
  reason: string;
}
