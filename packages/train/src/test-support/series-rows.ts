/**
 * Small labelled series tables for end-to-end tests of the trainer, shaped like MSC series rows
 * (descriptions, image types, b-values, timing). Not a cohort generator: @msc/synth is.
 */
import { Random, type Row } from '@msc/core';

const TEMPLATES: Record<string, { desc: string[]; imageType: string[]; te: [number, number]; tr: [number, number]; bvals: string[] }> = {
  T2W: {
    desc: ['t2_tse_tra', 'T2 TSE AX', 't2_tse_tra_p2', 'Ax T2 FRFSE'],
    imageType: ['ORIGINAL PRIMARY M ND NORM'],
    te: [90, 120],
    tr: [3000, 6000],
    bvals: ['-'],
  },
  DWI: {
    desc: ['ep2d_diff_b50_800', 'DWI b1400', 'Ax DWI'],
    imageType: ['ORIGINAL PRIMARY DIFFUSION NONE', 'DERIVED PRIMARY DIFFUSION TRACEW'],
    te: [60, 90],
    tr: [3000, 5000],
    bvals: ['50 400 800', '1400', '0 1000'],
  },
  ADC: {
    desc: ['ep2d_diff_b50_800_ADC', 'ADC map', 'Apparent Diffusion Coefficient (mm2/s)'],
    imageType: ['DERIVED PRIMARY DIFFUSION ADC', 'DERIVED SECONDARY ADC'],
    te: [60, 90],
    tr: [3000, 5000],
    bvals: ['-'],
  },
  DCE: { desc: ['t1_vibe_dyn', 'DCE 3D', 'Dynamic T1'], imageType: ['ORIGINAL PRIMARY M ND'], te: [1, 3], tr: [3, 6], bvals: ['-'] },
  Others: {
    desc: ['localizer', 't2_tse_sag', 't1_tse_tra', 'calibration'],
    imageType: ['ORIGINAL PRIMARY M ND', 'DERIVED PRIMARY MPR'],
    te: [2, 20],
    tr: [8, 600],
    bvals: ['-'],
  },
};

export function seriesRows(nStudies: number, seed: number): Row[] {
  const rnd = new Random(seed);
  const pick = <T>(items: readonly T[]): T => items[rnd.int(items.length)]!;
  const rows: Row[] = [];
  for (let s = 0; s < nStudies; s++) {
    const vendor = pick(['SIEMENS', 'GE MEDICAL SYSTEMS', 'Philips']);
    for (const cls of Object.keys(TEMPLATES)) {
      const t = TEMPLATES[cls]!;
      rows.push({
        study_uid: `1.2.${seed}.${s}`,
        series_uid: `1.2.${seed}.${s}.${cls}`,
        class: cls,
        series_description: pick(t.desc),
        image_type: pick(t.imageType),
        manufacturer: vendor,
        diffusion_bvalue: pick(t.bvals),
        echo_time: (t.te[0] + rnd.next() * (t.te[1] - t.te[0])).toFixed(2),
        repetition_time: (t.tr[0] + rnd.next() * (t.tr[1] - t.tr[0])).toFixed(1),
        number_of_images: 20 + rnd.int(60),
        pixel_spacing: rnd.next() < 0.1 ? '-' : `${(0.5 + rnd.next()).toFixed(3)} ${(0.5 + rnd.next()).toFixed(3)}`,
      });
    }
  }
  return rows;
}
