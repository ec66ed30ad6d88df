/**
 * The grid's long tables, gathered from every model's own files the way the original's
 * collect_metrics and get_feature_importance gather theirs:
 * - metrics.csv (and metrics_logo_<grouping>.csv): model, exclusion, metric, value, true, pred,
 *   set, split, fold, fraction — one row per number;
 * - feature_importances.csv: model, exclusion, class, value, feature, fold, fraction — value is
 *   the mean |SHAP| on the fold's validation rows (gain stays in each model's importance.csv);
 * - test_predictions.csv: every test series as each model labelled it, with its true class,
 *   probabilities and the columns a reader needs to see why (description, vendor, centre).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from '@msc/core';
import { readTableAll, writeTable } from '@msc/tables';
import { METRIC_COLUMNS } from '../metrics/long-table.js';
import type { GridJob, Grouping } from './plan.js';
import { vendorOf } from './vendor.js';

export const IMPORTANCE_COLUMNS = ['model', 'exclusion', 'class', 'value', 'feature', 'fold', 'fraction'] as const;

/** Columns of the test series carried into test_predictions.csv, when the table has them. */
const DESCRIPTIVE_COLUMNS = ['patient_id', 'series_description', 'manufacturer', 'manufacturer_model_name', 'magnetic_field_strength'];

export interface GridTables {
  metrics: string;
  logo: Partial<Record<Grouping, string>>;
  importance?: string;
  predictions?: string;
}

const base = (job: GridJob) => job.options.output.replace(/\.onnx$/i, '');

async function rowsOf(path: string): Promise<Row[]> {
  return existsSync(path) ? (await readTableAll(path)).rows : [];
}

export async function collectGridTables(
  outDir: string,
  jobs: readonly GridJob[],
  testRows: readonly Row[],
  centreOfStudy?: Readonly<Record<string, string>>,
): Promise<GridTables> {
  const finished = jobs.filter((job) => !job.skip && existsSync(`${base(job)}.metrics.csv`));
  const metricsOf = async (selected: readonly GridJob[]) => (await Promise.all(selected.map((job) => rowsOf(`${base(job)}.metrics.csv`)))).flat();

  const tables: GridTables = { metrics: join(outDir, 'metrics.csv'), logo: {} };
  await writeTable(tables.metrics, METRIC_COLUMNS, await metricsOf(finished.filter((job) => job.kind === 'fraction')));
  for (const grouping of ['centre', 'vendor'] as const) {
    const selected = finished.filter((job) => job.grouping === grouping);
    if (selected.length === 0) continue;
    tables.logo[grouping] = join(outDir, `metrics_logo_${grouping}.csv`);
    await writeTable(tables.logo[grouping]!, METRIC_COLUMNS, await metricsOf(selected));
  }

  const importance: Row[] = [];
  for (const job of finished) {
    for (const row of await rowsOf(`${base(job)}.importance.csv`)) {
      importance.push({
        model: row['model'] ?? null,
        exclusion: row['exclusion'] ?? null,
        class: row['class'] ?? null,
        value: row['shap'] ?? null,
        feature: row['feature'] ?? null,
        fold: row['fold'] ?? null,
        fraction: row['fraction'] ?? null,
      });
    }
  }
  if (importance.length > 0) {
    tables.importance = join(outDir, 'feature_importances.csv');
    await writeTable(tables.importance, IMPORTANCE_COLUMNS, importance);
  }

  const bySeries = new Map(testRows.map((row) => [`${String(row['study_uid'])}\u0000${String(row['series_uid'])}`, row]));
  const predictions: Row[] = [];
  let probabilityColumns: string[] = [];
  for (const job of finished.filter((j) => j.kind === 'fraction')) {
    const rows = await rowsOf(`${base(job)}.predictions.csv`);
    if (rows.length > 0 && probabilityColumns.length === 0) probabilityColumns = Object.keys(rows[0]!).filter((column) => column.startsWith('probability_'));
    for (const row of rows) {
      const study = String(row['study_uid']);
      const series = bySeries.get(`${study}\u0000${String(row['series_uid'])}`) ?? {};
      const out: Row = {
        model: job.options.modelName,
        exclusion: job.exclusion,
        fraction: job.fraction / 100,
        study_uid: row['study_uid'] ?? null,
        series_uid: row['series_uid'] ?? null,
        class: row['true'] ?? null,
        prediction: row['prediction'] ?? null,
        confidence: row['confidence'] ?? null,
      };
      for (const column of probabilityColumns) out[column] = row[column] ?? null;
      for (const column of DESCRIPTIVE_COLUMNS) out[column] = series[column] ?? null;
      out['vendor'] = vendorOf(series['manufacturer']);
      out['centre'] = centreOfStudy?.[study] ?? null;
      predictions.push(out);
    }
  }
  if (predictions.length > 0) {
    tables.predictions = join(outDir, 'test_predictions.csv');
    await writeTable(tables.predictions, [...new Set(predictions.flatMap((row) => Object.keys(row)))], predictions);
  }
  return tables;
}
