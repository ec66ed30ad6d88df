/**
 * A labelled feature table (per instance or per series) → labelled series rows. Labels are
 * checked while the instance rows are still apart: a row without a label (empty, `-`) is left out
 * and counted rather than becoming a class of its own, and a series whose rows carry different
 * labels is an error (reducing would join them into a made-up class such as "ADC T2W").
 */
import { MscError, isMissing, normalizeForReduction, parseClassLabel, type Row } from '@msc/core';
import { SeriesReducer, assertReducible, batchRows, readTable } from '@msc/tables';

export interface LabelledTable {
  rows: Row[];
  /** Rows read from the file. */
  inputRows: number;
  /** Rows left out for an empty or `-` label. */
  unlabelledRows: number;
  /** Rows left out for an empty or `-` study_uid or series_uid. */
  blankKeyRows: number;
  /**
   * Series whose rows all lack a label: not trained on, but their studies' other series see them
   * in their study context (as prediction, which sees every series of a study, does).
   */
  unlabelledSeries?: Row[];
}

/** How two labels are compared: any spelling of an MSC class is that class; other labels as reduced. */
function labelKey(cell: Row[string] | undefined): string {
  const text = normalizeForReduction(cell);
  return parseClassLabel(text) ?? text;
}

const SHOWN_CONFLICTS = 3;

export async function readLabelledTable(path: string, labelColumn: string): Promise<LabelledTable> {
  const reducer = new SeriesReducer();
  const unlabelledReducer = new SeriesReducer();
  const labelOf = new Map<string, string>();
  const conflicts = new Map<string, Set<string>>();
  let inputRows = 0;
  let unlabelledRows = 0;
  let hasLabelColumn = false;
  for await (const batch of readTable(path)) {
    if (inputRows === 0) assertReducible(batch.columns, path);
    inputRows += batch.length;
    if (!batch.columns.includes(labelColumn)) {
      reducer.addRows(batchRows(batch), batch.columns);
      continue;
    }
    hasLabelColumn = true;
    const kept: Row[] = [];
    const unlabelled: Row[] = [];
    for (const row of batchRows(batch)) {
      const label = row[labelColumn];
      if (isMissing(label)) {
        unlabelledRows += 1;
        unlabelled.push(row);
        continue;
      }
      kept.push(row);
      const series = `${normalizeForReduction(row.study_uid)}\u0000${normalizeForReduction(row.series_uid)}\u0000${normalizeForReduction(row.patient_id)}`;
      const key = labelKey(label);
      const known = labelOf.get(series);
      if (known === undefined) labelOf.set(series, key);
      else if (known !== key) {
        const seen = conflicts.get(series) ?? new Set([known]);
        seen.add(key);
        conflicts.set(series, seen);
      }
    }
    reducer.addRows(kept, batch.columns);
    unlabelledReducer.addRows(unlabelled, batch.columns);
  }
  if (conflicts.size > 0) {
    const shown = [...conflicts]
      .slice(0, SHOWN_CONFLICTS)
      .map(([series, labels]) => `series ${series.split('\u0000')[1]} has ${[...labels].sort().join(' and ')}`);
    throw new MscError(
      'E_BAD_DATA',
      `${path}: ${conflicts.size} series ${conflicts.size === 1 ? 'has' : 'have'} rows with different labels in "${labelColumn}": ${shown.join('; ')}${conflicts.size > SHOWN_CONFLICTS ? '; …' : ''}`,
      {
        path,
        hint: 'a series is one class: give all its rows the same label (or leave rows unlabelled, empty or -, to leave them out)',
      },
    );
  }
  if (hasLabelColumn && unlabelledRows === inputRows && inputRows > 0) {
    throw new MscError('E_BAD_DATA', `${path}: no row has a label in "${labelColumn}" (all are empty or -)`, {
      path,
      hint: 'name the label column with --target-column',
    });
  }
  const labelled = new Set(reducer.groupIds());
  const unlabelledSeries = unlabelledReducer.finishWhere((id) => !labelled.has(id)).rows;
  return { rows: reducer.finish(), inputRows, unlabelledRows, blankKeyRows: reducer.blankKeyRows, unlabelledSeries };
}
