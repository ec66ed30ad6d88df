// Issue 21: a site model from reviewed series, end to end. A small base model is trained here from
// a small cohort recipe (so msc-train --base regenerates its cohort in seconds); a synthetic site
// whose habits no training profile has (msc-synth --vendors SITE) is classified by it; 20 of its
// least confident series are corrected through msc-review's page in Debian's chromium (confidence
// filter lowered until 20 are in view; the digit key of the true class, Enter when the label is
// right); the corrections file the page's server wrote trains the site model, which must fix at
// least half of the errors on the site's other series with no class worse, be refused when it
// costs more than --max-base-drop on the base model's held-out cohort, and be served by msc-serve
// from config-api.yaml. A base model without a recipe (older models) is refused with a hint.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_METADATA } from '@msc/features';
import { openReview, startReviewServer } from '@msc/review';
import { createServer } from '@msc/serve';
import { GENERATOR_VERSION } from '@msc/synth';
import { readTableAll, writeTable } from '@msc/tables';
import { labelledSeriesTable } from '@msc/train/cohort';
import { guardPage, launchChromium } from '../../test-support/browser.js';
import { skipWithoutChromium } from '../../test-support/oracles.js';
// @ts-expect-error plain ESM module without types, shared with the pipeline script
import { siteExperiment, targetMet } from '../site-model.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const trainBin = join(root, 'packages/train/bin/msc-train.mjs');
const CLASSES = ['ADC', 'DCE', 'DWI', 'Others', 'T2W'];

// The page's globals, for the callbacks page.$eval runs there (the tests' type check has no DOM library).
/* eslint-disable @typescript-eslint/no-explicit-any */
type HTMLElement = any;
declare const Event: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

const skip = skipWithoutChromium();
let work: string;
let base: string;
let cacheDir: string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let result: any;

const train = (args: string[]) => spawnSync(process.execPath, [trainBin, ...args], { encoding: 'utf8' });

/** What the reviewer saw on each card it reviewed, in order, and what the page did besides. */
interface PageReview {
  /** The confidence filter set, and the page's count of series in view under it. */
  most: number;
  inView: string;
  cards: { uid: string; label: string; key: string }[];
  elsewhere: string[];
  problems: string[];
}
let pageReview: PageReview;

/** The focused card: its series, the label it shows, and its class buttons ("1 ADC" → key 1 names ADC). */
const focusedCard = (page: Page) =>
  page.$eval('.card.focused', (card: HTMLElement) => ({
    uid: String(card.dataset['uid']),
    label: String(card.querySelector('.label').textContent),
    buttons: [...card.querySelectorAll('.classes button')].map((button: HTMLElement) => String(button.textContent)),
  }));

/**
 * A reviewer at msc-review's page over the site's predictions (in-process server, Debian's
 * chromium): the confidence filter lowered until at least `count` series are in view (the page
 * orders them by study, so unfiltered its first cards would be one study's), then, for each of the
 * first `count` cards, the digit key of the true class, or Enter when the label shown is right. The
 * page's server writes `corrections`.
 */
async function reviewThroughPage({
  predictions,
  corrections,
  count,
  truth,
}: {
  predictions: string;
  corrections: string;
  count: number;
  truth: Map<string, string>;
}) {
  const confidences = (await readTableAll(predictions)).rows.map((row) => Number(row.confidence));
  let percent = 0;
  while (confidences.filter((confidence) => confidence <= percent / 100).length < count) percent += 1;
  const { session } = await openReview({ predictions, corrections, title: 'site review' });
  const server = await startReviewServer(session);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const { elsewhere, problems } = await guardPage(page, (url) => url.startsWith(server.url));
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]');
    const most = (percent / 100).toFixed(2);
    await page.$eval(
      '#filter-confidence',
      (input: HTMLElement, value: string) => {
        input.value = value;
        input.dispatchEvent(new Event('input'));
      },
      most,
    );
    const inView = String(await page.textContent('#count'));
    const cards: PageReview['cards'] = [];
    for (let i = 0; i < count; i++) {
      const card = await focusedCard(page);
      const right = truth.get(card.uid)!;
      const button = card.buttons.find((text) => text.endsWith(` ${right}`));
      expect(button, `${card.uid}: no button for ${right}`).toBeDefined();
      const key = card.label === right ? 'Enter' : button!.split(' ')[0]!;
      await page.keyboard.press(key);
      cards.push({ uid: card.uid, label: card.label, key });
    }
    // every correction sent has been written
    await page.waitForSelector('body[data-pending="0"]');
    pageReview = { most: Number(most), inView, cards, elsewhere, problems };
  } finally {
    await browser.close();
    await server.close();
  }
}

