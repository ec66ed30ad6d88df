// The shipped default model on files real scanners wrote (pipelines/real-data): issue 12's target
// (with the prostate_mpmri rules: every diffusion series DWI, no non-diffusion EPI DWI, every
// other labelled series right), and invariance: sweeping a tag that does not decide the class
// (in-plane pixel spacing 0.3–1.2 mm, pixel bandwidth, acquisition matrix) over a real series
// must not change its label. Skipped with the reason printed without the cache; required in CI.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '@msc/core';
import { compileRuleSet, loadRuleSet } from '@msc/heuristics';
import { loadModel, predictSeries, type ModelBundle } from '@msc/predict';
// @ts-expect-error plain ESM module without types, shared with pipelines/evaluate-real.mjs
import { cacheDir, checkCache, readManifest } from '../real-data/cache.mjs';
// @ts-expect-error plain ESM module without types, shared with pipelines/evaluate-real.mjs
import * as evaluation from '../real-data/evaluate.mjs';

const MODEL = fileURLToPath(new URL('../../models/prostate_mpmri.onnx', import.meta.url));
const cache = cacheDir();
const state: { state: string }[] = await checkCache(readManifest(), cache);
const skip = state.some((entry) => entry.state !== 'ok') && process.env.CI !== 'true';
if (skip) console.warn(`default-model tests skipped: the real-scanner set is not cached in ${cache} (run: node pipelines/real-data/fetch.mjs)`);

interface Label {
  study_uid: string;
  series_uid: string;
  label: string;
  family: string;
  ambiguous: boolean;
}
const labels: Label[] = evaluation.readLabels();

let work: string;
let model: ModelBundle;
let seriesRows: Row[];
beforeAll(async () => {
  if (skip) return;
  work = await mkdtemp(join(tmpdir(), 'msc-default-model-'));
  seriesRows = await evaluation.extractSeriesRows(cache, work);
  model = await loadModel(MODEL);
});
afterAll(async () => {
  await model?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe.skipIf(skip)('the default model on real scanners', () => {
  it('with prostate_mpmri: every diffusion series DWI, no non-diffusion EPI DWI, every other labelled series right', async () => {
    const extraction = await evaluation.extractCache(cache, work);
    const predictions = await evaluation.predictTable(extraction.table, { model: MODEL, heuristics: 'prostate_mpmri', out: join(work, 'predictions.jsonl') });
    const results = evaluation.seriesResults(labels, predictions);
    const checks = evaluation.physicsChecks(results);
    expect(checks.diffusion.length).toBeGreaterThan(0);
    expect(checks.diffusionNotDwi).toEqual([]);
    expect(checks.nonDiffusionEpi.length).toBeGreaterThan(0);
    expect(checks.nonDiffusionEpiDwi).toEqual([]);
    const scores = evaluation.scoreResults(results);
    expect(scores.missing).toEqual([]);
    expect(scores.errors.map((error: { key: string; label: string; predicted: string }) => `${error.key}: ${error.label} → ${error.predicted}`)).toEqual([]);
  });

  const SWEEPS: [string, (row: Row, step: number) => Row][] = [
    ['pixel spacing 0.3–1.2 mm', (row, mm) => ({ ...row, pixel_spacing: `${mm} ${mm}` })],
    ['pixel bandwidth 100–2500 Hz', (row, step) => ({ ...row, pixel_bandwidth: String(Math.round(100 + ((step - 0.3) / 0.9) * 2400)) })],
    [
      'acquisition matrix 96–512',
      (row, step) => {
        const n = Math.round(96 + ((step - 0.3) / 0.9) * 416);
        return { ...row, acquisition_matrix: `0 ${n} ${n} 0` };
      },
    ],
  ];
  const STEPS = Array.from({ length: 10 }, (_, i) => Number((0.3 + i * 0.1).toFixed(1)));

  for (const [nuisance, change] of SWEEPS) {
    it(`keeps every clearly labelled real series' label while ${nuisance} sweeps`, async () => {
      const rules = compileRuleSet(await loadRuleSet('prostate_mpmri'));
      const byKey = new Map(seriesRows.map((row) => [`${row.study_uid}|${row.series_uid}`, row]));
      const flips: string[] = [];
      for (const label of labels.filter((l) => !l.ambiguous)) {
        const row = byKey.get(`${label.study_uid}|${label.series_uid}`);
        expect(row, label.series_uid).toBeDefined();
        const swept = STEPS.map((step) => change(row!, step));
        const predictions = await predictSeries(swept, [model], { heuristics: rules });
        const seen = [...new Set(predictions.map((p) => p.prediction_heuristics))];
        if (seen.length !== 1 || seen[0] !== label.label)
          flips.push(`${label.family} ${label.series_uid} (${label.label}): ${predictions.map((p, i) => `${STEPS[i]}→${p.prediction_heuristics}`).join(' ')}`);
      }
      expect(flips).toEqual([]);
    });
  }
});
