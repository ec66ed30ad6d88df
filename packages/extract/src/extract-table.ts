/**
 * Inputs → a feature table on disk: per instance or per series (core's reducer), plus a report of
 * every skipped file. Rows are committed in parts as they come (see checkpoint.ts), so memory stays
 * flat, a killed run leaves no output file and `resume` continues where it stopped.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { MscError, createAtomicStream, inShard, seriesShardKey, type Row, type SeriesRow, type Shard } from '@msc/core';
import { SeriesReducer, batchRows, createTableWriter, formatFromPath, readTable, writeTable } from '@msc/tables';
import { Checkpoint, checkpointDirFor, readSkippedFiles, type SkippedFile } from './checkpoint.js';
import { lineOf } from './events.js';
import { extractBatches, extractLineBatches, type ExtractOptions } from './extract.js';
import { instanceColumns } from './instance-row.js';

export type { SkippedFile } from './checkpoint.js';

export interface ExtractSummary {
  /** Files looked at in this run. */
  files: number;
  /** Instances read in this run. */
  instances: number;
  /** Series in the output. */
  series: number;
  /** Files skipped in this run, by reason. */
  skipped: Record<string, number>;
  /** Rows of damaged files (what came before the damage; the skipped-files report says what broke). */
  partialRows: number;
  /** Files not read again because an earlier (interrupted or finished) run had them. */
  resumedFiles: number;
  /** With image features: rows whose image columns are empty, by reason. */
  imageFeaturesMissing?: Record<string, number>;
  seconds: number;
}

export interface ExtractToTableOptions extends ExtractOptions {
  perSeries?: boolean;
  /** Where the skipped-files table goes (none when undefined). */
  skippedReport?: string;
  /** Only the series of this shard. */
  shard?: Shard;
  /** Continue an interrupted run (its `<output>.partial/`), or add to an existing output. */
  resume?: boolean;
  /** Rows per committed part. Default 50,000. */
  checkpointRows?: number;
  onProgress?: (progress: { files: number; instances: number }) => void;
}

function nothingFound(inputs: readonly string[], files: number): MscError {
  return new MscError('E_BAD_DATA', `no DICOM image instances found in ${inputs.join(', ')} (${files} files looked at)`, {
    hint: 'check the folder (and --pattern / --dicom-recursion / --shard); the skipped-files report says why files were not read',
  });
}

/** The table's columns, with the image columns when image features are computed; a file path is not a series property. */
export function tableColumns(perSeries: boolean, image: boolean): readonly string[] {
  const columns = instanceColumns(image);
  return perSeries ? columns.filter((column) => column !== 'file_path') : columns;
}

