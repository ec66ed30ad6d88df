/**
 * Domain randomisation: what does not decide a class varies alike in every class, what decides it
 * is what the labels follow, and the labels agree with the prostate_mpmri rules where they fire.
 */
import { describe, expect, it } from 'vitest';
import { CLASS_LABELS, type ClassLabel } from '@msc/core';
import { planCohort } from './plan.js';
import { ALL_VENDORS, PROFILES, buildProfiles, privateBValueReadByMsc, type VendorData } from './profiles.js';
import { SIEMENS } from './vendors/siemens.js';

const studies = planCohort({ studies: 600, seed: 12, noise: true });
const series = studies.flatMap((study) => study.series.map((s) => ({ ...s, study })));
const byClass = (label: ClassLabel) => series.filter((s) => s.label === label);
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))]!;

describe('nuisance values, alike in every class', () => {
  it('pixel spacing covers 0.3–1.2 mm with the same spread in every class', () => {
    for (const label of CLASS_LABELS) {
      const spacing = byClass(label).map((s) => s.pixelSpacing);
      expect(Math.min(...spacing), label).toBeLessThan(0.35);
      expect(Math.max(...spacing), label).toBeGreaterThan(1.2);
      // Quartiles within 0.1 mm of the pooled ones: no class owns a spacing range.
      for (const q of [0.25, 0.5, 0.75])
        expect(
          Math.abs(
            quantile(spacing, q) -
              quantile(
                series.map((s) => s.pixelSpacing),
                q,
              ),
          ),
          `${label} q${q}`,
        ).toBeLessThan(0.1);
    }
  });

  it('matrices, thickness, phase direction, averages, SAR and field strength vary in every class', () => {
    for (const label of CLASS_LABELS) {
      const of = byClass(label);
      const frequency = of.map((s) => Math.max(...s.acquisitionMatrix));
      expect(Math.min(...frequency), label).toBeLessThanOrEqual(128);
      expect(Math.max(...frequency), label).toBeGreaterThanOrEqual(384);
      expect(Math.max(...of.map((s) => s.matrix)) / Math.min(...of.map((s) => s.matrix)), label).toBeGreaterThan(4);
      expect(new Set(of.map((s) => s.inPlanePhaseEncoding)), label).toEqual(new Set(['ROW', 'COL']));
      expect(new Set(of.map((s) => s.study.fieldStrength)), label).toEqual(new Set(['1.0', '1.5', '3']));
      expect(new Set(of.map((s) => s.numberOfAverages)).size, label).toBeGreaterThan(2);
      expect(
        quantile(
          of.map((s) => s.sar),
          0.9,
        ) -
          quantile(
            of.map((s) => s.sar),
            0.1,
          ),
        label,
      ).toBeGreaterThan(2);
      const twoD = of.filter((s) => s.template.mrAcquisitionType === '2D').map((s) => s.sliceThickness);
      if (twoD.length > 0) expect([Math.min(...twoD) < 2.5, Math.max(...twoD) > 6], label).toEqual([true, true]);
    }
  });

  it('EPI is not a diffusion habit: Others holds EPI series in numbers like DWI, and T2W and DWI have non-EPI readouts', () => {
    const epi = (label: ClassLabel) => byClass(label).filter((s) => s.template.readout === 'epi');
    expect(epi('Others').length).toBeGreaterThan(epi('DWI').length / 2);
    expect(byClass('DWI').some((s) => s.template.readout !== 'epi')).toBe(true);
    expect(byClass('T2W').some((s) => s.template.readout === 'single-shot')).toBe(true);
    // Bandwidth follows the readout, not the class: EPI Others and DWI share one range.
    const bandwidth = (list: { pixelBandwidth: number }[]) => [
      quantile(
        list.map((s) => s.pixelBandwidth),
        0.25,
      ),
      quantile(
        list.map((s) => s.pixelBandwidth),
        0.75,
      ),
    ];
    const [othersLow, othersHigh] = bandwidth(epi('Others'));
    const [dwiLow, dwiHigh] = bandwidth(epi('DWI'));
    expect(Math.abs(othersLow! - dwiLow!)).toBeLessThan(400);
    expect(Math.abs(othersHigh! - dwiHigh!)).toBeLessThan(400);
  });
});

