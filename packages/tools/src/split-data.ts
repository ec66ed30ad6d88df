/**
 * The original's split_data: a table → several tables, every row of a study (or of whatever
 * `idColumn` names) in one of them, in the given proportions, reproducibly for a seed.
 */
import { MscError } from '@msc/core';
import { formatFromPath, readTableAll, writeTable } from '@msc/tables';
import { splitByStudy } from '@msc/train';

export interface SplitDataOptions {
  input: string;
  outputs: readonly string[];
  /** One per output (proportions; default 0.8/0.2 for two outputs, equal parts otherwise). */
  fractions?: readonly number[];
  seed: number;
  /** Rows with the same value stay together; default study_uid. */
  idColumn?: string;
}

export interface SplitDataSummary {
  input: string;
  rows: number;
  groups: number;
  parts: { output: string; rows: number; groups: number }[];
}

export async function splitData(options: SplitDataOptions): Promise<SplitDataSummary> {
  const idColumn = options.idColumn ?? 'study_uid';
  if (options.outputs.length < 2)
    throw new MscError('E_USAGE', `give at least two outputs, not ${options.outputs.length}`, { hint: '--output_paths train.csv test.csv' });
  for (const output of options.outputs) formatFromPath(output);
  const fractions = options.fractions ?? (options.outputs.length === 2 ? [0.8, 0.2] : options.outputs.map(() => 1));
  if (fractions.length !== options.outputs.length) {
    throw new MscError('E_USAGE', `${fractions.length} fractions for ${options.outputs.length} outputs`, {
      hint: 'give one fraction per output, e.g. --fractions 0.8 0.2',
    });
  }
  const table = await readTableAll(options.input);
  if (table.rows.length > 0 && !table.columns.includes(idColumn)) {
    throw new MscError('E_MISSING_COLUMNS', `${options.input} has no "${idColumn}" column`, {
      path: options.input,
      hint: 'name the grouping column with --id_col',
    });
  }
  const ids = table.rows.map((row) => String(row[idColumn] ?? ''));
  const partOf = splitByStudy(ids, fractions, options.seed);
  const parts = await Promise.all(
    options.outputs.map(async (output, p) => {
      const rows = table.rows.filter((_, r) => partOf[r] === p);
      await writeTable(output, table.columns, rows);
      return { output, rows: rows.length, groups: new Set(rows.map((row) => String(row[idColumn] ?? ''))).size };
    }),
  );
  return { input: options.input, rows: table.rows.length, groups: new Set(ids).size, parts };
}
