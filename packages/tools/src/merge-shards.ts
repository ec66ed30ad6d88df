/**
 * n `--shard k/n` outputs → the table one run would have written, byte for byte: the parts'
 * rows in the order one run writes them. Instance tables (file_path) and skipped-file reports
 * (path) are in walk order — folders and files by name, depth first, which is comparing paths
 * segment by segment; series tables and predictions are sorted by series key, as the reducer
 * sorts them. A key found in two parts means the parts are not shards of one run (except in
 * skipped-file reports: every shard lists the files none of them could read).
 */
import { readFile } from 'node:fs/promises';
import { MscError, normalizeForReduction, readShardRecord, shardRecordPath, type Row, type Shard } from '@msc/core';
import { readTableAll, writeTable } from '@msc/tables';

export type MergeOrder = 'walk' | 'series';

export interface MergeSummary {
  parts: number;
  rows: number;
  order: MergeOrder;
  /** The column the order comes from (file_path, path, or the series key). */
  key: string;
  output: string;
  /**
   * `complete`: every part's shard record (`<part>.shard.json`) was read and all n parts are here;
   * `partial`: parts are missing and `allowMissing` merged them anyway; `unchecked`: a part has no
   * record (skipped-file reports, older versions), so missing parts cannot be told.
   */
  shards: 'complete' | 'partial' | 'unchecked';
  /** The k of each missing part (`partial`). */
  missing: number[];
}

export interface MergeOptions {
  /** Merge even when the parts' records say some of the n parts are missing. */
  allowMissing?: boolean;
}

async function recordOf(part: string): Promise<Shard | undefined> {
  try {
    return readShardRecord(await readFile(shardRecordPath(part), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Which of the n parts are here, by the parts' records: refuses mixed n and parts given twice. */
async function checkShards(parts: readonly string[], options: MergeOptions): Promise<Pick<MergeSummary, 'shards' | 'missing'>> {
  const records = await Promise.all(parts.map(recordOf));
  const known = records.flatMap((record, i) => (record ? [{ record, part: parts[i]! }] : []));
  if (known.length === 0) return { shards: 'unchecked', missing: [] };
  const count = known[0]!.record.count;
  const byIndex = new Map<number, string>();
  for (const { record, part } of known) {
    if (record.count !== count) {
      throw new MscError('E_BAD_DATA', `${part} is part ${record.index}/${record.count} but ${known[0]!.part} is part ${known[0]!.record.index}/${count}`, {
        hint: 'the parts of one run come from the same command with --shard 1/n … n/n',
      });
    }
    const twice = byIndex.get(record.index);
    if (twice !== undefined) {
      throw new MscError('E_BAD_DATA', `${twice} and ${part} are both part ${record.index}/${count}`, { hint: 'give each part once' });
    }
    byIndex.set(record.index, part);
  }
  if (known.length < parts.length) return { shards: 'unchecked', missing: [] };
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !byIndex.has(index));
  if (missing.length > 0 && !options.allowMissing) {
    throw new MscError(
      'E_BAD_DATA',
      `part${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${count}`).join(', ')} of the run ${missing.length > 1 ? 'are' : 'is'} missing`,
      {
        hint: `merge all ${count} parts (their --shard k/${count} outputs), or add --allow-missing to merge the ${parts.length} given`,
      },
    );
  }
  return { shards: missing.length > 0 ? 'partial' : 'complete', missing };
}

/** Depth-first walk order of two paths: by name, one folder level at a time. */
export function compareWalkOrder(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

/** The series key the reducer sorts by: study, series and (when the table has it) patient. */
function seriesKey(row: Row, withPatient: boolean): string {
  const key = `${normalizeForReduction(row['study_uid'])}\u0000${normalizeForReduction(row['series_uid'])}`;
  return withPatient ? `${key}\u0000${normalizeForReduction(row['patient_id'])}` : key;
}

export async function mergeShards(parts: readonly string[], output: string, options: MergeOptions = {}): Promise<MergeSummary> {
  if (parts.length === 0) throw new MscError('E_USAGE', 'no part given', { hint: 'msc-merge-shards part-*.parquet -o table.parquet' });
  const tables = await Promise.all(parts.map((part) => readTableAll(part)));
  // An empty part (a shard with no series) may have been written without columns.
  const shaped = tables.filter((table) => table.rows.length > 0 || table.columns.length > 0);
  const columns = shaped[0]?.columns ?? [];
  shaped.forEach((table, i) => {
    if (table.columns.join('\u0000') !== columns.join('\u0000')) {
      throw new MscError('E_BAD_DATA', `${parts[tables.indexOf(table)]} has other columns than ${parts[tables.indexOf(shaped[0]!)]}`, {
        path: parts[i],
        hint: 'the parts of one run come from the same command with --shard 1/n … n/n',
      });
    }
  });
  const shards = await checkShards(parts, options);
  let order: MergeOrder;
  let key: string;
  let keyOf: (row: Row) => string;
  let compare: (a: string, b: string) => number;
  if (columns.includes('file_path') || (!columns.includes('series_uid') && columns.includes('path'))) {
    order = 'walk';
    key = columns.includes('file_path') ? 'file_path' : 'path';
    keyOf = (row) => String(row[key] ?? '');
    compare = compareWalkOrder;
  } else if (columns.includes('study_uid') && columns.includes('series_uid')) {
    order = 'series';
    key = columns.includes('patient_id') ? 'study_uid, series_uid, patient_id' : 'study_uid, series_uid';
    const withPatient = columns.includes('patient_id');
    keyOf = (row) => seriesKey(row, withPatient);
    compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  } else {
    throw new MscError('E_BAD_DATA', `cannot tell the row order of ${parts[0]}: it has neither file_path nor study_uid and series_uid`, {
      hint: 'msc-merge-shards merges msc-extract and msc-predict outputs and skipped-file reports',
    });
  }
  const keyed: { key: string; row: Row }[] = [];
  const seen = new Map<string, { part: number; row: Row }>();
  const same = (a: Row, b: Row) => columns.every((column) => String(a[column] ?? '') === String(b[column] ?? ''));
  tables.forEach((table, part) => {
    for (const row of table.rows) {
      const k = keyOf(row);
      const earlier = seen.get(k);
      if (earlier !== undefined) {
        // Every shard reports the files no shard could read (they have no series to shard by).
        if (key === 'path' && earlier.part !== part && same(earlier.row, row)) continue;
        throw new MscError(
          'E_BAD_DATA',
          `${k.split('\u0000').join(' / ')} is in ${parts[earlier.part]}${earlier.part === part ? ' twice' : ` and ${parts[part]}`}`,
          {
            hint: 'shards of one run never share a series: were the parts made with the same n, or is a part given twice?',
          },
        );
      }
      seen.set(k, { part, row });
      keyed.push({ key: k, row });
    }
  });
  keyed.sort((a, b) => compare(a.key, b.key));
  await writeTable(
    output,
    columns,
    keyed.map((entry) => entry.row),
  );
  return { parts: parts.length, rows: keyed.length, order, key, output, ...shards };
}