describe('what decides a class', () => {
  it('Others holds non-diffusion EPI: BOLD and DSC with many volumes and no b-value, ASL in label/control pairs, DSC with an agent', () => {
    const kind = (id: string) => series.filter((s) => s.template.id === id);
    for (const id of ['bold', 'asl', 'dsc', 'epi-reference', 'se-epi-fieldmap']) {
      expect(kind(id).length, id).toBeGreaterThan(5);
      expect(
        kind(id).every((s) => s.label === 'Others' && s.template.readout === 'epi' && s.instances.every((instance) => instance.bValue === undefined)),
        id,
      ).toBe(true);
    }
    expect(kind('bold').every((s) => s.numberOfTemporalPositions! >= 8)).toBe(true);
    expect(kind('bold').some((s) => s.study.vendor === 'SIEMENS' && s.template.mosaic && !s.temporalTags)).toBe(true);
    expect(kind('asl').every((s) => s.numberOfTemporalPositions! % 2 === 0)).toBe(true);
    expect(kind('dsc').some((s) => s.contrastAgent !== '')).toBe(true);
    // Look-alikes labelled by sequence-signatures.md.
    for (const id of ['flair', 'pd', 't2star', 'b0-only', 'fa-map', 'eadc', 't1-mprage', 'fieldmap', 'phase-map'])
      expect(
        kind(id).every((s) => s.label === 'Others'),
        id,
      ).toBe(true);
    expect(kind('b0-only').every((s) => s.instances.every((instance) => instance.bValue === 0))).toBe(true);
  });

  it('diffusion series without a b-value MSC reads exist, and each still says what it is', () => {
    const unread = byClass('DWI').filter((s) => !s.standardBValue && !(s.privateBValue && privateBValueReadByMsc(s.study.profile.privateBValue)));
    expect(unread.length).toBeGreaterThan(20);
    // In the sequence name only (Siemens), in another vendor's private block only (Toshiba, Hitachi).
    expect(unread.some((s) => s.sequenceName.includes('{b}'))).toBe(true);
    expect(unread.some((s) => s.privateBValue && ['TOSHIBA', 'HITACHI'].includes(s.study.vendor))).toBe(true);
    const diffusionWords = /diff|dwi|dw|dti|trace|isotropic|b\d/i;
    for (const s of unread) {
      const marked = s.sequenceName.includes('{b}') || s.imageType.some((value) => ['TRACEW', 'CALC_BVALUE'].includes(value));
      expect(marked || diffusionWords.test(s.description), `${s.study.vendor} ${s.template.id} '${s.description}'`).toBe(true);
    }
    // ADC with and without ImageType ADC.
    expect(byClass('ADC').some((s) => !s.imageType.includes('ADC'))).toBe(true);
    expect(byClass('ADC').some((s) => s.imageType.includes('ADC'))).toBe(true);
  });

  it('vendor modules are checked against the schema when loaded', () => {
    expect(() => buildProfiles([{ ...SIEMENS, series: [{ kind: 'no-such-kind', descriptions: ['x'] }] }])).toThrow(/no-such-kind.*a kind of kinds\.ts/s);
    expect(() => buildProfiles([{ ...SIEMENS, bValueTags: { standard: 2, private: 1 } } as VendorData])).toThrow(/bValueTags: probabilities/);
    expect(() => buildProfiles([{ ...SIEMENS, imageType: ['original'] }])).toThrow(/imageType: upper-case CS values/);
    expect(() => buildProfiles([SIEMENS, SIEMENS])).toThrow(/vendor ids repeat/);
    expect(PROFILES.map((profile) => profile.vendor)).toEqual(ALL_VENDORS);
  });
});
