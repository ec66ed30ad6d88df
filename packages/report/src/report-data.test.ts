import { describe, expect, it } from 'vitest';
import type { Row } from '@msc/core';
import { renderReport } from './html.js';
import { buildReportData, MAX_UIDS_PER_GROUP, presentClassMetrics } from './report-data.js';
import { manyAlikeErrors } from './test-support/alike-errors.js';

const metric = (exclusion: string, fraction: number, split: string, metric: string, value: number, t = '-', p = '-', fold: string | number = '-'): Row => ({
  model: 'gbdt',
  exclusion,
  metric,
  value,
  true: t,
  pred: p,
  set: split === 'cv' ? 'validation' : 'test',
  split,
  fold,
  fraction,
});

describe('buildReportData', () => {
  const metrics: Row[] = [
    metric('standard', 0.1, 'cv', 'macro_f1', 0.9),
    metric('standard', 1, 'cv', 'macro_f1', 0.99),
    metric('standard', 1, 'test_ensemble', 'macro_f1', 0.98),
    metric('series_description', 1, 'cv', 'macro_f1', 0.97),
    metric('standard', 1, 'cv', 'macro_f1', 0.5, '-', '-', 0), // a fold: not a whole model
    metric('standard', 1, 'test_ensemble', 'f1', 0.95, 'T2W'),
    metric('standard', 1, 'test_ensemble', 'support', 20, 'T2W'),
    metric('standard', 1, 'cv', 'f1', 0.9, 'T2W'), // test set scored: CV per-class not shown
    metric('series_description', 1, 'cv', 'f1', 0.8, 'T2W'),
    metric('standard', 1, 'test_ensemble', 'confusion', 19, 'T2W', 'T2W'),
    metric('standard', 1, 'test_ensemble', 'confusion', 1, 'T2W', 'Others'),
    metric('standard', 1, 'test_ensemble', 'confusion', 0, 'Others', 'T2W'),
    metric('standard', 1, 'test_ensemble', 'confusion', 5, 'Others', 'Others'),
  ];

  it('takes learning curves, models, the main model and its confusion from the long metric table', () => {
    const data = buildReportData({ title: 't', metrics }, new Date('2026-01-02'));
    expect(data.generated).toBe('2026-01-02');
    expect(data.main).toEqual({ exclusion: 'standard', percent: 100 });
    expect(data.learning).toHaveLength(4);
    expect(data.learning).toContainEqual({ exclusion: 'standard', percent: 10, split: 'cross-validation', macroF1: 0.9 });
    expect(data.models).toContainEqual({ model: 'gbdt', exclusion: 'standard', percent: 100, cv: 0.99, test: 0.98 });
    expect(data.confusions).toEqual([
      { title: 'test set: standard, 100 % of the training data', classes: ['T2W', 'Others'], cells: expect.any(Array), total: 25, errors: 1 },
    ]);
    expect(data.perClass).toEqual([
      { source: 'standard', class: 'T2W', f1: 0.95, support: 20 },
      { source: 'series_description (cross-validated)', class: 'T2W', f1: 0.8, support: Number.NaN },
    ]);
  });

  it('reads leave-one-group-out folds and averages importance over folds', () => {
    const logo = [
      metric('standard', 1, 'cv', 'macro_f1', 0.91, '-', '-', 'GE'),
      metric('standard', 1, 'cv', 'support', 7, 'T2W', '-', 'GE'),
      metric('standard', 1, 'cv', 'support', 3, 'ADC', '-', 'GE'),
      metric('standard', 1, 'cv', 'macro_f1', 0.95),
    ];
    const importance: Row[] = [
      { model: 'gbdt', exclusion: 'standard', class: 'T2W', value: 0.4, feature: 'a', fold: 'fold0', fraction: 1 },
      { model: 'gbdt', exclusion: 'standard', class: 'ADC', value: 0.2, feature: 'a', fold: 'fold1', fraction: 1 },
      { model: 'gbdt', exclusion: 'standard', class: 'T2W', value: 0.1, feature: 'b', fold: 'fold0', fraction: 1 },
      { model: 'gbdt', exclusion: 'standard', class: 'T2W', value: 9, feature: 'c', fold: 'fold0', fraction: 0.1 }, // not the main fraction
    ];
    const data = buildReportData({ title: 't', metrics, logo: [{ name: 'vendor', rows: logo }], importance });
    expect(data.groups).toEqual([{ grouping: 'leave-one-vendor-out', source: 'standard', group: 'GE', macroF1: 0.91, series: 10 }]);
    expect(data.importance.map((i) => i.feature)).toEqual(['a', 'b']);
    expect(data.importance[0]!.value).toBeCloseTo(0.3, 12); // (0.4 + 0.2) / 2 folds
    expect(data.importance[1]!.value).toBeCloseTo(0.05, 12);
  });

  it('scores evaluation sets: confusion, per class, per vendor, calibration and the errors, most confident first', () => {
    const rows: Row[] = [
      ...Array.from({ length: 8 }, (_, i) => ({
        series_uid: `s${i}`,
        class: 'DWI',
        prediction: 'DWI',
        confidence: 0.95,
        manufacturer: 'SIEMENS',
        series_description: 'ep2d_diff',
      })),
      { series_uid: 'x1', class: 'Others', prediction: 'DWI', confidence: 0.92, manufacturer: 'GE MEDICAL SYSTEMS', series_description: 'Ax EPI' },
      { series_uid: 'x2', class: 'Others', prediction: 'Others', confidence: 0.55, manufacturer: 'GE MEDICAL SYSTEMS', series_description: 'loc' },
      { series_uid: 'x3', class: 'Others', prediction: 'DWI', confidence: 0.6, vendor: 'PHILIPS', series_description: '' },
    ];
    const data = buildReportData({ title: 't', evaluations: [{ name: 'real', rows }] });
    expect(data.evaluations).toEqual([{ name: 'real', series: 11, correct: 9, macroF1: expect.any(Number), ece: expect.any(Number) }]);
    expect(data.confusions[0]).toMatchObject({ title: 'real', classes: ['DWI', 'Others'], total: 11, errors: 2 });
    expect(data.errors.map((e) => [e.series_uid, e.vendor])).toEqual([
      ['x1', 'GE'],
      ['x3', 'PHILIPS'],
    ]);
    // per vendor: macro-F1 over the classes the vendor has (SIEMENS has DWI only: 1, not 1/2)
    expect(data.groups.filter((g) => g.grouping === 'by vendor').map((g) => [g.group, g.series])).toEqual([
      ['GE', 2],
      ['PHILIPS', 1],
      ['SIEMENS', 8],
    ]);
    expect(data.groups.find((g) => g.group === 'GE')!.macroF1).toBeCloseTo(2 / 3, 10); // Others: 1 of 2 right, F1 2/3
    expect(data.groups.find((g) => g.group === 'SIEMENS')!.macroF1).toBe(1);
    expect(data.groups.find((g) => g.group === 'PHILIPS')!.macroF1).toBe(0);
    const bins = data.calibration.map((b) => [b.lo, b.series, b.accuracy]);
    expect(bins).toEqual([
      [0.5, 1, 1],
      [0.6, 1, 0],
      [0.9, 9, 8 / 9],
    ]);
    // ECE: share-weighted |accuracy - confidence|
    const ece = (1 / 11) * Math.abs(1 - 0.55) + (1 / 11) * Math.abs(0 - 0.6) + (9 / 11) * Math.abs(8 / 9 - (8 * 0.95 + 0.92) / 9);
    expect(data.evaluations[0]!.ece).toBeCloseTo(ece, 10);
  });
});