describe.skipIf(skip)("a site model from 20 series reviewed through msc-review's page", () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'msc-site-model-'));
    cacheDir = join(work, 'cache');
    // A small recipe: 20 studies, two files per series, 30 trees per class and fold.
    const cohorts = {
      generator: GENERATOR_VERSION,
      train: { studies: 20, seed: 11, maxInstancesPerSeries: 2 },
      heldOut: { studies: 10, seed: 12, maxInstancesPerSeries: 2 },
    };
    const trainTable = await labelledSeriesTable({ outDir: join(work, 'train'), ...cohorts.train });
    const heldTable = await labelledSeriesTable({ outDir: join(work, 'held'), ...cohorts.heldOut });
    await writeFile(join(work, 'cohort.json'), JSON.stringify(cohorts));
    base = join(work, 'base.onnx');
    const made = train([
      trainTable.path,
      '--test-set',
      heldTable.path,
      '--cohort',
      join(work, 'cohort.json'),
      '-o',
      base,
      '--seed',
      '11',
      '--param',
      'n_estimators=30',
      '--param',
      'colsample_bytree=0.5',
      '--tag-dropout',
      '0.25',
      '--skip-importance',
      // one histogram thread: the other vitest worker has the second core (one and two threads give the same trees)
      '--n-jobs',
      '1',
    ]);
    expect(made.status, made.stderr).toBe(0);
    result = await siteExperiment({
      base,
      work: join(work, 'site'),
      studies: 40,
      seed: 7,
      review: 20,
      reviewer: reviewThroughPage,
      cacheDir,
      maxInstancesPerSeries: 2,
      trainArgs: ['--max-base-drop', '0.05', '--n-jobs', '1'],
    });
  }, 120_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('took its corrections from the page: the first 20 series it showed under a confidence filter, each with its true class', async () => {
    const before = (await readTableAll(join(work, 'site', 'before.csv'))).rows;
    const confidence = new Map(before.map((row) => [String(row.series_uid), Number(row.confidence)]));
    const prediction = new Map(before.map((row) => [String(row.series_uid), String(row.prediction)]));
    const { most, inView, cards, elsewhere, problems } = pageReview;
    const unsure = [...confidence.values()].filter((value) => value <= most).length;
    expect(unsure).toBeGreaterThanOrEqual(20);
    expect(inView).toBe(`${unsure} of ${before.length} series in view`);
    expect(cards).toHaveLength(20);
    expect(new Set(cards.map((card) => card.uid)).size).toBe(20);
    // least confident first, and only series under the filter
    expect(confidence.get(cards[0]!.uid)).toBe(Math.min(...confidence.values()));
    for (const card of cards) expect(confidence.get(card.uid), card.uid).toBeLessThanOrEqual(most);
    // the cards showed the base model's labels, and some were wrong: digits were pressed
    for (const card of cards) expect(card.label, card.uid).toBe(prediction.get(card.uid));
    expect(cards.filter((card) => card.key !== 'Enter').length).toBe(result.reviewedWrong);
    const written = (await readTableAll(join(work, 'site', 'corrections.csv'))).rows;
    expect(written).toHaveLength(20);
    expect(written.map((row) => String(row.series_uid)).sort()).toEqual(cards.map((card) => card.uid).sort());
    for (const row of written) {
      expect(row.class, String(row.series_uid)).toBe(result.site.truth.get(String(row.series_uid)));
      expect(row.previous, String(row.series_uid)).toBe(prediction.get(String(row.series_uid)));
    }
    expect(elsewhere).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('fixes at least half of the errors on the unreviewed series, no class worse', () => {
    expect(result.train.status, result.train.stderr).toBe(0);
    // the site is partly wrong for the base model, and the review found errors to correct
    expect(result.errorsBefore).toBeGreaterThanOrEqual(3);
    expect(result.reviewedWrong).toBeGreaterThan(0);
    expect(result.errorsAfter).toBeLessThanOrEqual(result.errorsBefore / 2);
    for (const c of CLASSES) {
      expect(result.classesAfter[c].errors, c).toBeLessThanOrEqual(result.classesBefore[c].errors);
      expect(result.classesAfter[c].f1, c).toBeGreaterThanOrEqual(result.classesBefore[c].f1 - 1e-9);
    }
    expect(targetMet(result).met).toBe(true);
  });

  it('reports the reviewed series before and after (study-grouped CV) per class, and the base held-out cohort', async () => {
    const summary = result.summary;
    expect(summary.reviewedSeries).toBe(20);
    expect(summary.site.after.correct).toBeGreaterThan(summary.site.before.correct);
    expect(summary.site.before.perClass.map((c: { class: string }) => c.class)).toEqual(CLASSES);
    expect(summary.heldOut.before.series).toBeGreaterThan(50);
    expect(summary.heldOut.drop).toBeLessThanOrEqual(0.05);
    const report = JSON.parse(await readFile(result.siteModel.replace(/\.onnx$/, '.site-report.json'), 'utf8'));
    expect(report.site.after.correct).toBe(summary.site.after.correct);
  });

  it('refuses a site model that costs more than --max-base-drop on the held-out cohort, and writes nothing', async () => {
    // a careless review: every reviewed series given a wrong class, weighted heavily
    const corrections = (await readTableAll(join(work, 'site', 'corrections.csv'))).rows.map((row) => ({
      ...row,
      class: CLASSES[(CLASSES.indexOf(String(row.class)) + 1) % CLASSES.length]!,
    }));
    const wrong = join(work, 'wrong-corrections.csv');
    await writeTable(wrong, ['study_uid', 'series_uid', 'class', 'previous', 'reviewed_at'], corrections);
    const output = join(work, 'refused.onnx');
    const run = train([result.site.path, '--base', base, '--corrections', wrong, '-o', output, '--cache-dir', cacheDir, '--correction-weight', '60']);
    expect(run.status).toBe(4);
    expect(run.stderr).toMatch(
      /error \[E_MODEL\]: the site model loses [0-9.]+ macro-F1 on the base model's held-out cohort .* more than --max-base-drop 0\.01; no model written/,
    );
    expect(run.stderr).toMatch(/hint: /);
    expect(existsSync(output)).toBe(false);
    expect(existsSync(output.replace(/\.onnx$/, '.site-report.json'))).toBe(false);
  });

  /** The base model with its recipe edited (undefined: removed), written as another file. */
  const withRecipe = async (name: string, edit: (recipe: Record<string, unknown>) => Record<string, unknown> | undefined) => {
    const model = onnxProto.onnx.ModelProto.decode(await readFile(base));
    const prop = model.metadataProps.find((p) => p.key === MODEL_METADATA.trainingCohort)!;
    const edited = edit(JSON.parse(prop.value!));
    if (edited) prop.value = JSON.stringify(edited);
    else model.metadataProps = model.metadataProps.filter((p) => p !== prop);
    const path = join(work, name);
    await writeFile(path, onnxProto.onnx.ModelProto.encode(model).finish());
    return path;
  };
  const siteRun = (model: string) =>
    train([result.site.path, '--base', model, '--corrections', join(work, 'site', 'corrections.csv'), '-o', join(work, 'none.onnx'), '--cache-dir', cacheDir]);

  it('refuses a base model that records no training-cohort recipe (older models), and a site model as a base', async () => {
    const older = await withRecipe('older.onnx', () => undefined);
    for (const model of [older, result.siteModel]) {
      const run = siteRun(model);
      expect(run.status).toBe(4);
      expect(run.stderr).toMatch(/error \[E_MODEL\]: .* does not record how its training data was made/);
      expect(run.stderr).toMatch(/hint: retrain the base model/);
    }
  });

  it('refuses a recipe whose cohort regenerates differently from the table the model was trained on', async () => {
    const run = siteRun(await withRecipe('tampered.onnx', (recipe) => ({ ...recipe, trainDigest: '0'.repeat(64) })));
    expect(run.status).toBe(4);
    expect(run.stderr).toMatch(/error \[E_MODEL\]: the training cohort of .* regenerates differently/);
  });

  it('is served by msc-serve when config-api.yaml points model: at it', async () => {
    const dicom = result.site.dicom;
    const configPath = join(work, 'config-api.yaml');
    const config = `models:\n  site:\n    model: ${JSON.stringify(result.siteModel)}\n  base:\n    model: ${JSON.stringify(base)}\nserver:\n  allowed_roots: [${JSON.stringify(dicom)}]\n`;
    await writeFile(configPath, config);
    const server = await createServer({ configPath, env: { MSC_API_TOKEN: 'site-token' }, logger: false });
    const served = async (model: string) => {
      const response = await server.app.inject({
        method: 'POST',
        url: '/predict',
        payload: { model_id: model, dicom_path: dicom },
        headers: { authorization: 'Bearer site-token' },
      });
      expect(response.statusCode, response.body).toBe(200);
      const reply = response.json() as { series_uid: string[]; prediction: string[] };
      return new Map(reply.series_uid.map((uid, i) => [uid, reply.prediction[i]]));
    };
    try {
      const site = await served('site');
      const baseLabels = await served('base');
      // msc-predict with the site model on the same files gives the labels the service serves
      const out = join(work, 'site-folder.csv');
      const predict = spawnSync(process.execPath, [join(root, 'packages/predict/bin/msc-predict.mjs'), dicom, '--model-path', result.siteModel, '-o', out], {
        encoding: 'utf8',
      });
      expect(predict.status, predict.stderr).toBe(0);
      const rows = (await readTableAll(out)).rows;
      expect(site.size).toBe(rows.length);
      for (const row of rows) expect(site.get(String(row.series_uid)), String(row.series_uid)).toBe(row.prediction);
      // and they are the site model's labels, not the base model's
      const changed = [...site].filter(([uid, label]) => baseLabels.get(uid) !== label).length;
      expect(changed).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
