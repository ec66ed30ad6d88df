/**
 * The review's requests, whatever serves them (msc-review's own node:http server, msc-serve's
 * /review routes): the page, the data, a correction, a thumbnail. Every body is checked here.
 */
import { CorrectionStore } from './corrections.js';
import type { CorrectionReply, CorrectionRequest, ReviewData, ReviewSeries } from './data.js';
import { renderPage } from './html.js';
import type { PredictionTable } from './predictions.js';
import { thumbnailPath } from './thumbnails.js';

/** A refused request: its HTTP status, a stable code and one sentence. */
export class ReviewRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ReviewRequestError';
  }
}

/** Largest correction body accepted (one series UID and a class name fit in a few hundred bytes). */
export const MAX_CORRECTION_BYTES = 4096;

export interface ReviewSessionOptions {
  /** The table under review, as it is now (msc-serve's grows with every /predict). */
  table: () => Promise<PredictionTable>;
  corrections: CorrectionStore;
  /** The thumbnail folder, if any. */
  thumbnails?: string;
  title: string;
  /** Called before the data is sent (msc-serve looks up thumbnails written since). */
  beforeData?: () => Promise<void>;
}

const bad = (message: string) => new ReviewRequestError(400, 'E_USAGE', message);

export class ReviewSession {
  private indexed: { table: PredictionTable; byUid: Map<string, ReviewSeries> } | undefined;

  constructor(private readonly options: ReviewSessionOptions) {}

  get correctionsPath(): string {
    return this.options.corrections.path;
  }

  private async current(): Promise<{ table: PredictionTable; byUid: Map<string, ReviewSeries> }> {
    const table = await this.options.table();
    if (this.indexed?.table !== table) this.indexed = { table, byUid: new Map(table.series.map((series) => [series.series_uid, series])) };
    return this.indexed;
  }

  /** The page, for a base path ending in '/' (where its data, corrections and thumbnails are). */
  page(base: string): string {
    return renderPage({ title: this.options.title, base });
  }

  async data(): Promise<ReviewData> {
    await this.options.beforeData?.();
    const { table } = await this.current();
    return { title: this.options.title, classes: table.classes, series: table.series, corrections: this.options.corrections.all() };
  }

  /** A parsed JSON body → the correction written (or removed) and the progress. */
  async correct(body: unknown): Promise<CorrectionReply> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('body: expected a JSON object {"series_uid": …, "class": …}');
    const fields = body as Record<string, unknown>;
    const unknown = Object.keys(fields).find((key) => key !== 'series_uid' && key !== 'class');
    if (unknown !== undefined) throw bad(`body: unknown field '${unknown.slice(0, 64)}'`);
    const request = fields as Partial<CorrectionRequest>;
    if (typeof request.series_uid !== 'string') throw bad("body: missing 'series_uid' (a string)");
    if (request.class !== null && typeof request.class !== 'string') throw bad("body: 'class' must be a class name or null (remove the correction)");
    const { table, byUid } = await this.current();
    const series = byUid.get(request.series_uid);
    if (!series) throw bad(`body: no series '${request.series_uid.slice(0, 80)}' in the table under review`);
    if (request.class !== null && !table.classes.includes(request.class))
      throw bad(`body: '${request.class.slice(0, 40)}' is not one of the model's classes (${table.classes.join(', ')})`);
    const correction = await this.options.corrections.set(series, request.class);
    return { correction, reviewed: this.options.corrections.countReviewed(byUid.keys()), total: table.series.length };
  }

  /** The file of a thumbnail request (`<series_uid>.png`), or undefined. */
  async thumbnail(name: string): Promise<string | undefined> {
    const { byUid } = await this.current();
    return thumbnailPath(this.options.thumbnails, name, (uid) => byUid.has(uid));
  }
}
