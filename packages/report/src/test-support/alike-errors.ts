import type { Row } from '@msc/core';

/** 70 copies of one mistake (no description, 64-character UIDs), 2 of another in two series groups, 1 right. */
export function manyAlikeErrors(withSeriesGroup: boolean): Row[] {
  const uid = (i: number) => `1.3.6.1.4.1.14519.5.2.1.7311.5101.${String(i).padStart(29, '0')}`;
  return [
    ...Array.from({ length: 70 }, (_, i) => ({
      series_uid: uid(i),
      class: 'Others',
      prediction: 'T2W',
      confidence: 0.5 + i / 200,
      series_description: i % 2 ? '' : '-',
      manufacturer: i < 35 ? 'SIEMENS' : 'Philips Medical Systems',
      manufacturer_model_name: '-',
      ...(withSeriesGroup ? { series_group: 'localizer' } : {}),
    })),
    ...[0, 1].map((i) => ({
      series_uid: uid(100 + i),
      class: 'ADC',
      prediction: 'DWI',
      confidence: 0.99,
      series_description: 'ep2d_diff ADC',
      manufacturer: 'SIEMENS',
      ...(withSeriesGroup ? { series_group: i === 0 ? 'diffusion' : 'diffusion-derived' } : {}),
    })),
    { series_uid: uid(200), class: 'T2W', prediction: 'T2W', confidence: 0.9, series_description: 't2_tse_tra', manufacturer: 'SIEMENS' },
  ];
}
