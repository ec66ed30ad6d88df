// The README's picture of the review page (docs/images/review.png): a synthetic cohort labelled by
// msc-predict --explain with the default model, grey placeholder thumbnails, a few keyboard
// corrections, then Debian's chromium. Run after `pnpm build`: node scripts/review-screenshot.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { readTableAll } from '../packages/tables/dist/index.js';
import { openReview, startReviewServer } from '../packages/review/dist/index.js';
import { greyPng } from '../packages/review/dist/testing.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const output = join(root, 'docs', 'images', 'review.png');
const dir = mkdtempSync(join(tmpdir(), 'msc-review-shot-'));
try {
  const run = (bin, args) => execFileSync(process.execPath, [join(root, bin), ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  run('packages/synth/bin/msc-synth.mjs', ['--out', join(dir, 'cohort'), '--studies', '4', '--seed', '11', '--max-instances-per-series', '1']);
  run('packages/predict/bin/msc-predict.mjs', [join(dir, 'cohort'), '--heuristics', 'prostate_mpmri', '--explain', '-o', join(dir, 'predictions.csv')]);
  const { rows } = await readTableAll(join(dir, 'predictions.csv'));
  mkdirSync(join(dir, 'thumbnails'));
  rows.forEach((row, i) => i % 7 !== 3 && writeFileSync(join(dir, 'thumbnails', `${row.series_uid}.png`), greyPng(96, (i * 41) % 120)));
  const { session } = await openReview({
    predictions: join(dir, 'predictions.csv'),
    thumbnails: join(dir, 'thumbnails'),
    corrections: join(dir, 'corrections.csv'),
    title: 'MSC review: predictions.csv',
  });
  const server = await startReviewServer(session);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 760 }, deviceScaleFactor: 1 });
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]');
    for (const key of ['Enter', '3', 'Enter']) await page.keyboard.press(key);
    await page.waitForSelector('body[data-pending="0"]');
    // eslint-disable-next-line no-undef -- runs in the page
    await page.waitForFunction(() => [...document.querySelectorAll('img.thumb')].every((image) => image.src && image.complete));
    mkdirSync(join(root, 'docs', 'images'), { recursive: true });
    await page.screenshot({ path: output });
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`wrote ${output}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
