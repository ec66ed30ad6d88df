#!/usr/bin/env node
// The review page with 10,000 series: a synthetic cohort (4 studies) labelled by msc-predict
// --explain, grown to 10,000 series (manyPredictions), msc-review's server, Debian's chromium.
// Scrolls top to bottom BENCH_STEP px (default 10,000) per step and reports, per step, the page's
// script time (its scroll handler, run synchronously), style and layout (a forced layout) and the
// whole frame, medians and 90th percentiles; and the cards in the page. Print `uptime` beside it:
// on a shared machine the frame figures carry the load, the script and layout ones less so.
//   pnpm build && node bench/run.mjs review
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { readTableAll, writeTable } from '@msc/tables';
import { openReview, startReviewServer } from '@msc/review';
import { manyPredictions } from '@msc/review/testing';

const root = fileURLToPath(new URL('../..', import.meta.url));
const STEP = Number(process.env.BENCH_STEP ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'msc-bench-review-'));
try {
  const run = (bin, args) => execFileSync(process.execPath, [join(root, bin), ...args], { stdio: ['ignore', 'ignore', 'ignore'] });
  run('packages/synth/bin/msc-synth.mjs', ['--out', join(dir, 'cohort'), '--studies', '4', '--seed', '5', '--max-instances-per-series', '1']);
  run('packages/predict/bin/msc-predict.mjs', [join(dir, 'cohort'), '--explain', '-o', join(dir, 'predicted.csv')]);
  const table = await readTableAll(join(dir, 'predicted.csv'));
  await writeTable(join(dir, 'many.csv'), table.columns, manyPredictions(table.rows, 10_000));
  const { session } = await openReview({ predictions: join(dir, 'many.csv'), corrections: join(dir, 'corrections.csv') });
  const server = await startReviewServer(session);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const loadStart = Date.now();
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]');
    const loadMs = Date.now() - loadStart;
    /* eslint-disable no-undef -- runs in the page */
    const figures = await page.evaluate(async (step) => {
      const list = document.getElementById('list');
      const script = [];
      const layout = [];
      const frames = [];
      let mostCards = 0;
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      while (list.scrollTop + list.clientHeight < list.scrollHeight) {
        const t0 = performance.now();
        list.scrollTop += step;
        list.dispatchEvent(new Event('scroll')); // the page's handler, now
        const t1 = performance.now();
        document.body.getBoundingClientRect(); // style and layout, now
        const t2 = performance.now();
        await frame();
        frames.push(performance.now() - t0);
        script.push(t1 - t0);
        layout.push(t2 - t1);
        mostCards = Math.max(mostCards, document.querySelectorAll('.card').length);
      }
      const summary = (values) => {
        const sorted = [...values].sort((a, b) => a - b);
        return { median: +sorted[sorted.length >> 1].toFixed(1), p90: +sorted[Math.floor(sorted.length * 0.9)].toFixed(1) };
      };
      return { steps: frames.length, scriptMs: summary(script), layoutMs: summary(layout), frameMs: summary(frames), mostCards };
    }, STEP);
    /* eslint-enable no-undef */
    console.log(JSON.stringify({ series: 10_000, stepPx: STEP, loadMs, ...figures, loadAverage: +loadavg()[0].toFixed(1) }));
  } finally {
    await browser.close();
    await server.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
