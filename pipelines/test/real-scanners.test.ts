// The real-scanner set (pipelines/real-data): files real scanners wrote, fetched into a cache by
// fetch.mjs (scripts/test-deps.mjs runs it before `pnpm test`). This test fetches nothing: without
// the cache the tests that read it are skipped with the reason printed, and fail under CI=true.
// It does not assert the shipped model's accuracy (the model is being retrained); it checks the set,
// extraction, the skipping of non-image objects, and the scoring code the report uses.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module without types, shared with pipelines/evaluate-real.mjs
import { cacheDir, checkCache, fileKey, readManifest } from '../real-data/cache.mjs';
// @ts-expect-error plain ESM module without types, shared with pipelines/evaluate-real.mjs
import * as evaluation from '../real-data/evaluate.mjs';

const MODEL = fileURLToPath(new URL('../../models/prostate_mpmri.onnx', import.meta.url));
const manifest = readManifest();
const labels = evaluation.readLabels();
const skipExpected = evaluation.readSkipExpected();
const cache = cacheDir();
const state: { state: string; source: unknown; file: { kind: string } }[] = await checkCache(manifest, cache);
const notReady = state.filter((entry) => entry.state !== 'ok');
const inCi = process.env.CI === 'true';
const skip = notReady.length > 0 && !inCi;
if (skip) {
  console.warn(
    `real-scanner tests skipped: ${notReady.length} of ${state.length} files missing or changed in ${cache} (run: node pipelines/real-data/fetch.mjs)`,
  );
}

