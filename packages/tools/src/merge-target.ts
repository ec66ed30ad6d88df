/**
 * The original's merge_target: a label table joined onto a feature table by series (or study)
 * UID, giving the labelled table msc-train reads. Rows without a label are left out unless asked
 * for; labels that contradict each other for one UID are an error, not a silent pick.
 */
import { MscError, type Cell, type Row } from '@msc/core';
import { readTableAll, writeTable } from '@msc/tables';

export interface MergeTargetOptions {
  input: string;
  target: string;
  output: string;
  /** Join column present in both tables; default series_uid. */
  idColumn?: string;
  /** Label column of the target table, written under the same name; default class. */
  targetColumn?: string;
  /** Keep feature rows that have no label (their label cell is empty). */
  keepUnlabelled?: boolean;
}

export interface MergeTargetSummary {
  rows: number;
  labelled: number;
  /** Feature rows whose UID has no label (left out unless keepUnlabelled). */
  unlabelled: number;
  /** Labels whose UID is not in the feature table. */
  unusedLabels: number;
  output: string;
}

export async function mergeTarget(options: MergeTargetOptions): Promise<MergeTargetSummary> {
  const idColumn = options.idColumn ?? 'series_uid';
  const targetColumn = options.targetColumn ?? 'class';
  const [features, labels] = await Promise.all([readTableAll(options.input), readTableAll(options.target)]);
  if (!features.columns.includes(idColumn))
    throw new MscError('E_MISSING_COLUMNS', `${options.input} has no "${idColumn}" column`, {
      path: options.input,
      hint: 'join by another column with --id_col',
    });
  if (features.columns.includes(targetColumn)) {
    throw new MscError('E_BAD_DATA', `${options.input} already has a "${targetColumn}" column`, {
      path: options.input,
      hint: 'name the label column otherwise with --target_col, or drop it from the feature table',
    });
  }
  for (const column of [idColumn, targetColumn]) {
    if (!labels.columns.includes(column))
      throw new MscError('E_MISSING_COLUMNS', `${options.target} has no "${column}" column`, {
        path: options.target,
        hint: column === targetColumn ? 'name the label column with --target_col' : 'join by another column with --id_col',
      });
  }
  const labelOf = new Map<string, Cell>();
  for (const row of labels.rows) {
    const id = String(row[idColumn] ?? '').trim();
    const label = row[targetColumn] ?? null;
    if (id === '' || label === null || String(label).trim() === '') continue;
    const earlier = labelOf.get(id);
    if (earlier !== undefined && String(earlier) !== String(label)) {
      throw new MscError('E_BAD_DATA', `${idColumn} ${id} has two labels in ${options.target}: "${String(earlier)}" and "${String(label)}"`, {
        path: options.target,
      });
    }
    labelOf.set(id, label);
  }
  const used = new Set<string>();
  const rows: Row[] = [];
  let unlabelled = 0;
  for (const row of features.rows) {
    const id = String(row[idColumn] ?? '').trim();
    const label = labelOf.get(id);
    if (label === undefined) {
      unlabelled += 1;
      if (!options.keepUnlabelled) continue;
    } else used.add(id);
    rows.push({ ...row, [targetColumn]: label ?? null });
  }
  if (rows.length === 0) {
    throw new MscError('E_BAD_DATA', `no ${idColumn} of ${options.input} has a label in ${options.target}`, {
      hint: 'check that both tables use the same UIDs (and --id_col)',
    });
  }
  await writeTable(options.output, [...features.columns, targetColumn], rows);
  return {
    rows: rows.length,
    labelled: rows.length - (options.keepUnlabelled ? unlabelled : 0),
    unlabelled,
    unusedLabels: labelOf.size - used.size,
    output: options.output,
  };
}
