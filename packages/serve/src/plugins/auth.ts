/** The bearer token check: every route but the open ones, when MSC_API_TOKEN is set. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { ServeContext } from '../context.js';
import { HttpError } from '../errors.js';
import { REVIEW_PAGE_PATHS } from '../routes/review.js';

/** Routes anyone may call even when a bearer token is configured. */
const OPEN_ROUTES = ['/health', '/openapi.json', '/docs'];

/** The token check compares digests, so its time does not depend on where the texts differ. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const auth: FastifyPluginAsync<Pick<ServeContext, 'env'>> = async (app, { env }) => {
  app.addHook('onRequest', async (request) => {
    const token = env.MSC_API_TOKEN;
    if (!token) return;
    const path = request.url.split('?')[0]!;
    if (OPEN_ROUTES.some((route) => path === route || path.startsWith(`${route}/`))) return;
    // the review page itself holds no data: it asks for the token and sends it with its calls
    if ((REVIEW_PAGE_PATHS as readonly string[]).includes(path)) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    if (!match || !sameSecret(match[1]!, token))
      throw new HttpError(401, 'E_AUTH', 'missing or wrong bearer token', 'send Authorization: Bearer <MSC_API_TOKEN>');
  });
};

/** Applies to every route of the server (not only to those registered inside it). */
export const authPlugin = fastifyPlugin(auth, { name: 'msc-auth' });
