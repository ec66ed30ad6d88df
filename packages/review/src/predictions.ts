/**
 * A predictions table (msc-predict's output, or msc-serve's replies) → the series the page shows
 * and the classes a correction may name.
 */
import { CLASS_LABELS, MscError, parseClassLabel, type Row } from '@msc/core';
import { readTableAll } from '@msc/tables';
import type { ReviewSeries } from './data.js';

/** Written by msc-predict --min-confidence below the threshold: a label, but not a class. */
const UNCERTAIN = 'uncertain';
const PROBABILITY = /^probability_(.+)$/;

export interface PredictionTable {
  /** Where it was read from (for messages). */
  source: string;
  classes: string[];
  series: ReviewSeries[];
}

const text = (cell: Row[string] | undefined): string => (cell === null || cell === undefined ? '' : String(cell));

/**
 * The model's classes: one per `probability_<class>` column, in the model's order, spelled as the
 * labels spell them (the columns are lower case); a table without probabilities: its labels.
 */
export function tableClasses(columns: readonly string[], labels: Iterable<string>): string[] {
  const spelled = new Map<string, string>();
  for (const label of labels) if (label && label !== UNCERTAIN) spelled.set(label.toLowerCase(), label);
  const fromColumns = columns.flatMap((column) => {
    const match = PROBABILITY.exec(column);
    return match ? [spelled.get(match[1]!) ?? parseClassLabel(match[1]!) ?? match[1]!] : [];
  });
  if (fromColumns.length > 0) return fromColumns;
  const fromLabels = [...spelled.values()].sort();
  return fromLabels.length >= 2 ? fromLabels : [...CLASS_LABELS];
}

/** Table rows → review series (one row per series; a series twice is refused). */
export function seriesFromRows(source: string, columns: readonly string[], rows: readonly Row[]): PredictionTable {
  const missing = ['study_uid', 'series_uid'].filter((column) => !columns.includes(column));
  const labelColumn = columns.includes('prediction_heuristics') ? 'prediction_heuristics' : columns.includes('prediction') ? 'prediction' : undefined;
  if (!labelColumn) missing.push('prediction');
  if (missing.length > 0)
    throw new MscError('E_MISSING_COLUMNS', `${source} lacks ${missing.join(', ')}: it is not a predictions table`, {
      path: source,
      hint: 'give the table msc-predict writes (one row per series)',
    });
  const seen = new Set<string>();
  const series = rows.map((row): ReviewSeries => {
    const uid = text(row['series_uid']);
    if (seen.has(uid))
      throw new MscError('E_BAD_DATA', `${source}: series ${uid} appears twice; the review reads one row per series`, {
        path: source,
        hint: 'predict with --reduce series (the default)',
      });
    seen.add(uid);
    const confidence = row['confidence'];
    return {
      study_uid: text(row['study_uid']),
      series_uid: uid,
      patient_id: text(row['patient_id']),
      series_number: text(row['series_number']),
      series_description: text(row['series_description']),
      series_group: text(row['series_group']),
      manufacturer: text(row['manufacturer']),
      label: text(row[labelColumn!]),
      confidence: confidence === null || confidence === undefined || confidence === '' || !Number.isFinite(Number(confidence)) ? null : Number(confidence),
      rule: text(row['rule']),
      explanation: text(row['explanation']),
      thumbnail: false,
      thumbnail_note: '',
    };
  });
  return {
    source,
    classes: tableClasses(
      columns,
      series.map((s) => s.label),
    ),
    series,
  };
}

export async function readPredictionTable(path: string): Promise<PredictionTable> {
  const table = await readTableAll(path);
  return seriesFromRows(path, table.columns, table.rows);
}
