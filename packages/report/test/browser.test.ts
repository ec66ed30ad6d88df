/**
 * The report as people see it: a tiny real grid (msc-train all, 20 studies) and an evaluation
 * joined with labels → msc-report → Debian's chromium (playwright-core, no browser download).
 * Every chart must be drawn with its data, nothing fetched from the network, nothing on the console.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '@msc/core';
import { readTableAll, writeTable } from '@msc/tables';
import { trainAllMain } from '@msc/train';
import { guardPage, launchChromium } from '../../../test-support/browser.js';
import { skipWithoutChromium } from '../../../test-support/oracles.js';
import { seriesRows } from '@msc/train/testing';
import { main } from '../src/cli/main.js';
import { renderReport } from '../src/html.js';
import { buildReportData, type ReportData } from '../src/report-data.js';
import { manyAlikeErrors } from '../src/test-support/alike-errors.js';

let dir: string;
let report: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-report-'));
  const rows = seriesRows(20, 5);
  const table = join(dir, 'series.parquet');
  await writeTable(table, [...new Set(rows.flatMap((row) => Object.keys(row)))], rows);
  const studies = [...new Set(rows.map((row) => String(row['study_uid'])))];
  await writeFile(join(dir, 'centres.json'), JSON.stringify(Object.fromEntries(studies.map((s, i) => [s, `centre ${i % 2 ? 'A' : 'B'}`]))));
  const grid = join(dir, 'grid');
  const io = captureIo();
  const code = await trainAllMain(
    [
      table,
      '-o',
      grid,
      '--fractions',
      '25,50,100',
      '--exclusions',
      'standard,series_description',
      '--param',
      'n_estimators=4',
      '--folds',
      '3',
      '--group-file',
      join(dir, 'centres.json'),
    ],
    io,
  );
  expect(code, io.err()).toBe(0);
  // An evaluation set as msc-predict writes it (no truth), with the truth from a label table.
  const predictions = (await readTableAll(join(grid, 'models', 'gbdt.standard.50.predictions.csv'))).rows;
  await writeTable(join(dir, 'predicted.csv'), ['series_uid', 'prediction', 'confidence'], predictions);
  await writeTable(
    join(dir, 'labels.csv'),
    ['series_uid', 'class', 'description', 'vendor'],
    rows.map((row) => ({ series_uid: row['series_uid']!, class: row['class']!, description: row['series_description']!, vendor: 'TESTVENDOR' })),
  );
  report = join(dir, 'report.html');
  const reportIo = captureIo();
  expect(
    await main(
      [
        '--grid',
        grid,
        '--evaluation',
        `other model=${join(dir, 'predicted.csv')}`,
        '--labels',
        join(dir, 'labels.csv'),
        '--title',
        'Grid report',
        '--note',
        'tiny grid',
        '-o',
        report,
      ],
      reportIo,
    ),
    reportIo.err(),
  ).toBe(0);
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

const embeddedData = (html: string) => JSON.parse(/<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!) as ReportData;

describe('msc-report', () => {
  it('writes one HTML file with the chart libraries inlined and the data embedded', async () => {
    const html = await readFile(report, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // nothing to fetch
    expect(html).toContain('@observablehq/plot v0.6.17');
    const data = embeddedData(html);
    expect(data.title).toBe('Grid report');
    expect(data.models).toHaveLength(6);
    expect(data.evaluations.map((e) => e.name)).toEqual(['test set', 'other model']);
    expect(data.groups.some((g) => g.grouping === 'leave-one-centre-out')).toBe(true);
    expect(data.groups.some((g) => g.grouping === 'by vendor' && g.group === 'TESTVENDOR')).toBe(true);
  });

  it('refuses to write a report of nothing', async () => {
    const io = captureIo();
    expect(await main(['-o', join(dir, 'x.html')], io)).toBe(2);
    expect(io.err()).toMatch(/nothing to report/);
  });

  it.skipIf(skipWithoutChromium())(
    'draws every chart with its data in chromium, offline, with no console errors',
    async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        const { elsewhere: requests, problems } = await guardPage(page, (url) => url.startsWith('file:'));
        await page.goto(pathToFileURL(report).href);
        const figures = await page.$$eval('figure.chart', (all) =>
          all.map((figure) => ({
            chart: figure.getAttribute('data-chart'),
            rendered: figure.getAttribute('data-rendered'),
            svg: figure.querySelectorAll('svg').length,
            cells: figure.querySelectorAll('g[aria-label="cell"] rect').length,
            dots: figure.querySelectorAll('g[aria-label="dot"] circle').length,
            lines: figure.querySelectorAll('g[aria-label="line"] path').length,
            bars: figure.querySelectorAll('g[aria-label="bar"] rect').length,
          })),
        );
        const data = embeddedData(await readFile(report, 'utf8'));
        expect(problems).toEqual([]);
        expect(requests).toEqual([]);
        expect(new Set(figures.map((f) => f.chart))).toEqual(new Set(['learning', 'confusion', 'perClass', 'groups', 'importance', 'calibration']));
        for (const figure of figures) {
          expect(figure.rendered, figure.chart).toBe('true');
          expect(figure.svg, figure.chart).toBeGreaterThan(0);
          expect(figure.cells + figure.dots + figure.lines + figure.bars, figure.chart).toBeGreaterThan(0);
        }
        // every point, cell and bar of the data is drawn
        expect(figures.find((f) => f.chart === 'learning')!.dots).toBe(data.learning.length);
        const confusions = figures.filter((f) => f.chart === 'confusion');
        expect(confusions).toHaveLength(data.confusions.length);
        confusions.forEach((f, i) => expect(f.cells).toBeGreaterThanOrEqual(data.confusions[i]!.classes.length ** 2));
        expect(figures.find((f) => f.chart === 'perClass')!.cells).toBe(data.perClass.length);
        expect(figures.filter((f) => f.chart === 'groups').reduce((sum, f) => sum + f.cells, 0)).toBe(data.groups.length);
        expect(figures.filter((f) => f.chart === 'importance').reduce((sum, f) => sum + f.bars, 0)).toBe(data.importance.length);
        expect(figures.find((f) => f.chart === 'calibration')!.dots).toBe(data.calibration.length);
        expect(await page.$$eval('table.errors tbody tr', (rows) => rows.length)).toBe(data.errorGroups.length);
        await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
      } finally {
        await browser.close();
      }
    },
    60_000,
  );

  it.skipIf(skipWithoutChromium())(
    'keeps the error table inside a narrow page: 64-character UIDs and long descriptions wrap',
    async () => {
      const page_ = join(dir, 'alike-errors.html');
      await writeFile(page_, renderReport(buildReportData({ title: 'alike errors', evaluations: [{ name: 'held-out', rows: manyAlikeErrors(true) }] })));
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
        await page.goto(pathToFileURL(page_).href);
        const layout = await page.$eval('table.errors', (table) => ({
          tableRight: table.getBoundingClientRect().right,
          pageWidth: table.ownerDocument.documentElement.clientWidth,
          overflowingCells: [...table.querySelectorAll('td')].filter((td) => td.scrollWidth > td.clientWidth).length,
          rows: table.querySelectorAll('tbody tr').length,
        }));
        expect(layout.rows).toBe(3);
        expect(layout.overflowingCells).toBe(0);
        expect(layout.tableRight).toBeLessThanOrEqual(layout.pageWidth);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