describe('the error table', () => {
  it('groups alike misclassified series: one row per set, classes, description (and series group), with its count', () => {
    const data = buildReportData({ title: 't', evaluations: [{ name: 'held-out', rows: manyAlikeErrors(false) }] });
    expect(data.errorGroups.map((g) => [g.class, g.prediction, g.description, g.series])).toEqual([
      ['ADC', 'DWI', 'ep2d_diff ADC', 2],
      ['Others', 'T2W', '', 70], // '' and '-' are both "no description"
    ]);
    const alike = data.errorGroups[1]!;
    expect(alike.confidence).toEqual({ min: 0.5, max: 0.5 + 69 / 200 });
    expect(alike.vendors).toEqual(['PHILIPS', 'SIEMENS']);
    expect(alike.scanners).toEqual(['Philips Medical Systems', 'SIEMENS']);
    expect(alike.centres).toEqual([]);
    expect(alike.series_uids).toHaveLength(MAX_UIDS_PER_GROUP);
    expect(alike.series_uids[0]).toMatch(/0069$/); // most confident first
    expect(data.errors).toHaveLength(72); // the per-series list stays in the embedded data

    const bySeriesGroup = buildReportData({ title: 't', evaluations: [{ name: 'held-out', rows: manyAlikeErrors(true) }] });
    expect(bySeriesGroup.errorGroups.map((g) => [g.series_group, g.series])).toEqual([
      ['diffusion', 1],
      ['diffusion-derived', 1],
      ['localizer', 70],
    ]);
  });

  it('renders the groups with no empty cells, no "(empty)", and wrapping identifiers', () => {
    const html = renderReport(buildReportData({ title: 't', evaluations: [{ name: 'held-out', rows: manyAlikeErrors(true) }] }));
    const errors = /<table class="errors">(.*?)<\/table>/s.exec(html)![1]!;
    expect(errors.match(/<tr>/g)).toHaveLength(1 + 3); // header + 3 groups
    expect(errors).not.toMatch(/<td[^>]*><\/td>/);
    expect(errors).not.toContain('(empty)');
    expect(errors).toContain('none in the header');
    expect(errors).toContain('and 67 more');
    expect(errors).toContain('<th>series group</th>');
    expect(errors).not.toContain('<th>centre</th>'); // no series has a centre: no column of blanks
    expect(html).toMatch(/table\.errors td \{ overflow-wrap: anywhere; \}/);
    // the evaluation table: no model column when no set names one (it would be blank)
    expect(/<h3>Evaluation sets<\/h3><table class=""><thead><tr>(.*?)<\/tr>/.exec(html)![1]).not.toContain('<th>model</th>');
  });
});

describe('presentClassMetrics', () => {
  it('averages F1 over the true classes only', () => {
    const m = presentClassMetrics(['a', 'a', 'b'], ['a', 'b', 'b']);
    expect(m.perClass.get('a')!.f1).toBeCloseTo(2 / 3, 10);
    expect(m.perClass.get('b')!.f1).toBeCloseTo(2 / 3, 10);
    expect(m.macroF1).toBeCloseTo(2 / 3, 10);
    expect(presentClassMetrics(['a', 'a'], ['a', 'uncertain']).macroF1).toBeCloseTo(2 / 3, 10);
  });
});
