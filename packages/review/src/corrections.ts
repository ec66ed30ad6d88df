/**
 * The corrections file: one row per reviewed series (study_uid, series_uid, class, previous,
 * reviewed_at), the latest review of a series replacing its earlier one. The whole file is written
 * again, atomically, after every change (so a crash leaves the previous file, never half a row);
 * changes are applied one after another. An existing file is resumed: its rows stay, including
 * rows of series that are not in the table under review.
 */
import { existsSync } from 'node:fs';
import { MscError } from '@msc/core';
import { readTableAll, writeTable } from '@msc/tables';
import { CORRECTION_COLUMNS, type Correction, type ReviewSeries } from './data.js';

export class CorrectionStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly path: string,
    private readonly entries: Map<string, Correction>,
    private readonly now: () => Date,
  ) {}

  /** Opens `path`, reading the corrections already in it when it exists. */
  static async open(path: string, options: { now?: () => Date } = {}): Promise<CorrectionStore> {
    const entries = new Map<string, Correction>();
    if (existsSync(path)) {
      const table = await readTableAll(path);
      const missing = CORRECTION_COLUMNS.filter((column) => !table.columns.includes(column));
      if (missing.length > 0)
        throw new MscError('E_MISSING_COLUMNS', `${path} lacks ${missing.join(', ')}: it is not a corrections file`, {
          path,
          hint: `a corrections file has the columns ${CORRECTION_COLUMNS.join(', ')}; give a new file name to start one`,
        });
      for (const row of table.rows) {
        const correction = Object.fromEntries(CORRECTION_COLUMNS.map((column) => [column, String(row[column] ?? '')])) as unknown as Correction;
        entries.set(correction.series_uid, correction);
      }
    }
    return new CorrectionStore(path, entries, options.now ?? (() => new Date()));
  }

  /** Resolves once every change asked for is on disk (or failed). */
  async flush(): Promise<void> {
    await this.queue;
  }

  /** Every correction, by series UID. */
  all(): Record<string, Correction> {
    return Object.fromEntries(this.entries);
  }

  /** Series of `uids` with a correction. */
  countReviewed(uids: Iterable<string>): number {
    let count = 0;
    for (const uid of uids) if (this.entries.has(uid)) count += 1;
    return count;
  }

  /**
   * Records `series` as of class `label` (its own label: reviewed as right), or removes its
   * correction (`null`), and writes the file. Resolves once the file holds the change.
   */
  set(series: ReviewSeries, label: string | null): Promise<Correction | null> {
    const change = this.queue.then(async () => {
      const before = this.entries.get(series.series_uid);
      let after: Correction | null = null;
      if (label === null) this.entries.delete(series.series_uid);
      else {
        after = { study_uid: series.study_uid, series_uid: series.series_uid, class: label, previous: series.label, reviewed_at: this.now().toISOString() };
        this.entries.set(series.series_uid, after);
      }
      try {
        await writeTable(this.path, CORRECTION_COLUMNS, [...this.entries.values()] as unknown as Record<string, string>[]);
      } catch (error) {
        // The file did not change: neither does what the store says it holds.
        if (before) this.entries.set(series.series_uid, before);
        else this.entries.delete(series.series_uid);
        throw error;
      }
      return after;
    });
    this.queue = change.catch(() => undefined);
    return change;
  }
}
