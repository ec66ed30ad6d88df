/**
 * Metrics as the original's long table (docs/behaviour.md §6): one row per number, columns
 * model, exclusion, metric, value, true, pred, set, split, fold, fraction. The CLI writes these
 * rows with core's table writers (CSV, TSV, parquet).
 */
import type { Row } from '@msc/core';
import type { ClassificationMetrics, RegressionMetrics } from './classification.js';

export const METRIC_COLUMNS = ['model', 'exclusion', 'metric', 'value', 'true', 'pred', 'set', 'split', 'fold', 'fraction'] as const;

export interface MetricContext {
  model: string;
  /** Excluded columns joined by `:`, or `standard`. */
  exclusion: string;
  /** `validation` or `test`. */
  set: string;
  /** `cv`, `test`, `test_consensus` or `test_ensemble`. */
  split: string;
  /** Fold index (the held-out group's name for leave-one-group-out), or `-` for whole-model rows. */
  fold: number | string;
  /** Training fraction (1 = all rows). */
  fraction: number;
}

export function classificationMetricRows(ctx: MetricContext, m: ClassificationMetrics, classNames: readonly string[], aucOvr?: readonly number[]): Row[] {
  const rows: Row[] = [];
  const add = (metric: string, value: number, t = '-', p = '-') =>
    rows.push({
      model: ctx.model,
      exclusion: ctx.exclusion,
      metric,
      value,
      true: t,
      pred: p,
      set: ctx.set,
      split: ctx.split,
      fold: ctx.fold,
      fraction: ctx.fraction,
    });
  add('accuracy', m.accuracy);
  add('macro_f1', m.macroF1);
  m.perClass.forEach((c, i) => {
    const name = classNames[i] ?? String(i);
    add('precision', c.precision, name);
    add('recall', c.recall, name);
    add('f1', c.f1, name);
    add('support', c.support, name);
    if (aucOvr && Number.isFinite(aucOvr[i])) add('auc_ovr', aucOvr[i]!, name);
  });
  m.confusion.forEach((row, t) => row.forEach((count, p) => add('confusion', count, classNames[t] ?? String(t), classNames[p] ?? String(p))));
  return rows;
}

export function regressionMetricRows(ctx: MetricContext, m: RegressionMetrics): Row[] {
  return (['rmse', 'r2'] as const).map((metric) => ({
    model: ctx.model,
    exclusion: ctx.exclusion,
    metric,
    value: m[metric],
    true: '-',
    pred: '-',
    set: ctx.set,
    split: ctx.split,
    fold: ctx.fold,
    fraction: ctx.fraction,
  }));
}
