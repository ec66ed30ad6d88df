// The shipped default model on the two real ProstateX exams committed in pipelines/real-prostate
// (issue 18): every series labelled right, by the model alone and with the prostate_mpmri rules,
// and every diffusion series with its b-values read (the Siemens private b-value there is stored
// with VR OB). The series groups join each diffusion trace with its ADC and calculated-b series.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module without types, shared with pipelines/evaluate-prostate.mjs
import * as evaluation from '../real-data/evaluate.mjs';

const pipelines = fileURLToPath(new URL('../', import.meta.url));
const MODEL = fileURLToPath(new URL('../../models/prostate_mpmri.onnx', import.meta.url));

interface Label {
  study_uid: string;
  series_uid: string;
  label: string;
  description: string;
}
interface Prediction {
  study_uid: string;
  series_uid: string;
  prediction: string;
  prediction_heuristics: string;
  series_group: string;
}
const key = (row: { study_uid: string; series_uid: string }) => `${row.study_uid}|${row.series_uid}`;

let work: string;
let labels: Label[];
let instances: Record<string, unknown>[];
let table: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'msc-real-prostate-'));
  const dir = await evaluation.unpackHeaderSet(join(pipelines, 'real-prostate', 'headers.tar.xz'), work, 'real-prostate');
  const extraction = await evaluation.extractCache(dir, join(dir, 'work'));
  instances = extraction.instances;
  table = extraction.table;
  labels = evaluation.readHeaderSetLabels(join(pipelines, 'real-prostate', 'labels.csv'), 'real-prostate');
}, 120_000);
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function predictions(heuristics?: string): Promise<Map<string, Prediction>> {
  const rows: Prediction[] = await evaluation.predictTable(table, { model: MODEL, heuristics, out: join(work, `predictions-${heuristics ?? 'model'}.jsonl`) });
  return new Map(rows.map((row) => [key(row), row]));
}

describe('the default model on real ProstateX exams', () => {
  it('labels every series right, by the model alone and with the prostate_mpmri rules', async () => {
    for (const heuristics of [undefined, 'prostate_mpmri']) {
      const predicted = await predictions(heuristics);
      expect(predicted.size).toBe(labels.length);
      const wrong = labels
        .map((label) => ({ label, prediction: predicted.get(key(label))! }))
        .filter(({ label, prediction }) => prediction.prediction_heuristics !== label.label)
        .map(({ label, prediction }) => `${label.description}: ${label.label} → ${prediction.prediction_heuristics}`);
      expect(wrong, heuristics ?? 'model alone').toEqual([]);
    }
  });

  it('reads a b-value for every diffusion series (VR OB private tags, CSA, sequence names)', () => {
    const seen = evaluation.bvaluesBySeries(instances) as Map<string, Record<string, Set<string>>>;
    const diffusion = labels.filter((label) => label.label === 'DWI');
    expect(diffusion.length).toBeGreaterThan(0);
    for (const label of diffusion) {
      const values = seen.get(key(label))!;
      expect([...values.diffusion_bvalue_siemens!].length, `${label.description}: diffusion_bvalue_siemens`).toBeGreaterThan(0);
    }
  });

  it('groups each diffusion trace with its ADC and calculated-b series, and nothing else', async () => {
    const predicted = await predictions();
    for (const study of new Set(labels.map((label) => label.study_uid))) {
      const diffusion = labels.filter((label) => label.study_uid === study && /^(DWI|ADC)$/.test(label.label));
      const groups = new Set(diffusion.map((label) => predicted.get(key(label))!.series_group));
      expect(groups.size, study).toBe(1);
      const others = labels.filter((label) => label.study_uid === study && !/^(DWI|ADC)$/.test(label.label));
      for (const label of others) expect(groups.has(predicted.get(key(label))!.series_group), label.description).toBe(false);
    }
  });
});
