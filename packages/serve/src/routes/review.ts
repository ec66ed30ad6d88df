/**
 * /review (config `review:`): msc-review's page over the predictions this service made, behind the
 * same bearer token as the other routes. The page itself holds no data and opens without the token
 * (a browser cannot send one on navigation); it asks for the token and sends it with every call
 * for the data, corrections and thumbnails.
 */
import { createReadStream } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import { CorrectionStore, MAX_CORRECTION_BYTES, REVIEW_ROUTES, ReviewRequestError, ReviewSession, contentSecurityPolicy } from '@msc/review';
import type { ReviewConfig } from '../config.js';
import type { ServeContext } from '../context.js';
import { HttpError } from '../errors.js';
import { ReviewTables } from '../review-tables.js';

/** The page's path; the auth plugin lets these two through (the page holds no data). */
export const REVIEW_PAGE_PATHS = ['/review', '/review/'] as const;

const asHttpError = (error: unknown): unknown => (error instanceof ReviewRequestError ? new HttpError(error.status, error.code, error.message) : error);

export const reviewRoutes: FastifyPluginAsync<ServeContext & { review: ReviewConfig }> = async (app, { review }) => {
  const tables = new ReviewTables(review.predictions, review.thumbnails);
  const session = new ReviewSession({
    table: () => tables.current(),
    beforeData: () => tables.markThumbnails(),
    corrections: await CorrectionStore.open(review.corrections),
    ...(review.thumbnails ? { thumbnails: review.thumbnails } : {}),
    title: 'MSC review: this service’s predictions',
  });
  const hidden = { hide: true } as const;

  app.get('/review', { schema: hidden }, async (_request, reply) => reply.redirect('/review/'));
  app.get('/review/', { schema: hidden }, async (_request, reply) =>
    reply
      .header('Content-Security-Policy', contentSecurityPolicy())
      .header('Cache-Control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(session.page('/review/')),
  );
  app.get(
    `/review/${REVIEW_ROUTES.data}`,
    { schema: { summary: 'The review page’s data: predictions kept, classes, corrections', security: [{ bearer: [] }] } },
    async () => session.data(),
  );
  app.post(
    `/review/${REVIEW_ROUTES.corrections}`,
    { bodyLimit: MAX_CORRECTION_BYTES, schema: { summary: 'Set (or, with class null, remove) the correction of one series', security: [{ bearer: [] }] } },
    async (request) => {
      // A page of another origin may not write corrections (even where no token is configured).
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== `${request.protocol}://${request.headers.host}`)
        throw new HttpError(403, 'E_ORIGIN', 'corrections come from the review page only');
      return session.correct(request.body).catch((error: unknown) => {
        throw asHttpError(error);
      });
    },
  );
  app.get<{ Params: { name: string } }>(`/review/${REVIEW_ROUTES.thumbnails}:name`, { schema: hidden }, async (request, reply) => {
    const file = await session.thumbnail(request.params.name);
    if (!file) throw new HttpError(404, 'E_NOT_FOUND', 'no such thumbnail');
    return reply.type('image/png').header('X-Content-Type-Options', 'nosniff').send(createReadStream(file));
  });
};
