/**
 * msc-serve's /review (config `review:`): each /predict reply is kept as a table in the review
 * folder, /review serves msc-review's page over them behind the bearer token, corrections are
 * validated against the kept predictions and written to the configured file, thumbnails come only
 * from the configured folder.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCohort } from '@msc/synth';
import { createServer, parseServeConfig, type MscServer } from '@msc/serve';
import { greyPng } from '@msc/review/testing';
import { guardPage, launchChromium } from '../../../test-support/browser.js';
import { skipWithoutChromium } from '../../../test-support/oracles.js';
import { DEFAULT_MODEL, writeConfig } from './support/serve-fixtures.js';

// page.waitForFunction's callback runs in the page; the tests' type check has no DOM library
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

const TOKEN = 'review-token-77';
const auth = { authorization: `Bearer ${TOKEN}` };
let dir: string;
let server: MscServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-serve-review-'));
  await generateCohort({ outDir: join(dir, 'root', 'cohort'), studies: 1, seed: 4101, maxInstancesPerSeries: 1 });
  await mkdir(join(dir, 'thumbs'));
  const configPath = await writeConfig(dir, {
    models: { prostate_mpmri: { model: DEFAULT_MODEL, heuristics: 'prostate_mpmri' } },
    server: { allowed_roots: [join(dir, 'root')] },
    review: { predictions: 'kept', corrections: 'review/corrections.csv', thumbnails: 'thumbs' },
  });
  server = await createServer({ configPath, env: { MSC_API_TOKEN: TOKEN }, logger: false });
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('/review', () => {
  it.each([
    ['review:\n  predictions: kept\n', /review: missing 'corrections'/],
    ['review:\n  predictions: kept\n  corrections: fixes.txt\n', /review\.corrections/],
    ['review:\n  predictions: kept\n  corrections: c.csv\n  thumbnails: nowhere\n', /review\.thumbnails: no folder at .*nowhere/],
  ])('refuses a review section with a mistake: %j', async (section, message) => {
    const text = `models:\n  m:\n    model: ${DEFAULT_MODEL}\n${section}`;
    await expect(parseServeConfig(text, 'config-api.yaml', dir)).rejects.toThrow(message);
  });

  it('keeps each /predict reply for review and serves the page over them, behind the token', async () => {
    // the page holds no data and opens without the token; everything it calls needs it
    const page = await server.app.inject({ method: 'GET', url: '/review/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(page.body).toContain('data-base="/review/"');
    expect((await server.app.inject({ method: 'GET', url: '/review' })).headers.location).toBe('/review/');
    expect((await server.app.inject({ method: 'GET', url: '/review/api/data' })).statusCode).toBe(401);
    expect((await server.app.inject({ method: 'POST', url: '/review/api/corrections', payload: {} })).statusCode).toBe(401);

    const empty = (await server.app.inject({ method: 'GET', url: '/review/api/data', headers: auth })).json();
    expect(empty.series).toEqual([]);

    const predicted = await server.app.inject({
      method: 'POST',
      url: '/predict',
      headers: auth,
      payload: { model_id: 'prostate_mpmri', dicom_path: 'cohort' },
    });
    expect(predicted.statusCode, predicted.body).toBe(200);
    const reply = predicted.json();
    expect(reply.manufacturer).toHaveLength(reply.series_uid.length);
    expect(await readdir(join(dir, 'kept'))).toHaveLength(1);

    const data = (await server.app.inject({ method: 'GET', url: '/review/api/data', headers: auth })).json();
    expect(data.classes).toEqual(['ADC', 'DCE', 'DWI', 'Others', 'T2W']);
    expect(data.series.map((s: { series_uid: string }) => s.series_uid).sort()).toEqual([...reply.series_uid].sort());
    const first = data.series.find((s: { series_uid: string }) => s.series_uid === reply.series_uid[0]);
    expect(first).toMatchObject({
      study_uid: reply.study_uid[0],
      label: reply.prediction_heuristics[0],
      manufacturer: reply.manufacturer[0],
      thumbnail: false,
    });

    // a second reply for the same study replaces, not duplicates, its series
    await server.app.inject({ method: 'POST', url: '/predict', headers: auth, payload: { model_id: 'prostate_mpmri', dicom_path: 'cohort' } });
    expect(await readdir(join(dir, 'kept'))).toHaveLength(2);
    expect((await server.app.inject({ method: 'GET', url: '/review/api/data', headers: auth })).json().series).toHaveLength(reply.series_uid.length);

    // corrections: checked against the kept predictions, written to the configured file
    const correct = (payload: object, headers: Record<string, string> = auth) =>
      server.app.inject({
        method: 'POST',
        url: '/review/api/corrections',
        headers: { ...headers, 'content-type': 'application/json' },
        payload: JSON.stringify(payload),
      });
    expect((await correct({ series_uid: '1.2.3', class: 'ADC' })).statusCode).toBe(400);
    expect((await correct({ series_uid: reply.series_uid[0], class: 'Bone' })).json().message).toMatch(/not one of the model's classes/);
    expect((await correct({ series_uid: reply.series_uid[0], class: 'ADC', extra: 1 })).statusCode).toBe(400);
    expect((await correct({ series_uid: reply.series_uid[0], class: 'ADC' }, { ...auth, origin: 'http://evil.example' })).statusCode).toBe(403);
    const big = await correct({ series_uid: reply.series_uid[0], class: 'x'.repeat(5000) });
    expect(big.statusCode).toBe(413);
    const ok = await correct({ series_uid: reply.series_uid[0], class: 'ADC' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ reviewed: 1, total: reply.series_uid.length });
    const lines = (await readFile(join(dir, 'review', 'corrections.csv'), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('study_uid,series_uid,class,previous,reviewed_at');
    expect(lines[1]).toMatch(new RegExp(`^${reply.study_uid[0]},${reply.series_uid[0]},ADC,${reply.prediction_heuristics[0]},\\d{4}-\\d\\d-\\d\\dT`));
  });

  it("takes the PACS routes' thumbnails_dir when the review names no folder (it may not exist yet)", async () => {
    const text = `models:\n  m:\n    model: ${DEFAULT_MODEL}\nserver:\n  thumbnails_dir: drawn-later\nreview:\n  predictions: kept\n  corrections: c.csv\n`;
    const config = await parseServeConfig(text, 'config-api.yaml', dir);
    expect(config.review?.thumbnails).toBe(join(dir, 'drawn-later'));
    const own = await parseServeConfig(`${text}  thumbnails: thumbs\n`, 'config-api.yaml', dir);
    expect(own.review?.thumbnails).toBe(join(dir, 'thumbs'));
  });

  it('serves thumbnails from the configured folder only, by series UID, with the token', async () => {
    const data = (await server.app.inject({ method: 'GET', url: '/review/api/data', headers: auth })).json();
    const uid = data.series[0].series_uid as string;
    await writeFile(join(dir, 'thumbs', `${uid}.png`), greyPng(8));
    await writeFile(
      join(dir, 'thumbs', 'thumbnails.csv'),
      `study_uid,series_uid,file,status,reason\n${data.series[1].study_uid},${data.series[1].series_uid},,placeholder,no pixel data\n`,
    );
    await writeFile(join(dir, 'secret.png'), 'x');
    const get = (name: string, headers: Record<string, string> = auth) => server.app.inject({ method: 'GET', url: `/review/thumbnails/${name}`, headers });
    const ok = await get(`${uid}.png`);
    expect(ok.statusCode).toBe(200);
    expect(ok.rawPayload).toEqual(greyPng(8));
    expect((await get(`${uid}.png`, {})).statusCode).toBe(401);
    for (const name of ['..%2Fsecret.png', '%2e%2e%2fsecret.png', '1.2.3.png', 'thumbnails.csv']) expect((await get(name)).statusCode, name).toBe(404);
    // the page's data says which series have a thumbnail now, and why not
    const marked = (await server.app.inject({ method: 'GET', url: '/review/api/data', headers: auth })).json();
    expect(marked.series.filter((s: { thumbnail: boolean }) => s.thumbnail).map((s: { series_uid: string }) => s.series_uid)).toEqual([uid]);
    expect(marked.series[1].thumbnail_note).toBe('placeholder: no pixel data');
  });

  it.skipIf(skipWithoutChromium())('works in chromium: asks for the token, shows the kept series and thumbnails, writes a correction', async () => {
    const base = await server.listen({ host: '127.0.0.1', port: 0 });
    const data = (await server.app.inject({ method: 'GET', url: '/review/api/data', headers: auth })).json();
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 2400 } });
      const { elsewhere, problems } = await guardPage(page, (url) => url.startsWith(base));
      await page.goto(`${base}/review/`);
      await page.waitForSelector('#token.shown');
      await page.fill('#token-input', TOKEN);
      await page.press('#token-input', 'Enter');
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.textContent('#count')).toBe(`${data.series.length} of ${data.series.length} series in view`);
      // the thumbnail written above arrives through the token (fetched, not a plain image request)
      await page.waitForFunction(() => [...document.querySelectorAll('img.thumb')].some((image: { naturalWidth: number }) => image.naturalWidth === 8));
      await page.keyboard.press('Enter'); // the first card's label is right
      await page.waitForSelector('body[data-pending="0"]');
      expect(await page.textContent('#progress-text')).toMatch(/^2 of \d+ reviewed/);
      expect(elsewhere).toEqual([]);
      // the token prompt's 401 is the only console error
      expect(problems.filter((problem) => !/401/.test(problem))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
