// Issue 18: no class may hang on one tag. A held-out synthetic cohort of every vendor profile,
// each column the model reads blanked in turn (pipelines/ablation.mjs): no column may cost more
// than 1 point of accuracy or half of a class's recall. Runs against the shipped model
// (MSC_ABLATION_MODEL names another, e.g. a candidate); the model shipped before issue 18 fails
// it (temporal_resolution −17.5 points, every DCE series lost) until it is retrained with the
// evidence features and tag dropout.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '@msc/core';
import { loadModel, type ModelBundle } from '@msc/predict';
// @ts-expect-error plain ESM module without types, shared with the ablation report
import { ABLATION_LIMITS, ablationCohort, columnAblation, formatAblation, secondsExportAccuracy } from '../ablation.mjs';

const MODEL = process.env.MSC_ABLATION_MODEL ?? fileURLToPath(new URL('../../models/prostate_mpmri.onnx', import.meta.url));

interface ColumnResult {
  column: string;
  delta: number;
  worstClass: string;
  worstRecallDrop: number;
  failed: boolean;
}

let work: string;
let model: ModelBundle;
let rows: Row[];
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'msc-ablation-'));
  rows = await ablationCohort({ work });
  model = await loadModel(MODEL);
});
afterAll(async () => {
  await model?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the default model without any one tag', () => {
  it('loses at most 1 point of accuracy and no class wholesale when any one column is blank', async () => {
    const classes = new Set(rows.map((row) => row['class']));
    expect([...classes].sort()).toEqual(['ADC', 'DCE', 'DWI', 'Others', 'T2W']);
    const result = await columnAblation(model, rows);
    expect(result.accuracy).toBeGreaterThan(0.97);
    // blanking a column the model reads must be possible: the cohort fills these
    const columns = result.columns.map((entry: ColumnResult) => entry.column);
    expect(columns).toEqual(expect.arrayContaining(['temporal_resolution', 'image_type', 'echo_time']));
    const failures = result.columns
      .filter((entry: ColumnResult) => entry.failed)
      .map(
        (entry: ColumnResult) =>
          `${entry.column}: ${(100 * entry.delta).toFixed(2)} points, ${entry.worstClass} recall −${(100 * entry.worstRecallDrop).toFixed(1)}`,
      );
    expect(failures, `limits ${JSON.stringify(ABLATION_LIMITS)}\n${formatAblation(result, { top: 12 })}`).toEqual([]);
  });

  it('keeps its accuracy when an export writes temporal resolution, TE or TR in seconds', async () => {
    const variants: { variant: string; delta: number }[] = await secondsExportAccuracy(model, rows);
    expect(variants.map((entry) => entry.variant)).toHaveLength(2);
    const losses = variants
      .filter((entry) => -entry.delta > ABLATION_LIMITS.maxAccuracyDrop)
      .map((entry) => `${entry.variant}: ${(100 * entry.delta).toFixed(2)} points`);
    expect(losses).toEqual([]);
  });
});
