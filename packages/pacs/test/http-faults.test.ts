/**
 * Faults a real Orthanc cannot be made to produce, from a small HTTP server on 127.0.0.1: an answer
 * larger than the cap (streamed, with and without Content-Length), and an error body that echoes
 * the request's Authorization header (a reflecting proxy).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PacsHttp, UpstreamError } from '../src/http.js';

let server: Server;
let base: string;
const MiB = 2 ** 20;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/huge' || request.url === '/huge-announced') {
      if (request.url === '/huge-announced') response.setHeader('content-length', String(64 * MiB));
      let sent = 0;
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (sent < 64 * MiB) {
          sent += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      response.on('close', () => (sent = 64 * MiB));
      pump();
    } else if (request.url === '/echo') {
      response.statusCode = 500;
      response.end(`upstream failed; request headers: authorization=${request.headers.authorization}`);
    } else response.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);

describe('PACS answers MSC does not trust', () => {
  it('stops reading an answer larger than maxResponseBytes, with or without Content-Length (finding F1)', async () => {
    const http = new PacsHttp({ url: base }, 'Orthanc', { maxResponseBytes: 4 * MiB });
    for (const path of ['huge', 'huge-announced']) {
      const error = await http.request('GET', path).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).message).toMatch(/^Orthanc answered GET http:\/\/127\.0\.0\.1:\d+\/huge.* with more than 4194304 bytes$/);
      expect((error as UpstreamError).hint).toMatch(/max_pacs_reply_bytes/);
    }
    const prefix = await http.prefix('huge', '*/*', () => undefined).catch((caught: unknown) => caught);
    expect((prefix as UpstreamError).message).toMatch(/with more than 4194304 bytes/);
    expect((await http.json('GET', 'small')).value).toEqual({});
  });

  it('never puts its own credentials into an error, even when the server echoes them (finding F9)', async () => {
    for (const endpoint of [
      { url: base, user: 'mscuser', password: 'Sup3rS3cretPW' },
      { url: base, token: 'tok-abcdef123456' },
    ]) {
      const http = new PacsHttp(endpoint, 'Orthanc');
      const error = (await http.request('GET', 'echo').catch((caught: unknown) => caught)) as UpstreamError;
      expect(error.message).toMatch(
        /^Orthanc answered GET .*\/echo with HTTP 500: upstream failed; request headers: authorization=(Basic|Bearer) \[redacted\]$/,
      );
      for (const secret of ['Sup3rS3cretPW', 'tok-abcdef123456', Buffer.from('mscuser:Sup3rS3cretPW').toString('base64')])
        expect(error.message).not.toContain(secret);
    }
  });
});