describe('the real-scanner set, as committed', () => {
  it('labels every image file of the manifest once, and lists every other file as one to skip', () => {
    const keys = (kind: (k: string) => boolean) =>
      manifest.sources
        .flatMap((source: { files: { kind: string }[] }) => source.files.filter((file) => kind(file.kind)).map((file) => fileKey(source, file)))
        .sort();
    const labelled = labels.flatMap((label: { files: string[] }) => label.files).sort();
    expect(labelled).toEqual(keys((kind) => kind === 'image'));
    expect(skipExpected.map((row: { file: string }) => row.file).sort()).toEqual(keys((kind) => kind !== 'image'));
  });

  it('gives every series a class, a vendor, a family and the header evidence', () => {
    for (const label of labels) {
      expect(evaluation.CLASSES, label.series_uid).toContain(label.label);
      expect(label.vendor).toMatch(/^[A-Z]+$/);
      expect(label.family).not.toBe('');
      expect(label.why.length).toBeGreaterThan(20);
    }
    expect(new Set(labels.map((label: { series_uid: string }) => label.series_uid)).size).toBe(labels.length);
  });

  it('records a sha256 for every file', () => {
    for (const source of manifest.sources) for (const file of source.files) expect(file.sha256, file.path).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('scoring', () => {
  const result = (label: string, predicted: string, vendor = 'GE', family = 'x', status = 'scored') => ({
    label,
    predicted,
    vendor,
    family,
    status,
    correct: label === predicted,
  });

  it('computes accuracy, per-class F1, per-vendor accuracy and the confusion matrix over scored series only', () => {
    const scores = evaluation.scoreResults([
      result('DWI', 'DWI', 'SIEMENS'),
      result('DWI', 'Others', 'SIEMENS'),
      result('Others', 'DWI', 'GE'),
      result('Others', 'Others', 'GE'),
      result('T2W', 'Others', 'GE', 'x', 'ambiguous'),
    ]);
    expect(scores.series).toBe(4);
    expect(scores.accuracy).toBe(0.5);
    expect(scores.perClass.DWI).toMatchObject({ support: 2, predicted: 2, precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(scores.perClass.T2W).toMatchObject({ support: 0, predicted: 0, f1: null });
    expect(scores.macroF1).toBe(0.5);
    expect(scores.perVendor).toEqual({ SIEMENS: { series: 2, correct: 1, accuracy: 0.5 }, GE: { series: 2, correct: 1, accuracy: 0.5 } });
    expect(scores.confusion.Others.DWI).toBe(1);
    expect(scores.errors).toHaveLength(2);
  });

  it('finds diffusion series not called DWI and non-diffusion EPI called DWI', () => {
    const checks = evaluation.physicsChecks([
      result('DWI', 'DWI', 'SIEMENS', 'diffusion-epi'),
      result('DWI', 'ADC', 'SIEMENS', 'diffusion-epi'),
      result('Others', 'DWI', 'SIEMENS', 'bold-epi'),
      result('Others', 'Others', 'SIEMENS', 'asl-epi'),
      result('Others', 'DWI', 'SIEMENS', 'localizer'),
    ]);
    expect(checks.diffusion).toHaveLength(2);
    expect(checks.diffusionNotDwi.map((r: { predicted: string }) => r.predicted)).toEqual(['ADC']);
    expect(checks.nonDiffusionEpi).toHaveLength(2);
    expect(checks.nonDiffusionEpiDwi.map((r: { family: string }) => r.family)).toEqual(['bold-epi']);
  });
});

it.skipIf(skip)('has every file of the manifest in the cache, with its sha256', () => {
  expect(notReady.map((entry) => `${entry.state}: ${fileKey(entry.source, entry.file)}`)).toEqual([]);
});

describe.skipIf(skip)('on the cached real files', () => {
  let work: string;
  let extraction: { instances: { file: string; study_uid: string; series_uid: string }[]; skipped: Map<string, string>; table: string };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'msc-real-test-'));
    extraction = await evaluation.extractCache(cache, work);
  });
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('extracts every labelled file into the series its label names', () => {
    const seriesOf = new Map(extraction.instances.map((row) => [row.file, `${row.study_uid}|${row.series_uid}`]));
    const wrong = labels.flatMap((label: { files: string[]; study_uid: string; series_uid: string }) =>
      label.files
        .filter((file) => seriesOf.get(file) !== `${label.study_uid}|${label.series_uid}`)
        .map((file) => `${file}: ${seriesOf.get(file) ?? (extraction.skipped.get(file) ? `skipped (${extraction.skipped.get(file)})` : 'absent')}`),
    );
    expect(wrong).toEqual([]);
  });

  // Non-image SOP classes (reports, SEG, waveforms, RT plans…) are skipped by extract's SOP class
  // table; files without SOPClassUID as invalid.
  for (const expected of skipExpected as { file: string; what: string }[]) {
    const name = expected.file.split('/').pop()!;
    it(`skips ${name} (${expected.what}) with a reason`, () => {
      const reason = extraction.skipped.get(expected.file);
      expect(reason, `${expected.file} was not skipped`).toBeTruthy();
      expect(extraction.instances.some((row) => row.file === expected.file)).toBe(false);
    });
  }

  it('returns one scored result per labelled series from the shared evaluation helper', async () => {
    const predictions = await evaluation.predictTable(extraction.table, { model: MODEL, heuristics: 'prostate_mpmri', out: join(work, 'predictions.jsonl') });
    const results = evaluation.seriesResults(labels, predictions);
    const labelled = results.filter((r: { status: string }) => r.status !== 'unlabelled');
    expect(labelled).toHaveLength(labels.length);
    expect(labelled.filter((r: { status: string }) => r.status === 'missing')).toEqual([]);
    for (const r of labelled) {
      expect(evaluation.CLASSES).toContain(r.predicted);
      expect(r.confidence).toBeGreaterThan(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
    }
    const scores = evaluation.scoreResults(results);
    expect(scores.series).toBe(labels.filter((label: { ambiguous: boolean }) => !label.ambiguous).length);
    const confusionTotal = Object.values(scores.confusion as Record<string, Record<string, number>>).reduce(
      (sum, row) => sum + Object.values(row).reduce((a, b) => a + b, 0),
      0,
    );
    expect(confusionTotal).toBe(scores.series);
    expect(scores.correct + scores.errors.length).toBe(scores.series);
    // The physics checks see both diffusion series and the three non-diffusion EPI series of the set.
    const checks = evaluation.physicsChecks(results);
    expect(checks.diffusion).toHaveLength(2);
    expect(checks.nonDiffusionEpi).toHaveLength(3);
  });
});
