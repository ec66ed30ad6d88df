/**
 * The predictions msc-serve keeps for review (config `review:`): each prediction reply is written,
 * atomically, as one CSV table in the folder (a new file per reply, named by time, never rewritten),
 * and the review reads them all as one table, a series' latest prediction winning.
 */
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CLASS_LABELS, type Row } from '@msc/core';
import { markThumbnails, seriesFromRows, type PredictionTable } from '@msc/review';
import { readTableAll, writeTable } from '@msc/tables';

/** Writes one reply's prediction table into the review folder. */
export async function keepForReview(folder: string, modelId: string, table: { columns: readonly string[]; rows: readonly Row[] }): Promise<void> {
  if (table.rows.length === 0) return;
  const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${modelId}-${randomUUID().slice(0, 8)}.csv`;
  await writeTable(join(folder, name), table.columns, table.rows);
}

/**
 * The folder's tables as one, read again only when a new table has appeared; which series have a
 * thumbnail is looked up again when the page asks for its data (`markThumbnails`).
 */
export class ReviewTables {
  private readonly read = new Map<string, { columns: readonly string[]; rows: Row[] }>();
  private merged: PredictionTable | undefined;
  private listing = '';

  constructor(
    readonly folder: string,
    readonly thumbnails?: string,
  ) {}

  current(): Promise<PredictionTable> {
    return this.tables();
  }

  /** Marks the series with a thumbnail now in the folder (written after the service started, too). */
  async markThumbnails(): Promise<void> {
    const table = await this.tables();
    if (this.thumbnails) await markThumbnails(this.thumbnails, table.series, { missingFolder: 'empty' });
    else for (const series of table.series) series.thumbnail_note = 'no thumbnail folder configured';
  }

  private async tables(): Promise<PredictionTable> {
    const names = (await readdir(this.folder).catch(() => [] as string[])).filter((name) => name.endsWith('.csv') && !name.startsWith('.')).sort();
    const listing = names.join('\n');
    if (this.merged && listing === this.listing) return this.merged;
    for (const name of names) if (!this.read.has(name)) this.read.set(name, await readTableAll(join(this.folder, name)));
    const columns = new Set<string>();
    const bySeries = new Map<string, Row>();
    for (const name of names) {
      const table = this.read.get(name)!;
      for (const column of table.columns) columns.add(column);
      for (const row of table.rows) {
        const uid = String(row['series_uid']);
        bySeries.delete(uid); // the latest prediction of a series, in the order it was made
        bySeries.set(uid, row);
      }
    }
    this.merged =
      bySeries.size === 0 ? { source: this.folder, classes: [...CLASS_LABELS], series: [] } : seriesFromRows(this.folder, [...columns], [...bySeries.values()]);
    this.listing = listing;
    return this.merged;
  }
}
