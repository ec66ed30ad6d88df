import { readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { describe, expect, it } from 'vitest';
import { CLASS_LABELS } from '@msc/core';
import { generateCohort } from './cohort.js';
import { MR_IMAGE_STORAGE } from './dataset.js';
import { capInstances, cohortProfiles, planCohort } from './plan.js';
import { DEFAULT_VENDORS, HELD_OUT_VENDORS, PROFILES } from './profiles.js';

interface Element {
  vr: string;
  Value?: unknown[];
}
const { DicomMessage } = (dcmjs as unknown as { data: { DicomMessage: { readFile(buffer: ArrayBuffer): { dict: Record<string, Element> } } } }).data;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : name === 'labels.csv' ? [] : [path];
  });
}

describe('held-out profiles', () => {
  const training = PROFILES.filter((profile) => !profile.heldOut);
  const heldOut = PROFILES.filter((profile) => profile.heldOut);

  it('are profiles of their own, outside the default mix', () => {
    expect(HELD_OUT_VENDORS).toEqual(['CANON', 'UIH']);
    expect(DEFAULT_VENDORS).toEqual(['SIEMENS', 'GE', 'PHILIPS', 'TOSHIBA', 'HITACHI']);
    expect(cohortProfiles().map((profile) => profile.vendor)).toEqual(DEFAULT_VENDORS);
    // Nothing of their naming or scanner identity is shared with the training profiles.
    const trainingDescriptions = new Set(training.flatMap((profile) => profile.series.flatMap((template) => template.descriptions)));
    const trainingModels = new Set(training.flatMap((profile) => Object.values(profile.models).flat()));
    for (const held of heldOut) {
      for (const profile of training) expect(profile.manufacturer, held.vendor).not.toBe(held.manufacturer);
      for (const model of Object.values(held.models).flat()) expect(trainingModels.has(model), `${held.vendor} ${model}`).toBe(false);
      for (const template of held.series)
        for (const description of template.descriptions)
          if (description !== '') expect(trainingDescriptions.has(description), `${held.vendor} ${description}`).toBe(false);
    }
  });

  it('are never drawn by the default mix, whatever the seed', () => {
    for (const seed of [1, 2, 3, 2026]) {
      const studies = planCohort({ studies: 40, seed, noise: true });
      expect(new Set(studies.map((study) => study.vendor))).toEqual(new Set(DEFAULT_VENDORS));
      expect(studies.some((study) => study.profile.heldOut)).toBe(false);
    }
  });

  it('are drawn when named, alone or mixed, with every class and non-diffusion EPI among Others', () => {
    for (const vendor of HELD_OUT_VENDORS) {
      const alone = planCohort({ studies: 30, seed: 5, noise: true, vendors: [vendor] });
      expect(alone.every((study) => study.vendor === vendor)).toBe(true);
      const series = alone.flatMap((study) => study.series);
      expect(new Set(series.map((s) => s.label)), vendor).toEqual(new Set(CLASS_LABELS));
      expect(
        series.some((s) => s.label === 'Others' && s.template.readout === 'epi' && !s.template.bValues),
        vendor,
      ).toBe(true);
    }
    const mixed = planCohort({ studies: 8, seed: 5, noise: true, vendors: ['GE', 'CANON'] });
    expect(mixed.map((study) => study.vendor)).toEqual(['GE', 'CANON', 'GE', 'CANON', 'GE', 'CANON', 'GE', 'CANON']);
    expect(() => planCohort({ studies: 1, seed: 1, noise: true, vendors: [] })).toThrow(/no vendor profile/);
  });

  it('writes Canon files: no private b-values, none on b = 0 images, some DWI series without any', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-synth-canon-'));
    // the cap keeps one instance per b-value first: the b = 0 images are still written
    const cohort = await generateCohort({ outDir: dir, studies: 8, seed: 11, vendors: ['CANON'], maxInstancesPerSeries: 8 });
    expect(cohort.labels.every((label) => label.vendor === 'CANON')).toBe(true);
    const bValuesBySeries = new Map<string, number>();
    let zeroImages = 0;
    for (const path of filesUnder(dir)) {
      const bytes = readFileSync(path);
      const { dict } = DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      if (dict['00080016']?.Value?.[0] !== MR_IMAGE_STORAGE) continue;
      expect(dict['00080070']?.Value?.[0]).toBe('CANON_MEC');
      for (const tag of ['0019100C', '00431039', '20011003', '00190010', '00430010', '20010010']) expect(dict[tag], tag).toBeUndefined();
      const b = dict['00189087']?.Value?.[0];
      if (b === 0) zeroImages += 1;
      const series = String(dict['0020000E']?.Value?.[0]);
      if (b !== undefined) bValuesBySeries.set(series, (bValuesBySeries.get(series) ?? 0) + 1);
    }
    expect(zeroImages).toBe(0);
    const dwi = cohort.labels.filter((label) => label.class === 'DWI');
    expect(dwi.some((label) => bValuesBySeries.has(label.series_uid))).toBe(true);
    expect(dwi.some((label) => !bValuesBySeries.has(label.series_uid))).toBe(true);
  });
});

describe('maxInstancesPerSeries', () => {
  it('keeps one instance of every b-value and phase while the cap allows, in order', () => {
    const dwi = Array.from({ length: 12 }, (_, i) => ({ slice: Math.floor(i / 3), bValue: [50, 400, 800][i % 3]! }));
    const capped = capInstances(dwi, 4);
    expect(capped).toHaveLength(4);
    expect(new Set(capped.map((instance) => instance.bValue))).toEqual(new Set([50, 400, 800]));
    expect(capped.map((instance) => dwi.indexOf(instance))).toEqual([...capped.map((instance) => dwi.indexOf(instance))].sort((a, b) => a - b));
    const dce = Array.from({ length: 40 }, (_, i) => ({ slice: i % 8, phase: 1 + Math.floor(i / 8) }));
    expect(new Set(capInstances(dce, 6).map((instance) => instance.phase)).size).toBe(5);
    expect(capInstances(dce, 100)).toBe(dce);
  });

  it('writes fewer files with the same series and labels, and keeps the planned count', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-synth-cap-'));
    const full = await generateCohort({ outDir: join(dir, 'full'), studies: 3, seed: 4 });
    const capped = await generateCohort({ outDir: join(dir, 'capped'), studies: 3, seed: 4, maxInstancesPerSeries: 5 });
    expect(capped.labels.map((label) => [label.series_uid, label.class, label.description])).toEqual(
      full.labels.map((label) => [label.series_uid, label.class, label.description]),
    );
    expect(capped.labels.map((label) => label.planned_instances)).toEqual(full.labels.map((label) => label.instances));
    expect(capped.labels.every((label) => label.instances <= 5)).toBe(true);
    expect(capped.instances).toBeLessThan(full.instances / 3);
  });
});
