/**
 * Faults a real Orthanc cannot be made to produce, from a small HTTP server on 127.0.0.1: an answer
 * larger than the cap (streamed, with and without Content-Length), and an error body that echoes
 * the request's Authorization header (a reflecting proxy).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DicomWebClient } from '../src/dicomweb.js';
import { PacsHttp, UpstreamError } from '../src/http.js';
import { OrthancClient } from '../src/orthanc.js';

let server: Server;
let base: string;
/** Paths the fault server was asked for, to tell which URLs MSC built. */
const asked: string[] = [];
const STUDY = '1.2.3';
const seriesItem = (uid: unknown) => ({ '0020000E': { vr: 'UI', Value: [uid] } });
/** DICOMweb answers by path: many series, hostile UIDs, null entries. */
const DICOMWEB: Record<string, unknown> = {
  [`/many/studies/${STUDY}/series`]: Array.from({ length: 2_001 }, (_, i) => seriesItem(`1.2.3.${i}`)),
  [`/hostile/studies/${STUDY}/series`]: [seriesItem('../../../../admin/x0'), seriesItem('1.2.3.9')],
  [`/hostile/studies/${STUDY}/series/1.2.3.9/metadata`]: [],
  [`/nulls/studies/${STUDY}/series`]: [null, seriesItem('1.2.3.9')],
  [`/gone/studies/${STUDY}/series`]: [seriesItem('1.2.3.7')],
};
const ORTHANC_STUDY = { ID: '11111111-22222222-33333333-44444444-55555555', Series: ['../../admin', null, 'aaaaaaaa-bbbbbbbb-cccccccc-dddddddd-eeeeeeee'] };
const MiB = 2 ** 20;

beforeAll(async () => {
  server = createServer((request, response) => {
    asked.push(request.url ?? '');
    const dicomweb = DICOMWEB[request.url ?? ''];
    if (dicomweb !== undefined) return void response.setHeader('content-type', 'application/dicom+json').end(JSON.stringify(dicomweb));
    if (request.url === '/orthanc/tools/find') return void response.setHeader('content-type', 'application/json').end(JSON.stringify([ORTHANC_STUDY]));
    if (request.url === '/orthanc-nulls/tools/find') return void response.setHeader('content-type', 'application/json').end('[null]');
    if (request.url?.startsWith('/orthanc/series/')) return void response.setHeader('content-type', 'application/json').end('{}');
    if (request.url?.includes('/studies/') || request.url?.includes('/series/')) {
      response.statusCode = 404;
      return void response.end();
    }
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

describe('PACS studies MSC does not follow blindly', () => {
  it('refuses a study announcing more series than the bound, before asking for any of them (finding F6)', async () => {
    const client = new DicomWebClient({ url: `${base}many/` }, { maxSeriesPerStudy: 2_000 });
    const error = (await client.studyRows(STUDY).catch((caught: unknown) => caught)) as UpstreamError;
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toBe(`the DICOMweb server lists 2001 series in study ${STUDY}, more than the 2000 MSC reads per study`);
    expect(asked.filter((path) => path.startsWith('/many/') && path.endsWith('/metadata'))).toEqual([]);
  });

  it('never puts a UID the server sent into a URL unless it is digits and dots, and lists it (finding F15)', async () => {
    const dicomweb = await new DicomWebClient({ url: `${base}hostile/` }).studyRows(STUDY);
    expect(asked.some((path) => path.includes('admin'))).toBe(false);
    expect(dicomweb.skipped).toEqual([{ instance: 'series ../../../../admin/x0', reason: 'the server gave an invalid SeriesInstanceUID' }]);
    const orthanc = await new OrthancClient({ url: `${base}orthanc/` }).studyRows(STUDY);
    expect(asked.filter((path) => path.startsWith('/orthanc/series/'))).toEqual([
      '/orthanc/series/aaaaaaaa-bbbbbbbb-cccccccc-dddddddd-eeeeeeee/instances-tags?short',
    ]);
    expect(orthanc.skipped.map((entry) => entry.reason)).toEqual(['Orthanc gave an invalid series id', 'Orthanc gave an invalid series id']);
  });

  it('lists a series whose metadata is gone instead of dropping it', async () => {
    const study = await new DicomWebClient({ url: `${base}gone/` }).studyRows(STUDY);
    expect(study.skipped).toEqual([{ instance: 'series 1.2.3.7', reason: 'the server has no metadata for this series' }]);
  });

  it('answers null entries in PACS JSON with an upstream error (502), not a TypeError (finding F16)', async () => {
    for (const attempt of [
      new DicomWebClient({ url: `${base}nulls/` }).studyRows(STUDY),
      new OrthancClient({ url: `${base}orthanc-nulls/` }).studyRows(STUDY),
    ]) {
      const error = (await attempt.catch((caught: unknown) => caught)) as UpstreamError;
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error.message).toMatch(/answered .* with a list holding null entries$/);
    }
  });
});
