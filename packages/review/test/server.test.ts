/**
 * msc-review's server without a browser: it serves thumbnails only by validated name from its
 * folder, refuses every malformed body, writes the corrections file atomically (a failed write
 * changes nothing), resumes an existing file, and the binary prints its URL and stops on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTable } from '@msc/tables';
import { greyPng } from '@msc/review/testing';
import { CorrectionStore, openReview, startReviewServer, type RunningReview } from '../src/index.js';
import { steppingClock } from './fixtures.js';

const COLUMNS = [
  'patient_id',
  'study_uid',
  'series_uid',
  'series_number',
  'series_description',
  'prediction',
  'prediction_heuristics',
  'probability_adc',
  'probability_t2w',
  'confidence',
  'rule',
];
const ROWS = [
  {
    patient_id: 'P1',
    study_uid: '1.2.1',
    series_uid: '1.2.1.1',
    series_number: '1',
    series_description: 't2 ax',
    prediction: 'T2W',
    prediction_heuristics: 'T2W',
    probability_adc: 0.1,
    probability_t2w: 0.9,
    confidence: 0.9,
    rule: '',
  },
  {
    patient_id: 'P1',
    study_uid: '1.2.1',
    series_uid: '1.2.1.2',
    series_number: '2',
    series_description: 'adc',
    prediction: 'ADC',
    prediction_heuristics: 'ADC',
    probability_adc: 0.6,
    probability_t2w: 0.4,
    confidence: 0.6,
    rule: '',
  },
];

let dir: string;
let server: RunningReview;
let corrections: string;
let thumbnails: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-review-server-'));
  await writeTable(join(dir, 'predictions.csv'), COLUMNS, ROWS);
  thumbnails = join(dir, 'thumbnails');
  await mkdir(thumbnails);
  await writeFile(join(thumbnails, '1.2.1.1.png'), greyPng(8));
  await writeFile(join(thumbnails, '9.9.9.png'), greyPng(8)); // a file of no series in the table
  await mkdir(join(thumbnails, '1.2.1.2.png')); // a folder under a series' name
  await writeFile(join(dir, 'secret.png'), 'not for the page');
  corrections = join(dir, 'out', 'corrections.csv');
  const { session } = await openReview({ predictions: join(dir, 'predictions.csv'), thumbnails, corrections, now: steppingClock() });
  server = await startReviewServer(session);
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A raw request (node:http: no URL normalisation, any Host header). */
function raw(path: string, options: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: options.method ?? 'GET', headers: options.headers }, (response) => {
      let body = '';
      response.setEncoding('latin1');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const post = (body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
  raw('/api/corrections', { method: 'POST', body, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } });

describe('msc-review server', () => {
  it('listens on 127.0.0.1 only and answers only requests addressed to it', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await raw('/')).status).toBe(200);
    expect((await raw('/', { headers: { Host: 'evil.example:80' } })).status).toBe(421);
    expect((await raw('/api/data', { headers: { Host: `rebound.example:${server.port}` } })).status).toBe(421);
  });

  it('serves a thumbnail only as <series_uid>.png of a series in the table, from its folder', async () => {
    const ok = await raw('/thumbnails/1.2.1.1.png');
    expect(ok.status).toBe(200);
    expect(Buffer.from(ok.body, 'latin1')).toEqual(greyPng(8));
    for (const path of [
      '/thumbnails/../secret.png',
      '/thumbnails/..%2Fsecret.png',
      '/thumbnails/%2e%2e%2fsecret.png',
      '/thumbnails/..%5Csecret.png',
      '/thumbnails/9.9.9.png', // exists, but no series of the table
      '/thumbnails/1.2.1.2.png', // a folder
      '/thumbnails/1.2.1.1.png%00.txt',
      '/thumbnails/1.2.1.1',
      '/thumbnails/thumbnails.csv',
      '/thumbnails/%2Fetc%2Fpasswd',
    ])
      expect((await raw(path)).status, path).toBe(404);
  });

  it.each([
    ['not JSON', '{"series_uid":', 400, /not JSON/],
    ['an array', '[]', 400, /expected a JSON object/],
    ['an unknown field', '{"series_uid":"1.2.1.1","class":"ADC","note":"x"}', 400, /unknown field 'note'/],
    ['no series', '{"class":"ADC"}', 400, /missing 'series_uid'/],
    ['a series not in the table', '{"series_uid":"1.2.1.9","class":"ADC"}', 400, /no series '1\.2\.1\.9'/],
    ['a class the model lacks', '{"series_uid":"1.2.1.1","class":"DWI"}', 400, /'DWI' is not one of the model's classes \(ADC, T2W\)/],
    ['a class of the wrong type', '{"series_uid":"1.2.1.1","class":3}', 400, /'class' must be a class name or null/],
    ['a body too large', JSON.stringify({ series_uid: '1.2.1.1', class: 'x'.repeat(5000) }), 413, /larger than 4096 bytes/],
  ])('refuses %s', async (_what, body, status, message) => {
    const reply = await post(body);
    expect(reply.status).toBe(status);
    expect(JSON.parse(reply.body).message).toMatch(message);
  });

  it('refuses corrections that are not JSON, come from another origin, or are not POSTed', async () => {
    expect((await post('{"series_uid":"1.2.1.1","class":"ADC"}', { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await post('{"series_uid":"1.2.1.1","class":"ADC"}', { 'Content-Type': 'application/json', Origin: 'http://evil.example' })).status).toBe(403);
    expect((await raw('/api/corrections')).status).toBe(405);
  });

  it('writes each correction atomically, the latest per series, and a failed write changes nothing', async () => {
    expect((await post('{"series_uid":"1.2.1.2","class":"T2W"}')).status).toBe(200);
    const both = await post('{"series_uid":"1.2.1.1","class":"T2W"}');
    expect(JSON.parse(both.body)).toEqual({
      correction: { study_uid: '1.2.1', series_uid: '1.2.1.1', class: 'T2W', previous: 'T2W', reviewed_at: '2026-01-01T00:00:01.000Z' },
      reviewed: 2,
      total: 2,
    });
    expect((await post('{"series_uid":"1.2.1.2","class":"ADC"}')).status).toBe(200);
    const written = [
      'study_uid,series_uid,class,previous,reviewed_at',
      '1.2.1,1.2.1.2,ADC,ADC,2026-01-01T00:00:02.000Z',
      '1.2.1,1.2.1.1,T2W,T2W,2026-01-01T00:00:01.000Z',
      '',
    ].join('\n');
    expect(await readFile(corrections, 'utf8')).toBe(written);
    expect(await readdir(join(dir, 'out'))).toEqual(['corrections.csv']); // no temporary left

    // The file cannot be replaced (a folder took its name): 507, and neither the file nor the data change.
    await rm(corrections);
    await mkdir(corrections);
    const failed = await post('{"series_uid":"1.2.1.1","class":"ADC"}');
    expect(failed.status).toBe(507);
    expect(JSON.parse(failed.body).code).toBe('E_OUTPUT');
    expect(JSON.parse((await raw('/api/data')).body).corrections['1.2.1.1'].class).toBe('T2W');
    expect((await readdir(join(dir, 'out'))).sort()).toEqual(['corrections.csv']);
    await rm(corrections, { recursive: true });

    // removing a correction (undo of a first review)
    expect(JSON.parse((await post('{"series_uid":"1.2.1.1","class":null}')).body)).toEqual({ correction: null, reviewed: 1, total: 2 });
    expect(await readFile(corrections, 'utf8')).toBe('study_uid,series_uid,class,previous,reviewed_at\n1.2.1,1.2.1.2,ADC,ADC,2026-01-01T00:00:02.000Z\n');
  });

  it('resumes an existing corrections file, keeping rows of series outside the table', async () => {
    const resumed = join(dir, 'resumed.csv');
    await writeFile(
      resumed,
      'study_uid,series_uid,class,previous,reviewed_at\n7.7,7.7.1,DWI,ADC,2025-12-01T10:00:00.000Z\n1.2.1,1.2.1.2,T2W,ADC,2025-12-01T10:00:01.000Z\n',
    );
    const { session } = await openReview({ predictions: join(dir, 'predictions.csv'), corrections: resumed, now: steppingClock() });
    expect(Object.keys((await session.data()).corrections).sort()).toEqual(['1.2.1.2', '7.7.1']);
    await session.correct({ series_uid: '1.2.1.1', class: 'ADC' });
    expect(await readFile(resumed, 'utf8')).toBe(
      'study_uid,series_uid,class,previous,reviewed_at\n7.7,7.7.1,DWI,ADC,2025-12-01T10:00:00.000Z\n1.2.1,1.2.1.2,T2W,ADC,2025-12-01T10:00:01.000Z\n1.2.1,1.2.1.1,ADC,T2W,2026-01-01T00:00:00.000Z\n',
    );
    await writeFile(join(dir, 'other.csv'), 'series_uid,label\n1,2\n');
    await expect(CorrectionStore.open(join(dir, 'other.csv'))).rejects.toThrow(/lacks study_uid, class, previous, reviewed_at: it is not a corrections file/);
  });

  it('runs as msc-review: prints its URL, serves, stops on SIGTERM', async () => {
    const bin = fileURLToPath(new URL('../bin/msc-review.mjs', import.meta.url));
    const child = spawn(process.execPath, [bin, join(dir, 'predictions.csv'), '--corrections', join(dir, 'cli.csv'), '--no-open'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    const summary = JSON.parse(line) as { url: string; series: number; classes: string[] };
    expect(summary).toMatchObject({ series: 2, classes: ['ADC', 'T2W'] });
    expect(summary.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const data = (await (await fetch(`${summary.url}api/data`)).json()) as { series: unknown[] };
    expect(data.series).toHaveLength(2);
    const code = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await code).toBe(0);
  });
});
