/**
 * The original's get_metadata_json: DICOM files (or a feature table) → the nested JSON
 * patient → study → series → column → unique values that msc-predict (and the original) read
 * as input. The tree is written by @msc/tables' nested JSON writer; this only gathers rows.
 */
import { existsSync, statSync } from 'node:fs';
import { MscError, type Row } from '@msc/core';
import { extractBatches, instanceColumns, type SkippedFile } from '@msc/extract';
import { formatFromPath, isTablePath, readTableAll, writeTable } from '@msc/tables';

export interface MetadataJsonOptions {
  pattern?: string;
  maxDepth?: number;
  workers?: number;
}

export interface MetadataJsonSummary {
  patients: number;
  studies: number;
  series: number;
  instances: number;
  skipped: number;
  output: string;
}

/** One path per file is not a property of a series, and would make the tree as large as the file list. */
const LEFT_OUT = new Set(['file_path']);

export async function metadataJson(
  inputs: readonly string[],
  output: string,
  options: MetadataJsonOptions = {},
): Promise<{ summary: MetadataJsonSummary; skippedFiles: SkippedFile[] }> {
  if (formatFromPath(output) !== 'json')
    throw new MscError('E_USAGE', `the nested metadata is JSON: the output must end in .json, not ${output}`, { hint: '-o metadata.json' });
  const rows: Row[] = [];
  const columns = new Set<string>();
  const skippedFiles: SkippedFile[] = [];
  const dicom = inputs.filter((input) => !(existsSync(input) && statSync(input).isFile() && isTablePath(input)));
  for (const input of inputs.filter((i) => !dicom.includes(i))) {
    const table = await readTableAll(input);
    for (const column of table.columns) columns.add(column);
    rows.push(...table.rows);
  }
  if (dicom.length > 0) {
    for (const column of instanceColumns(false)) columns.add(column);
    for await (const batch of extractBatches(dicom, {
      ...(options.pattern ? { pattern: options.pattern } : {}),
      ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
    })) {
      for (const event of batch) {
        if (event.kind === 'row') rows.push(event.row as unknown as Row);
        else skippedFiles.push({ path: event.path, reason: event.reason });
      }
    }
  }
  if (rows.length === 0)
    throw new MscError('E_BAD_DATA', `no DICOM instances or table rows found in ${inputs.join(', ')}`, {
      hint: 'check the folder (and --pattern / --dicom_recursion)',
    });
  for (const key of ['patient_id', 'study_uid', 'series_uid']) {
    if (!columns.has(key))
      throw new MscError('E_MISSING_COLUMNS', `the input has no "${key}" column`, {
        hint: 'the tree is patient → study → series: tables need patient_id, study_uid and series_uid',
      });
  }
  await writeTable(
    output,
    [...columns].filter((column) => !LEFT_OUT.has(column)),
    rows,
    { nested: true },
  );
  const studies = new Set(rows.map((row) => `${String(row['patient_id'])}\u0000${String(row['study_uid'])}`));
  const series = new Set(rows.map((row) => `${String(row['patient_id'])}\u0000${String(row['study_uid'])}\u0000${String(row['series_uid'])}`));
  const summary = {
    patients: new Set(rows.map((row) => String(row['patient_id']))).size,
    studies: studies.size,
    series: series.size,
    instances: rows.length,
    skipped: skippedFiles.length,
    output,
  };
  return { summary, skippedFiles };
}
