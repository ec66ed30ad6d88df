// The committed real header sets (pipelines/real-prostate, pipelines/real-mr): their labels match
// what extract makes of their files, the pixel-data stripping keeps headers byte for byte, and the
// b-value summary evaluate-prostate.mjs reports. No model accuracy is asserted (models change).
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module without types, shared with pipelines/evaluate-prostate.mjs
import * as evaluation from '../real-data/evaluate.mjs';
// @ts-expect-error plain ESM module without types
import { withoutPixelData } from '../real-mr/strip-pixel-data.mjs';

const pipelines = fileURLToPath(new URL('../', import.meta.url));
const SETS = ['real-prostate', 'real-mr'].map((name) => ({
  name,
  tar: join(pipelines, name, 'headers.tar.xz'),
  labels: join(pipelines, name, 'labels.csv'),
}));

interface Label {
  study_uid: string;
  series_uid: string;
  label: string;
  why: string;
  patient: string;
  ambiguous: boolean;
}
interface Instance {
  study_uid: string;
  series_uid: string;
  file: string;
  [column: string]: unknown;
}
const key = (row: { study_uid: string; series_uid: string }) => `${row.study_uid}|${row.series_uid}`;

let work: string;
const extracted = new Map<string, { labels: Label[]; instances: Instance[]; skipped: Map<string, string> }>();

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'msc-header-sets-'));
  for (const set of SETS) {
    const dir = await evaluation.unpackHeaderSet(set.tar, work, set.name);
    const extraction = await evaluation.extractCache(dir, join(dir, 'work'));
    extracted.set(set.name, { labels: evaluation.readHeaderSetLabels(set.labels, set.name), instances: extraction.instances, skipped: extraction.skipped });
  }
}, 120_000);
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the committed real header sets', () => {
  for (const set of SETS) {
    it(`${set.name}: one label per extracted series, each with a class and the header evidence`, () => {
      const { labels, instances } = extracted.get(set.name)!;
      const series = [...new Set(instances.map(key))].sort();
      expect(labels.map(key).sort()).toEqual(series);
      for (const label of labels) {
        expect(evaluation.CLASSES, label.series_uid).toContain(label.label);
        expect(label.why.length, label.series_uid).toBeGreaterThan(10);
      }
    });
  }

  it('real-mr: the Philips presentation state and private objects are skipped, not series', () => {
    const skipped = [...extracted.get('real-mr')!.skipped.keys()].map((file) => file.replace(':', '/')).sort();
    expect(skipped).toEqual(['dcm_qa_philips_dwi/cl/DICOM/PS_0545', 'dcm_qa_philips_dwi/cl/DICOM/XX_0546', 'dcm_qa_philips_dwi/cl/DICOM/XX_0547']);
  });

  it('real-mr: b-values are read from Siemens classic, Siemens Enhanced MR, GE, Philips and Toshiba DWI', () => {
    const { labels, instances } = extracted.get('real-mr')!;
    const seen = evaluation.bvaluesBySeries(instances);
    const final = (patient: string) =>
      [...seen.get(key(labels.find((label) => label.patient === patient)!)).diffusion_bvalue_final].map(Number).sort((a, b) => a - b);
    expect(final('dcm-classifier/anonymized_data/5')).toEqual([0, 1000]);
    expect(final('dcm_qa_xa30/10_DWI_dir80_PA')).toEqual([0, 2500]);
    expect(final('dcm_qa_ge/01_Ax_DWI_TENSOR_R2')).toEqual([0, 1000]);
    expect(final('dcm_qa_philips_dwi/cl')).toContain(1000);
    expect(final('dcm_qa_toshiba/7006_DTI_ortho')).toEqual([1500]);
  });
});

describe('bvaluesBySeries', () => {
  it('collects the distinct read values per column and series, leaving out "-"', () => {
    const rows = [
      { study_uid: 's', series_uid: 'a', diffusion_bvalue_siemens: '0', diffusion_bvalue_final: '0' },
      { study_uid: 's', series_uid: 'a', diffusion_bvalue_siemens: '800', diffusion_bvalue_final: '800' },
      { study_uid: 's', series_uid: 'a', diffusion_bvalue_siemens: '800', diffusion_bvalue_final: '800' },
      { study_uid: 's', series_uid: 'b', diffusion_bvalue_siemens: '-', diffusion_bvalue_final: '-' },
    ];
    const seen = evaluation.bvaluesBySeries(rows);
    expect([...seen.get('s|a').diffusion_bvalue_siemens]).toEqual(['0', '800']);
    expect(seen.get('s|a').diffusion_bvalue_ge.size).toBe(0);
    expect(seen.get('s|b').diffusion_bvalue_final.size).toBe(0);
  });
});

describe('strip-pixel-data', () => {
  it('cuts a file at its Pixel Data element and keeps every byte before it', async () => {
    // A real header (pixel data already removed) with an explicit VR little endian OW Pixel Data appended.
    const dir = await mkdtemp(join(tmpdir(), 'msc-strip-'));
    try {
      await evaluation.unpackHeaderSet(SETS[0]!.tar, dir, 'px');
      const { instances } = extracted.get('real-prostate')!;
      const path = join(dir, 'px', 'files', instances[0]!.file.replace(':', '/'));
      const header = new Uint8Array(await readFile(path));
      expect(withoutPixelData(header)).toBeNull();
      const pixels = new Uint8Array(64).fill(7);
      const element = new Uint8Array([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0, 0, pixels.length, 0, 0, 0]);
      const whole = new Uint8Array([...header, ...element, ...pixels]);
      expect(Buffer.from(withoutPixelData(whole))).toEqual(Buffer.from(header));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
