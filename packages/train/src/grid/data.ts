/**
 * The grid's data: the study-grouped train/test split (the original's split_data rule), written
 * once under <out>/data and reused while the input and the split settings are unchanged, and the
 * leave-one-group-out group files (centre: given; vendor: from the Manufacturer column).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MscError, atomicWriteFile, type Row, errorMessage } from '@msc/core';
import { readSeriesTable, writeTable } from '@msc/tables';
import { splitByStudy } from '../validation/split.js';
import type { GridData, Grouping } from './plan.js';
import { vendorOfStudies } from './vendor.js';

async function fileHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (cause) {
    throw new MscError('E_INPUT_NOT_FOUND', `cannot read ${path}: ${errorMessage(cause)}`, { path, cause, hint: 'check the path' });
  }
  return hash.digest('hex');
}

export interface GridDataOptions {
  input: string;
  outDir: string;
  /** A separate test table; without it the input is split by study. */
  testSet?: string;
  /** Share of studies in the test part when splitting. */
  testFraction: number;
  seed: number;
  targetColumn: string;
  /** Centre group file (study_uid → centre) for leave-one-centre-out. */
  groupFile?: string;
  /** Leave-one-vendor-out from this column (undefined: none). */
  vendorColumn?: string;
}

export interface PreparedData extends GridData {
  trainRows: Row[];
  testRows: Row[];
  /** Whether the split was made by this run (false: reused, or a test table was given). */
  splitWritten: boolean;
}

function requireColumns(rows: readonly Row[], columns: readonly string[], path: string): void {
  for (const column of columns) {
    if (!rows.some((row) => Object.hasOwn(row, column))) {
      throw new MscError('E_MISSING_COLUMNS', `${path} has no "${column}" column`, {
        path,
        hint:
          column === 'study_uid'
            ? 'a feature table from msc-extract has study_uid and series_uid'
            : 'join labels with msc-merge-target, or name the label column with --target-column',
      });
    }
  }
}

async function readLabelled(path: string, target: string): Promise<Row[]> {
  const { rows } = await readSeriesTable(path);
  if (rows.length === 0) throw new MscError('E_BAD_DATA', `the table ${path} has no rows`, { path });
  requireColumns(rows, ['study_uid', 'series_uid', target], path);
  return rows;
}

const columnsOf = (rows: readonly Row[]) => [...new Set(rows.flatMap((row) => Object.keys(row)))];

export async function prepareGridData(options: GridDataOptions): Promise<PreparedData> {
  const dataDir = join(options.outDir, 'data');
  let train: string;
  let test: string;
  let trainRows: Row[];
  let testRows: Row[];
  let splitWritten = false;
  if (options.testSet) {
    train = resolve(options.input);
    test = resolve(options.testSet);
    [trainRows, testRows] = await Promise.all([readLabelled(train, options.targetColumn), readLabelled(test, options.targetColumn)]);
  } else {
    train = join(dataDir, 'train.parquet');
    test = join(dataDir, 'test.parquet');
    const splitFile = join(dataDir, 'split.json');
    const settings = { input: await fileHash(options.input), testFraction: options.testFraction, seed: options.seed };
    const previous = existsSync(splitFile)
      ? await readFile(splitFile, 'utf8').then(
          (text) => JSON.parse(text) as unknown,
          () => undefined,
        )
      : undefined;
    if (existsSync(train) && existsSync(test) && JSON.stringify(previous) === JSON.stringify(settings)) {
      [trainRows, testRows] = await Promise.all([readLabelled(train, options.targetColumn), readLabelled(test, options.targetColumn)]);
    } else {
      const rows = await readLabelled(options.input, options.targetColumn);
      const parts = splitByStudy(
        rows.map((row) => String(row['study_uid'])),
        [1 - options.testFraction, options.testFraction],
        options.seed,
      );
      trainRows = rows.filter((_, r) => parts[r] === 0);
      testRows = rows.filter((_, r) => parts[r] === 1);
      if (trainRows.length === 0 || testRows.length === 0) {
        throw new MscError('E_BAD_DATA', `${options.input} has too few studies to split (${new Set(rows.map((row) => row['study_uid'])).size})`, {
          path: options.input,
          hint: 'give more studies, or a separate --test-set',
        });
      }
      const columns = columnsOf(rows);
      await writeTable(train, columns, trainRows);
      await writeTable(test, columns, testRows);
      await atomicWriteFile(splitFile, `${JSON.stringify(settings)}\n`);
      splitWritten = true;
    }
  }
  const trainStudies = new Set(trainRows.map((row) => String(row['study_uid'])));
  const groups: GridData['groups'] = {};
  const addGroups = async (grouping: Grouping, path: string, mapping: Record<string, string>) => {
    const missing = [...trainStudies].filter((study) => !Object.hasOwn(mapping, study));
    if (missing.length > 0) {
      throw new MscError('E_BAD_DATA', `${missing.length} training studies have no ${grouping} in ${path} (first: ${missing[0]})`, {
        path,
        hint: 'the group file maps every study_uid to its group',
      });
    }
    const names = [...new Set([...trainStudies].map((study) => mapping[study]!))].sort();
    groups[grouping] = { path, hash: await fileHash(path), names };
  };
  if (options.groupFile) {
    const path = resolve(options.groupFile);
    let mapping: unknown;
    try {
      mapping = JSON.parse(await readFile(path, 'utf8'));
    } catch (cause) {
      throw new MscError('E_INPUT_NOT_FOUND', `cannot read the group file ${path}: ${errorMessage(cause)}`, {
        path,
        cause,
        hint: 'a JSON object study_uid → centre',
      });
    }
    if (!mapping || typeof mapping !== 'object' || Array.isArray(mapping))
      throw new MscError('E_BAD_DATA', 'the group file must map study_uid to a group', { path, hint: '{"1.2.3": "centre_a", ...}' });
    await addGroups('centre', path, Object.fromEntries(Object.entries(mapping).map(([study, group]) => [study, String(group)])));
  }
  if (options.vendorColumn) {
    if (!trainRows.some((row) => Object.hasOwn(row, options.vendorColumn!))) {
      throw new MscError('E_MISSING_COLUMNS', `the training table has no "${options.vendorColumn}" column for leave-one-vendor-out`, {
        hint: 'name the column with --vendor-column, or turn it off with --no-logo-vendor',
      });
    }
    const mapping = vendorOfStudies(trainRows, options.vendorColumn);
    const path = join(options.outDir, 'groups', 'vendor.json');
    const text = `${JSON.stringify(mapping, null, 1)}\n`;
    // Rewritten only when different, so an unchanged grid keeps its hash and its models.
    const current = existsSync(path) ? await readFile(path, 'utf8').catch(() => '') : '';
    if (current !== text) await atomicWriteFile(path, text);
    await addGroups('vendor', path, mapping);
  }
  return {
    train,
    test,
    trainHash: await fileHash(train),
    testHash: await fileHash(test),
    trainStudies: trainStudies.size,
    groups,
    trainRows,
    testRows,
    splitWritten,
  };
}