function summarize(skipped: readonly { reason: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { reason } of skipped) {
    const key = reason.replace(/:.*$/, '');
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const seriesKeyOf = (row: Row) => seriesShardKey(String(row.study_uid), String(row.series_uid));

/** Extracts and reduces in memory (bounded by series count), for callers that predict directly. */
export async function extractSeries(
  inputs: readonly string[],
  options: ExtractOptions & { onFile?: (files: number) => void } = {},
): Promise<{ rows: SeriesRow[]; skipped: SkippedFile[]; instances: number }> {
  const reducer = new SeriesReducer();
  const skipped: SkippedFile[] = [];
  let instances = 0;
  let files = 0;
  for await (const batch of extractBatches(inputs, options)) {
    for (const event of batch) {
      if (event.kind === 'row') {
        reducer.add(event.row);
        instances += 1;
        if (event.partial) skipped.push({ path: event.path, reason: event.partial });
      } else skipped.push({ path: event.path, reason: event.reason });
    }
    files += batch.length;
    options.onFile?.(files);
  }
  return { rows: reducer.finish(), skipped, instances };
}

async function* rowsOf(path: string): AsyncGenerator<Row[]> {
  for await (const batch of readTable(path)) yield batchRows(batch);
}

export async function extractToTable(inputs: readonly string[], outputPath: string, options: ExtractToTableOptions = {}): Promise<ExtractSummary> {
  const start = performance.now();
  const format = formatFromPath(outputPath);
  const perSeries = options.perSeries === true;
  const image = options.image === true;
  const checkpoint = new Checkpoint(checkpointDirFor(outputPath), tableColumns(false, image), outputPath);
  await checkpoint.open(
    {
      inputs: inputs.map((input) => resolve(input)),
      perSeries,
      shard: options.shard ? `${options.shard.index}/${options.shard.count}` : null,
      pattern: options.pattern ?? null,
      maxDepth: options.maxDepth ?? null,
      featureTypes: image ? ['metadata', 'image'] : ['metadata'],
    },
    options.resume === true,
  );

  // What earlier runs already have: the committed parts, and (resume) a finished output.
  const donePaths = new Set<string>();
  const doneSeries = new Set<string>();
  const series = new Set<string>();
  for await (const part of checkpoint.committed()) {
    for (const row of part.rows) {
      donePaths.add(String(row.file_path));
      series.add(seriesKeyOf(row));
    }
    for (const file of part.skipped) donePaths.add(file.path);
  }
  const prior = options.resume && existsSync(outputPath) ? outputPath : undefined;
  const priorSkipped: SkippedFile[] = [];
  if (prior) {
    for await (const rows of rowsOf(prior)) {
      for (const row of rows) {
        series.add(seriesKeyOf(row));
        if (perSeries) doneSeries.add(seriesKeyOf(row));
        else donePaths.add(String(row.file_path));
      }
    }
    if (options.skippedReport && existsSync(options.skippedReport)) {
      priorSkipped.push(...(await readSkippedFiles(options.skippedReport)));
      for (const file of priorSkipped) donePaths.add(file.path);
    }
  }
  const resumedFiles = donePaths.size;

  const checkpointRows = options.checkpointRows ?? 50_000;
  const skippedThisRun: SkippedFile[] = [];
  let partialRows = 0;
  // Per series, the reducer needs rows; per instance, lines are all that is kept.
  let pendingLines = '';
  let pendingCount = 0;
  let pendingSkipped: SkippedFile[] = [];
  let files = 0;
  let instances = 0;
  const shard = options.shard;
  const wanted = (studyUid: string, seriesUid: string) => inShard(shard, studyUid, seriesUid) && !doneSeries.has(seriesShardKey(studyUid, seriesUid));
  const imageNotes: { reason: string }[] = [];
  // A partial row (damaged file) is kept, and its file listed in the skipped report with the damage.
  const accept = (path: string, studyUid: string, seriesUid: string, line: string, imageNote: string | undefined, partial: string | undefined) => {
    if (partial) {
      pendingSkipped.push({ path, reason: partial });
      partialRows += 1;
    }
    if (imageNote) imageNotes.push({ reason: imageNote });
    instances += 1;
    series.add(seriesShardKey(studyUid, seriesUid));
    pendingLines += line;
    pendingCount += 1;
  };
  const skip = (path: string, reason: string) => {
    pendingSkipped.push({ path, reason });
    skippedThisRun.push({ path, reason });
  };
  const afterBatch = async (size: number) => {
    files += size;
    options.onProgress?.({ files, instances });
    if (pendingCount >= checkpointRows || pendingSkipped.length >= checkpointRows) {
      await checkpoint.commit(pendingLines, pendingSkipped);
      pendingLines = '';
      pendingCount = 0;
      pendingSkipped = [];
    }
  };
  // Rows are filtered here, not in extractBatches, so that `files` counts every file looked at.
  const { keepRow, ...extractOptions } = options;
  const readOptions = { ...extractOptions, skipPath: (path: string) => donePaths.has(path) };
  if (keepRow) {
    for await (const batch of extractBatches(inputs, readOptions)) {
      for (const event of batch) {
        if (event.kind === 'skipped') skip(event.path, event.reason);
        else if (wanted(event.row.study_uid, event.row.series_uid) && keepRow(event.row)) accept(event.path, event.row.study_uid, event.row.series_uid, lineOf(event.row, checkpoint.lineFormat), event.imageNote, event.partial);
      }
      await afterBatch(batch.length);
    }
  } else {
    // The worker threads format the parts' lines; this thread only collects and writes them.
    for await (const batch of extractLineBatches(inputs, checkpoint.lineFormat, readOptions)) {
      for (const event of batch) {
        if (event.kind === 'skipped') skip(event.path, event.reason);
        else if (wanted(event.studyUid, event.seriesUid)) accept(event.path, event.studyUid, event.seriesUid, event.line, event.imageNote, event.partial);
      }
      await afterBatch(batch.length);
    }
  }
  if (pendingCount > 0 || pendingSkipped.length > 0) await checkpoint.commit(pendingLines, pendingSkipped);

  // Assemble the output (and the skipped report) from the earlier output and the parts.
  const allSkipped = [...priorSkipped];
  for await (const part of checkpoint.committed(true)) allSkipped.push(...part.skipped);
  // An empty shard of a small archive is a normal outcome for a batch job; an empty archive is not.
  if (series.size === 0 && !shard) {
    if (options.skippedReport) await writeTable(options.skippedReport, ['path', 'reason'], allSkipped as unknown as Row[]);
    await checkpoint.remove();
    throw nothingFound(inputs, files);
  }
  if (perSeries) {
    const reducer = new SeriesReducer();
    // An earlier series table passes through the reducer unchanged (one value per cell stays itself).
    if (prior) for await (const rows of rowsOf(prior)) for (const row of rows) reducer.add(row);
    for await (const part of checkpoint.committed()) for (const row of part.rows) reducer.add(row);
    await writeTable(outputPath, tableColumns(true, image), reducer.finish());
  } else if ((format === 'csv' || format === 'tsv') && !prior && (await checkpoint.moveOnlyPartTo(outputPath))) {
    // One part: it is the output.
  } else if ((format === 'csv' || format === 'tsv') && !prior) {
    // Same format as the parts: the output is their concatenation, bytes copied, not re-parsed.
    const output = await createAtomicStream(outputPath);
    try {
      output.stream.write(checkpoint.headerLine());
      for (const part of checkpoint.partPaths) {
        if (!output.stream.write(await checkpoint.body(part))) await new Promise<void>((done) => output.stream.once('drain', () => done()));
      }
      await output.commit();
    } catch (error) {
      await output.abort();
      throw error;
    }
  } else {
    const writer = await createTableWriter(outputPath, tableColumns(false, image));
    try {
      if (prior) for await (const rows of rowsOf(prior)) await writer.write(rows);
      for await (const part of checkpoint.committed()) await writer.write(part.rows);
      await writer.close();
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }
  if (options.skippedReport) await writeTable(options.skippedReport, ['path', 'reason'], allSkipped as unknown as Row[]);
  await checkpoint.remove();
  return {
    files,
    instances,
    series: series.size,
    skipped: summarize(skippedThisRun),
    partialRows,
    resumedFiles,
    ...(image ? { imageFeaturesMissing: summarize(imageNotes) } : {}),
    seconds: (performance.now() - start) / 1000,
  };
}
