/**
 * The review page as a reviewer uses it, in Debian's chromium (playwright-core): a synthetic cohort
 * labelled by msc-predict --explain, thumbnails, msc-review's server. Nothing may be fetched but
 * from that server; every series gets its card; the keyboard writes exactly the corrections
 * expected; DICOM text holding markup stays text; 10,000 series scroll without long tasks.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '@msc/core';
import { writeTable } from '@msc/tables';
import { manyPredictions } from '@msc/review/testing';
import { guardPage, launchChromium } from '../../../test-support/browser.js';
import { skipWithoutChromium } from '../../../test-support/oracles.js';
import { openReview, startReviewServer, type RunningReview } from '../src/index.js';
import { predictedCohort, steppingClock, type ReviewFixture } from './fixtures.js';

// The callbacks given to page.evaluate run in the page; the tests' type check has no DOM library
// (and a `/// <reference lib="dom" />` would give every test file one), so the page's globals are
// declared here, for this file only.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const requestAnimationFrame: (callback: (time: number) => void) => number;
declare const PerformanceObserver: any;
type HTMLElement = any;
type HTMLImageElement = any;
type HTMLInputElement = any;
/* eslint-enable @typescript-eslint/no-explicit-any */

const HOSTILE_DESCRIPTION = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
const HOSTILE_VENDOR = '<img src=x onerror="window.__pwned=3">';

const skip = skipWithoutChromium();
let dir: string;
let fixture: ReviewFixture;
let browser: Browser;
const servers: RunningReview[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-review-'));
  fixture = await predictedCohort(dir, (rows) => {
    // the least confident series (shown first) carries markup in its description and vendor
    rows[3]!['series_description'] = HOSTILE_DESCRIPTION;
    rows[3]!['manufacturer'] = HOSTILE_VENDOR;
    rows[3]!['confidence'] = 0.001;
  });
  if (!skip) browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => server.close()));
  await rm(dir, { recursive: true, force: true });
});

async function serve(name: string, predictions = fixture.predictions, thumbnails: string | null = fixture.thumbnails) {
  const corrections = join(dir, `${name}.corrections.csv`);
  const { session } = await openReview({ predictions, ...(thumbnails ? { thumbnails } : {}), corrections, title: name, now: steppingClock() });
  const running = await startReviewServer(session);
  servers.push(running);
  return { running, corrections };
}

/** A page that may talk to `origin` only; every other request is aborted and listed. */
async function openPage(url: string, height = 1000): Promise<{ page: Page; elsewhere: string[]; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height } });
  const { elsewhere, problems } = await guardPage(page, (requested) => requested.startsWith(url));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, elsewhere, problems };
}

const cardUids = (page: Page) => page.$$eval('.card', (cards) => cards.map((card) => (card as HTMLElement).dataset['uid']!));
const idle = (page: Page) => page.waitForSelector('body[data-pending="0"]');
const labelOf = (row: Row) => String(row['prediction_heuristics']);

