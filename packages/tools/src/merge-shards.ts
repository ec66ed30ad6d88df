/**
 * n `--shard k/n` outputs → the table one run would have written, byte for byte: the parts'
 * rows in the order one run writes them. Instance tables (file_path) and skipped-file reports
 * (path) are in walk order — folders and files by name, depth first, which is comparing paths
 * segment by segment; series tables and predictions are sorted by series key, as the reducer
 * sorts them. A key found in two parts means the parts are not shards of one run (except in
 * skipped-file reports: every shard lists the files none of them could read). Parts split by
 * folder (`msc-extract --shard-by folder`) may share a study whose series lie in folders of two
 * parts: merged, the rows are one run's, but a part predicted alone lacks the study's other series;
 * such studies are reported.
 */
import { readFile } from 'node:fs/promises';
import { MISSING, MscError, normalizeForReduction, readShardRecord, shardRecordPath, type Row, type ShardOfPart } from '@msc/core';
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
  /** What the parts' records say they were split by (`unknown` without records). */
  by: 'study' | 'folder' | 'balanced' | 'unknown';
  /**
   * Studies whose rows lie in more than one part, with those parts (in the order given): with
   * `--shard-by folder`, a study whose series are in folders of different parts. Predict the
   * merged table, not the parts: a part alone misses the study's other series.
   */
  splitStudies: { study: string; parts: string[] }[];
}

export interface MergeOptions {
  /** Merge even when the parts' records say some of the n parts are missing. */
  allowMissing?: boolean;
}

async function recordOf(part: string): Promise<ShardOfPart | undefined> {
  try {
    return readShardRecord(await readFile(shardRecordPath(part), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Which of the n parts are here, by the parts' records: refuses mixed n and parts given twice. */
async function checkShards(parts: readonly string[], options: MergeOptions): Promise<Pick<MergeSummary, 'shards' | 'missing' | 'by'>> {
  const records = await Promise.all(parts.map(recordOf));
  const known = records.flatMap((record, i) => (record ? [{ record, part: parts[i]! }] : []));
  if (known.length === 0) return { shards: 'unchecked', missing: [], by: 'unknown' };
  const first = known[0]!;
  const count = first.record.count;
  const splitBy = (record: ShardOfPart) => (record.by === 'study' ? '--shard-by study' : `--shard-by ${record.by} --shard-depth ${record.depth ?? 1}`);
  const byIndex = new Map<number, string>();
  for (const { record, part } of known) {
    if (record.count !== count) {
      throw new MscError('E_BAD_DATA', `${part} is part ${record.index}/${record.count} but ${first.part} is part ${first.record.index}/${count}`, {
        hint: 'the parts of one run come from the same command with --shard 1/n … n/n',
      });
    }
    // Parts split by study and by folder (or at other depths) are not parts of one partition: rows would be missed and doubled.
    if (splitBy(record) !== splitBy(first.record)) {
      throw new MscError('E_BAD_DATA', `${part} was split with ${splitBy(record)} but ${first.part} with ${splitBy(first.record)}`, {
        hint: 'the parts of one run come from the same command with --shard 1/n … n/n, the same --shard-by and --shard-depth',
      });
    }
    // Balanced parts are one partition only when every job assigned the folders alike, from the same listing of the tree.
    if (record.listing !== first.record.listing) {
      throw new MscError(
        'E_BAD_DATA',
        `${part} and ${first.part} were split from different listings of the tree (${record.listing ?? 'none'} vs ${first.record.listing ?? 'none'}): folders added or removed between the jobs move others between balanced parts, so files would be missed or doubled`,
        {
          hint: 'rerun every part over the same tree (e.g. after the archive stops changing), or split with --shard-by folder, whose parts do not depend on the rest of the tree',
        },
      );
    }
    const twice = byIndex.get(record.index);
    if (twice !== undefined) {
      throw new MscError('E_BAD_DATA', `${twice} and ${part} are both part ${record.index}/${count}`, { hint: 'give each part once' });
    }
    byIndex.set(record.index, part);
  }
  const by = first.record.by;
  if (known.length < parts.length) return { shards: 'unchecked', missing: [], by };
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
  return { shards: missing.length > 0 ? 'partial' : 'complete', missing, by };
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
            hint:
              (shards.by === 'folder' || shards.by === 'balanced') && order === 'series'
                ? `this series' files lie in folders of two parts (--shard-by ${shards.by}): split by study (the default), or rerun per instance (no --per-series) and merge those`
                : 'shards of one run never share a series: were the parts made with the same n, or is a part given twice?',
          },
        );
      }
      seen.set(k, { part, row });
      keyed.push({ key: k, row });
    }
  });
  keyed.sort((a, b) => compare(a.key, b.key));
  const splitStudies = studiesInSeveralParts(tables, parts, columns);
  await writeTable(
    output,
    columns,
    keyed.map((entry) => entry.row),
  );
  return { parts: parts.length, rows: keyed.length, order, key, output, ...shards, splitStudies };
}

/** The studies (by study_uid, blank ones aside) with rows in more than one part, and those parts. */
function studiesInSeveralParts(tables: readonly { rows: Row[] }[], parts: readonly string[], columns: readonly string[]): MergeSummary['splitStudies'] {
  if (!columns.includes('study_uid')) return [];
  const partsOf = new Map<string, Set<number>>();
  tables.forEach((table, part) => {
    for (const row of table.rows) {
      const study = normalizeForReduction(row['study_uid']);
      if (study === MISSING) continue;
      let found = partsOf.get(study);
      if (!found) partsOf.set(study, (found = new Set()));
      found.add(part);
    }
  });
  return [...partsOf]
    .filter(([, found]) => found.size > 1)
    .map(([study, found]) => ({ study, parts: [...found].sort((a, b) => a - b).map((part) => parts[part]!) }))
    .sort((a, b) => (a.study < b.study ? -1 : a.study > b.study ? 1 : 0));
}
