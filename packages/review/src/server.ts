/**
 * msc-review's own server (node:http): the page, its data, corrections and thumbnails, on
 * 127.0.0.1 only. It writes a file on request, so it answers only requests addressed to itself
 * (Host 127.0.0.1/localhost:port, which a DNS-rebinding page cannot send), takes corrections only
 * as JSON of bounded size, and names every file it serves itself.
 */
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MscError, errorMessage, isMscError } from '@msc/core';
import { REVIEW_ROUTES } from './data.js';
import { contentSecurityPolicy } from './html.js';
import { MAX_CORRECTION_BYTES, ReviewRequestError, type ReviewSession } from './session.js';

export const REVIEW_HOST = '127.0.0.1';

export interface RunningReview {
  url: string;
  port: number;
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  response.end(body);
}

function sendError(response: ServerResponse, error: unknown): void {
  const known = error instanceof ReviewRequestError;
  // A correction that could not be written (disk full) is the server's failure, with its reason.
  const status = known ? error.status : isMscError(error) && error.code === 'E_OUTPUT' ? 507 : 500;
  const code = known ? error.code : isMscError(error) ? error.code : 'E_INTERNAL';
  send(
    response,
    status,
    'application/json',
    JSON.stringify({ statusCode: status, code, message: errorMessage(error) }),
    status === 413 ? { Connection: 'close' } : {},
  );
}

/** The request body as text, refused (413) past `limit` bytes without reading the rest. */
function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new ReviewRequestError(413, 'E_TOO_LARGE', `body larger than ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new ReviewRequestError(413, 'E_TOO_LARGE', `body larger than ${limit} bytes`));
        // the rest is read and dropped, so the 413 reaches the client
        request.removeAllListeners('data');
        request.resume();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** A JSON correction body → its value (400 when it is not JSON). */
export function parseJsonBody(text: string, contentType: string | undefined): unknown {
  if (!/^application\/json\b/i.test(contentType ?? '')) throw new ReviewRequestError(415, 'E_USAGE', 'corrections are sent as application/json');
  try {
    return JSON.parse(text);
  } catch {
    throw new ReviewRequestError(400, 'E_USAGE', 'body: not JSON');
  }
}

async function handle(session: ReviewSession, request: IncomingMessage, response: ServerResponse, port: number): Promise<void> {
  const host = request.headers.host ?? '';
  if (host !== `${REVIEW_HOST}:${port}` && host !== `localhost:${port}`)
    throw new ReviewRequestError(421, 'E_HOST', `this server answers requests to ${REVIEW_HOST}:${port} only`);
  const path = new URL(request.url ?? '/', `http://${REVIEW_HOST}`).pathname;
  const method = request.method ?? 'GET';
  if (path === '/' && (method === 'GET' || method === 'HEAD')) {
    send(response, 200, 'text/html; charset=utf-8', session.page('/'), { 'Content-Security-Policy': contentSecurityPolicy() });
    return;
  }
  if (path === `/${REVIEW_ROUTES.data}` && method === 'GET') {
    send(response, 200, 'application/json', JSON.stringify(await session.data()));
    return;
  }
  if (path === `/${REVIEW_ROUTES.corrections}`) {
    if (method !== 'POST') throw new ReviewRequestError(405, 'E_METHOD', 'POST a correction here');
    // A page of another origin may post only "simple" bodies without asking first: not JSON.
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) throw new ReviewRequestError(403, 'E_ORIGIN', 'corrections come from the review page only');
    const body = parseJsonBody(await readBody(request, MAX_CORRECTION_BYTES), request.headers['content-type']);
    send(response, 200, 'application/json', JSON.stringify(await session.correct(body)));
    return;
  }
  if (path.startsWith(`/${REVIEW_ROUTES.thumbnails}`) && method === 'GET') {
    const file = await session.thumbnail(decodeURIComponent(path.slice(REVIEW_ROUTES.thumbnails.length + 1)));
    if (!file) throw new ReviewRequestError(404, 'E_NOT_FOUND', 'no such thumbnail');
    response.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'max-age=3600', 'X-Content-Type-Options': 'nosniff' });
    createReadStream(file)
      .on('error', () => response.destroy())
      .pipe(response);
    return;
  }
  throw new ReviewRequestError(404, 'E_NOT_FOUND', `no route ${method} ${path}`);
}

/** Starts the server on 127.0.0.1 (`port` 0: a free one) and resolves once it listens. */
export async function startReviewServer(session: ReviewSession, options: { port?: number } = {}): Promise<RunningReview> {
  let port = 0;
  const server: Server = createServer((request, response) => {
    handle(session, request, response, port).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, error);
      else response.destroy();
    });
  });
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new MscError('E_USAGE', `cannot listen on ${REVIEW_HOST}:${options.port ?? 0}: ${error.message}`, {
          hint: error.code === 'EADDRINUSE' ? 'choose another --port, or leave it out for a free one' : undefined,
        }),
      ),
    );
    server.listen(options.port ?? 0, REVIEW_HOST, resolve);
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${REVIEW_HOST}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
