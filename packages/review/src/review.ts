/** A review of one predictions table: the table, its thumbnails and the corrections file, ready to serve. */
import { basename } from 'node:path';
import { CorrectionStore } from './corrections.js';
import { readPredictionTable, type PredictionTable } from './predictions.js';
import { ReviewSession } from './session.js';
import { markThumbnails } from './thumbnails.js';

export interface ReviewOptions {
  predictions: string;
  corrections: string;
  thumbnails?: string;
  title?: string;
  /** The clock corrections are stamped with (tests fix it). */
  now?: () => Date;
}

export async function openReview(options: ReviewOptions): Promise<{ session: ReviewSession; store: CorrectionStore; table: PredictionTable }> {
  const table = await readPredictionTable(options.predictions);
  if (options.thumbnails) await markThumbnails(options.thumbnails, table.series);
  else for (const series of table.series) series.thumbnail_note = 'no thumbnail folder given';
  const store = await CorrectionStore.open(options.corrections, options.now ? { now: options.now } : {});
  const session = new ReviewSession({
    table: () => Promise.resolve(table),
    corrections: store,
    ...(options.thumbnails ? { thumbnails: options.thumbnails } : {}),
    title: options.title ?? `MSC review: ${basename(options.predictions)}`,
  });
  return { session, store, table };
}