describe.skipIf(skip)('msc-review in chromium', () => {
  it('loads offline, a card per series in view under every filter, thumbnails drawn, placeholders where none', async () => {
    const { running } = await serve('cards');
    const { page, elsewhere, problems } = await openPage(running.url);
    try {
      const total = fixture.rows.length;
      expect(await page.textContent('#count')).toBe(`${total} of ${total} series in view`);
      // scrolled through, every series had its card, once
      // scrolled through, every series had its card: its thumbnail decoded (64 px), or a
      // placeholder saying why there is none
      const seen = new Map<string, { width: number | undefined; placeholder: string | undefined }>();
      for (let y = 0; ; y += 600) {
        await page.$eval('#list', (list, top) => (list.scrollTop = top), y);
        await page.waitForFunction(() =>
          [...document.querySelectorAll('img.thumb')].every((image) => (image as HTMLImageElement).src && (image as HTMLImageElement).complete),
        );
        const cards = await page.$$eval('.card', (nodes) =>
          nodes.map((card) => ({
            uid: (card as HTMLElement).dataset['uid']!,
            width: (card.querySelector('img.thumb') as HTMLImageElement | null)?.naturalWidth,
            placeholder: (card.querySelector('.placeholder') as HTMLElement | null)?.title,
          })),
        );
        for (const { uid, ...thumb } of cards) seen.set(uid, thumb);
        if (await page.$eval('#list', (list) => list.scrollTop + list.clientHeight >= list.scrollHeight)) break;
      }
      expect([...seen.keys()].sort()).toEqual(fixture.rows.map((row) => String(row['series_uid'])).sort());
      for (const [uid, thumb] of seen) {
        const why = fixture.withoutThumbnail.get(uid);
        expect(thumb, uid).toEqual(why ? { width: undefined, placeholder: why } : { width: 64, placeholder: undefined });
      }
      await page.$eval('#list', (list) => (list.scrollTop = 0));

      // each class filter that leaves a screenful: exactly the series of that label
      const fitting = ['ADC', 'DCE', 'DWI', 'Others', 'T2W'].filter((label) => {
        const count = fixture.rows.filter((row) => labelOf(row) === label).length;
        return count > 0 && count <= 8;
      });
      expect(fitting.length).toBeGreaterThanOrEqual(2);
      for (const label of fitting) {
        await page.selectOption('#filter-class', label);
        const expected = fixture.rows.filter((row) => labelOf(row) === label).map((row) => String(row['series_uid']));
        expect((await cardUids(page)).sort(), label).toEqual(expected.sort());
        expect(await page.textContent('#count')).toBe(`${expected.length} of ${total} series in view`);
      }
      await page.selectOption('#filter-class', '');
      // vendor and confidence filters count what the table says
      const vendor = String(fixture.rows[0]!['manufacturer']);
      await page.selectOption('#filter-vendor', vendor);
      expect(await page.textContent('#count')).toBe(`${fixture.rows.filter((row) => row['manufacturer'] === vendor).length} of ${total} series in view`);
      await page.selectOption('#filter-vendor', '');
      await page.$eval('#filter-confidence', (input) => {
        (input as HTMLInputElement).value = '0.9';
        input.dispatchEvent(new Event('input'));
      });
      const unsure = fixture.rows.filter((row) => Number(row['confidence']) <= 0.9).map((row) => String(row['series_uid']));
      expect((await cardUids(page)).sort()).toEqual(unsure.sort());

      expect(elsewhere).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('writes exactly the corrections the keyboard made (relabel, accept, skip, undo), and shows them again on reload', async () => {
    const { running, corrections } = await serve('keyboard');
    const { page, elsewhere, problems } = await openPage(running.url);
    try {
      const order = await page.$$eval('.card', (cards) =>
        cards
          .sort((a, b) => Number((a as HTMLElement).dataset['card']) - Number((b as HTMLElement).dataset['card']))
          .map((card) => (card as HTMLElement).dataset['uid']!),
      );
      const row = (uid: string) => fixture.rows.find((candidate) => candidate['series_uid'] === uid)!;
      // least confident first
      expect(Number(row(order[0]!)['confidence'])).toBe(Math.min(...fixture.rows.map((r) => Number(r['confidence']))));
      const classes = ['ADC', 'DCE', 'DWI', 'Others', 'T2W'];
      await page.keyboard.press('5'); // card 0 → T2W (00:00:00), focus moves to card 1
      await page.keyboard.press('Enter'); // card 1: its label is right (00:00:01)
      await page.keyboard.press('ArrowDown'); // card 2 skipped
      await page.keyboard.press('1'); // card 3 → ADC (00:00:02)
      await page.keyboard.press('u'); // undone: card 3 has no correction, focus back on it
      await page.keyboard.press('2'); // card 3 → DCE (00:00:03)
      await page.keyboard.press('Control+z'); // undone
      await page.keyboard.press('3'); // card 3 → DWI (00:00:04)
      await idle(page);
      const line = (uid: string, label: string, second: number) =>
        `${String(row(uid)['study_uid'])},${uid},${label},${labelOf(row(uid))},2026-01-01T00:00:0${second}.000Z`;
      const expected = [
        'study_uid,series_uid,class,previous,reviewed_at',
        line(order[0]!, classes[4]!, 0),
        line(order[1]!, labelOf(row(order[1]!)), 1),
        line(order[3]!, classes[2]!, 4),
        '',
      ].join('\n');
      expect(await readFile(corrections, 'utf8')).toBe(expected);

      const relabelled = [labelOf(row(order[0]!)) !== 'T2W', labelOf(row(order[3]!)) !== 'DWI'].filter(Boolean).length;
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.textContent('#progress-text')).toBe(`3 of ${fixture.rows.length} reviewed, ${relabelled} relabelled`);
      await page.selectOption('#filter-reviewed', 'yes');
      expect((await cardUids(page)).sort()).toEqual([order[0]!, order[1]!, order[3]!].sort());
      expect(await page.$$eval('.card.reviewed', (cards) => cards.length)).toBe(3);
      expect(elsewhere).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('shows a description and a vendor holding markup as text: no script runs, no element is made', async () => {
    const { running } = await serve('hostile');
    const { page, problems } = await openPage(running.url);
    try {
      const card = await page.$eval('.card[data-card="0"]', (node) => ({
        description: node.querySelector('.desc')!.textContent,
        meta: node.querySelector('.meta')!.textContent,
        images: [...node.querySelectorAll('img')].map((image) => image.className),
        scripts: node.querySelectorAll('script').length,
      }));
      expect(card.description).toContain(HOSTILE_DESCRIPTION);
      expect(card.meta).toContain(HOSTILE_VENDOR);
      expect(card.images).toEqual(['thumb']);
      expect(card.scripts).toBe(0);
      expect(await page.$$eval('#filter-vendor option', (options) => options.map((option) => option.textContent))).toContain(HOSTILE_VENDOR);
      expect(await page.$$eval('img[src="x"]', (nodes) => nodes.length)).toBe(0);
      expect(await page.$$eval('script', (nodes) => nodes.length)).toBe(1); // the page's own
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('scrolls 10,000 series with only the visible cards in the page and no long task over 100 ms', async () => {
    const rows = manyPredictions(fixture.rows, 10_000);
    const predictions = join(dir, 'many.csv');
    await writeTable(predictions, fixture.columns, rows);
    // no thumbnails: the fast scroll requests none (they load once scrolling pauses)
    const { running } = await serve('many', predictions, null);
    const { page, elsewhere, problems } = await openPage(running.url, 900);
    try {
      expect(await page.textContent('#count')).toBe('10000 of 10000 series in view');
      // Scrolled from top to bottom, ten screens a frame (a hard flick: a new set of cards every
      // frame), with PerformanceObserver('longtask') watching. A long task's duration is wall time:
      // on a shared machine the renderer can wait for a core in the middle of a 10 ms task. So the
      // scroll is also traced, and each long task over 100 ms is looked up there: it counts
      // against the page when its thread spent over 100 ms of CPU in it (measured here with the
      // load at 14 on 2 cores: a 112 ms long task had used 8 ms of CPU).
      await browser.startTracing(page, { categories: ['toplevel', 'disabled-by-default-devtools.timeline', 'devtools.timeline'] });
      const scrolled = await page.evaluate(async () => {
        console.timeStamp('msc-scroll'); // the trace's clock at `start`
        const start = performance.now();
        const longTasks: { start: number; duration: number }[] = [];
        const observer = new PerformanceObserver((entries: { getEntries(): { startTime: number; duration: number }[] }) =>
          entries.getEntries().forEach((entry) => longTasks.push({ start: entry.startTime, duration: entry.duration })),
        );
        observer.observe({ type: 'longtask', buffered: false });
        const list = document.getElementById('list')!;
        const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
        let mostCards = 0;
        let steps = 0;
        while (list.scrollTop + list.clientHeight < list.scrollHeight) {
          list.scrollTop += 10_000;
          await frame();
          mostCards = Math.max(mostCards, document.querySelectorAll('.card').length);
          steps += 1;
        }
        await frame();
        await new Promise((resolve) => setTimeout(resolve, 100)); // the observer reports after the task
        observer.disconnect();
        const shown = [...document.querySelectorAll('.card')].map((card: HTMLElement) => Number(card.dataset['card']));
        return { start, longTasks, mostCards, steps, lastCard: Math.max(...shown) };
      });
      const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as {
        traceEvents: { name: string; ph: string; ts: number; dur?: number; tdur?: number; pid: number; tid: number }[];
      };
      expect(scrolled.lastCard).toBe(9_999);
      expect(scrolled.steps).toBeGreaterThan(100);
      expect(scrolled.mostCards).toBeLessThan(40);
      const stamp = trace.traceEvents.find((event) => event.name === 'TimeStamp')!;
      const mainTasks = trace.traceEvents.filter((event) => event.name === 'RunTask' && event.ph === 'X' && event.pid === stamp.pid && event.tid === stamp.tid);
      const longOnCpu = scrolled.longTasks
        .filter((task) => task.duration > 100)
        .map((task) => {
          const at = stamp.ts + (task.start - scrolled.start) * 1000; // µs on the trace's clock
          const traced = mainTasks.find((event) => event.ts <= at + 2000 && event.ts + event.dur! >= at + task.duration * 1000 - 2000);
          return { wallMs: Math.round(task.duration), cpuMs: traced ? Math.round(traced.tdur! / 1000) : undefined };
        });
      expect(
        longOnCpu.filter((task) => task.cpuMs === undefined || task.cpuMs > 100),
        `long tasks over 100 ms (wall, CPU): ${JSON.stringify(longOnCpu)}`,
      ).toEqual([]);
      expect(elsewhere).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
