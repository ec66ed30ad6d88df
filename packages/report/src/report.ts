/**
 * Files → report: reads the tables (a msc-train all folder, or tables named one by one), joins
 * labels onto evaluation tables that lack them, and writes the HTML atomically.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { MscError, atomicWriteFile, type Row } from '@msc/core';
import { readTableAll } from '@msc/tables';
import { renderReport } from './html.js';
import { buildReportData, type NamedRows, type ReportData } from './report-data.js';

export interface NamedPath {
  name: string;
  path: string;
}

export interface ReportFiles {
  title?: string;
  notes?: readonly string[];
  /** A msc-train all output folder: its metrics, leave-one-group-out, importance and test prediction tables. */
  grid?: string;
  metrics?: readonly string[];
  logo?: readonly NamedPath[];
  importance?: readonly string[];
  evaluations?: readonly NamedPath[];
  /** Labels (series_uid → class, description, vendor, …) joined onto evaluation tables that lack them. */
  labels?: string;
}

export interface ReportSummary {
  output: string;
  bytes: number;
  charts: number;
  models: number;
  evaluations: { name: string; series: number; correct: number; macroF1: number }[];
}

/** `name=path`, or a path (named after its file). */
export function namedPath(text: string): NamedPath {
  const at = text.indexOf('=');
  if (at > 0 && !/^[a-z]:[\\/]/i.test(text)) return { name: text.slice(0, at), path: text.slice(at + 1) };
  return { name: basename(text).replace(/\.[^.]+$/, ''), path: text };
}

async function rows(path: string): Promise<Row[]> {
  return (await readTableAll(path)).rows;
}

/** Columns a label table lends to evaluation rows, and the names they take there. */
const LABEL_COLUMNS: readonly [string, string][] = [
  ['class', 'class'],
  ['true', 'class'],
  ['series_description', 'series_description'],
  ['description', 'series_description'],
  ['vendor', 'vendor'],
  ['manufacturer', 'manufacturer'],
  ['manufacturer_model_name', 'manufacturer_model_name'],
  ['centre', 'centre'],
];

function joinLabels(evaluation: Row[], labels: readonly Row[], path: string): Row[] {
  if (!labels.some((row) => 'series_uid' in row)) throw new MscError('E_MISSING_COLUMNS', `the label table ${path} has no series_uid column`, { path });
  const bySeries = new Map(labels.map((row) => [String(row['series_uid']), row]));
  return evaluation.map((row) => {
    const label = bySeries.get(String(row['series_uid']));
    if (!label) return row;
    const joined: Row = { ...row };
    for (const [from, to] of LABEL_COLUMNS) {
      const present = joined[to] !== undefined && joined[to] !== null && joined[to] !== '';
      if (!present && label[from] !== undefined && label[from] !== null) joined[to] = label[from]!;
    }
    return joined;
  });
}

export async function loadReportData(files: ReportFiles): Promise<ReportData> {
  // A grid's own tables first, then those named one by one.
  const metrics: string[] = [];
  const logo: NamedPath[] = [];
  const importance: string[] = [];
  const evaluations: NamedPath[] = [];
  if (files.grid) {
    if (!existsSync(join(files.grid, 'metrics.csv'))) {
      throw new MscError('E_INPUT_NOT_FOUND', `${files.grid} has no metrics.csv`, { path: files.grid, hint: 'give the output folder of msc-train all' });
    }
    metrics.push(join(files.grid, 'metrics.csv'));
    for (const name of readdirSync(files.grid).sort()) {
      const match = /^metrics_logo_(.+)\.csv$/.exec(name);
      if (match) logo.push({ name: match[1]!, path: join(files.grid, name) });
    }
    if (existsSync(join(files.grid, 'feature_importances.csv'))) importance.push(join(files.grid, 'feature_importances.csv'));
    if (existsSync(join(files.grid, 'test_predictions.csv'))) evaluations.push({ name: 'test set', path: join(files.grid, 'test_predictions.csv') });
  }
  metrics.push(...(files.metrics ?? []));
  logo.push(...(files.logo ?? []));
  importance.push(...(files.importance ?? []));
  evaluations.push(...(files.evaluations ?? []));
  const labels = files.labels ? await rows(files.labels) : undefined;
  const named = async (list: readonly NamedPath[], join?: (rows: Row[], path: string) => Row[]): Promise<NamedRows[]> =>
    Promise.all(list.map(async ({ name, path }) => ({ name, rows: join ? join(await rows(path), path) : await rows(path) })));
  return buildReportData({
    title: files.title ?? 'MSC model report',
    notes: files.notes ?? [],
    metrics: (await Promise.all(metrics.map(rows))).flat(),
    logo: await named(logo),
    importance: (await Promise.all(importance.map(rows))).flat(),
    evaluations: await named(evaluations, labels ? (r) => joinLabels(r, labels, files.labels!) : undefined),
  });
}

export async function writeReport(files: ReportFiles, output: string): Promise<ReportSummary> {
  const data = await loadReportData(files);
  const html = renderReport(data);
  await atomicWriteFile(output, html);
  return {
    output,
    bytes: Buffer.byteLength(html),
    charts: (html.match(/<figure class="chart"/g) ?? []).length,
    models: data.models.length,
    evaluations: data.evaluations.map(({ name, series, correct, macroF1 }) => ({ name, series, correct, macroF1 })),
  };
}
