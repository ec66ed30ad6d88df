import { describe, expect, it } from 'vitest';
import { classificationMetrics, regressionMetrics } from './classification.js';
import { classificationMetricRows, METRIC_COLUMNS, regressionMetricRows } from './long-table.js';

const ctx = { model: 'gbdt', exclusion: 'series_description', set: 'validation', split: 'cv', fold: 2, fraction: 0.5 };

describe('long metric table', () => {
  it('writes one row per number in the original layout', () => {
    const m = classificationMetrics([0, 0, 1], [0, 1, 1], 2);
    const rows = classificationMetricRows(ctx, m, ['ADC', 'T2W'], [1, 1]);
    for (const row of rows) expect(Object.keys(row)).toEqual([...METRIC_COLUMNS]);
    expect(rows).toHaveLength(2 + 2 * 5 + 4);
    expect(rows.find((r) => r['metric'] === 'recall' && r['true'] === 'ADC')!['value']).toBe(0.5);
    expect(rows.find((r) => r['metric'] === 'confusion' && r['true'] === 'ADC' && r['pred'] === 'T2W')!['value']).toBe(1);
    expect(rows[0]).toMatchObject({ metric: 'accuracy', fold: 2, fraction: 0.5, split: 'cv', exclusion: 'series_description' });
  });

  it('writes RMSE and R² for regression', () => {
    const rows = regressionMetricRows({ ...ctx, fold: '-' }, regressionMetrics([1, 2, 3], [1, 2, 4]));
    expect(rows.map((r) => r['metric'])).toEqual(['rmse', 'r2']);
    expect(rows[1]!['value']).toBeCloseTo(0.5, 12);
  });
});
