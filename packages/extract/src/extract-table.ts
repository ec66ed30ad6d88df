/**
 * Inputs → a feature table on disk: per instance or per series (core's reducer), plus a report of
 * every skipped file. Rows are committed in parts as they come (see checkpoint.ts), so memory stays
 * flat, a killed run leaves no output file and `resume` continues where it stopped.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  IMAGE_COLUMN_NAMES,
  MscError,
  assertDistinctPaths,
  checkOutputPath,
  createAtomicStream,
  inShard,
  lockOutput,
  makeOutputDirectory,
  seriesShardKey,
  sweepStaleTemporaries,
  type Row,
} from '@msc/core';
// Table I/O only: the series reducer loads when a run writes one row per series.
import { batchRows, createTableWriter, formatFromPath, readTable, readTableColumns, writeTable } from '@msc/tables/table';
import { Checkpoint, LOCK_FILE, checkpointDirFor, readSkippedFiles, type SkippedFile } from './checkpoint.js';
import { lineOf } from './events.js';
import { assertInputsExist, defaultWorkers, extractBatches, extractLineBatches, type ExtractOptions } from './extract.js';
import { instanceColumns } from './instance-columns.js';
import { THUMBNAIL_TABLE } from './thumbnails/contract.js';
import type { ThumbnailInstance } from './thumbnails/index.js';

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
  /** With thumbnails: series drawn, and series given the placeholder (each listed in the skipped-files report). */
  thumbnails?: { dir: string; decoded: number; placeholders: number };
  /**
   * With a folder shard: the folders a part was decided for (at the shard depth, and shallower
   * ones holding files; every shard sees them all), and how many are this shard's. Fewer folders
   * than shards leaves shards empty: a deeper depth spreads them.
   */
  shardFolders?: { all: number; own: number };
  /** What `resume` found and repaired (damaged parts, stale temporary files), in words. */
  notes: string[];
  seconds: number;
}

export interface ExtractToTableOptions extends ExtractOptions {
  perSeries?: boolean;
  /** Where the skipped-files table goes (none when undefined). */
  skippedReport?: string;
  /** Continue an interrupted run (its `<output>.partial/`), or add to an existing output. */
  resume?: boolean;
  /** Rows per committed part. Default 50,000. */
  checkpointRows?: number;
  onProgress?: (progress: { files: number; instances: number }) => void;
  /**
   * One thumbnail per series into this folder (`<series_uid>.png` and thumbnails.csv), made in a
   * second pass after the rows (thumbnails/): the header pass is the same with or without.
   */
  thumbnails?: { dir: string; size?: number };
}

/** What the skipped-files report says of a file whose series got the placeholder thumbnail. */
const THUMBNAIL_REASON = 'thumbnail placeholder';

function nothingFound(inputs: readonly string[], files: number, report: string | undefined): MscError {
  return new MscError('E_BAD_DATA', `no DICOM image instances found in ${inputs.join(', ')} (${files} files looked at)`, {
    hint: `check the folder (and --pattern / --dicom-recursion / --shard); ${report ? `${report} says why each file was not read` : 'the skipped-files report says why files were not read'}`,
  });
}

/** The columns of an existing table: a parquet's from its footer, no data decoded (undefined when it has none to tell). */
async function columnsOf(path: string): Promise<readonly string[] | undefined> {
  const columns = await readTableColumns(path);
  return columns.length > 0 ? columns : undefined;
}

/**
 * An earlier output that `resume` would add to must have the rows this run makes: per instance or
 * per series alike, with or without image columns. Mixing them gives a table that is neither.
 */
async function assertSameKind(outputPath: string, perSeries: boolean, image: boolean): Promise<void> {
  const columns = await columnsOf(outputPath);
  if (!columns) return;
  const priorPerSeries = !columns.includes('file_path');
  if (priorPerSeries !== perSeries) {
    throw new MscError(
      'E_USAGE',
      `${outputPath} holds one row per ${priorPerSeries ? 'series' : 'instance'}; --resume ${perSeries ? 'with' : 'without'} --per-series would add rows per ${perSeries ? 'series' : 'instance'} to it`,
      {
        path: outputPath,
        hint: `rerun ${priorPerSeries ? 'with' : 'without'} --per-series, or write to a new output`,
      },
    );
  }
  const priorImage = columns.includes(IMAGE_COLUMN_NAMES[0]!);
  if (priorImage !== image) {
    throw new MscError(
      'E_USAGE',
      `${outputPath} was written ${priorImage ? 'with' : 'without'} image features; --resume ${image ? 'with' : 'without'} them would mix both kinds of rows`,
      {
        path: outputPath,
        hint: `rerun with the same --feature-types, or write to a new output`,
      },
    );
  }
}

/** Checks done before any file is read: inputs exist, outputs are distinct and writable. */
async function checkBeforeWork(inputs: readonly string[], outputPath: string, report: string | undefined, thumbnails: string | undefined): Promise<void> {
  await assertInputsExist(inputs);
  if (report) formatFromPath(report);
  const inputFiles = inputs.filter((input) => statSync(input).isFile()).map((path) => ({ path, role: 'an input' }));
  assertDistinctPaths([{ path: outputPath, role: 'the output' }, ...(report ? [{ path: report, role: 'the skipped-files report' }] : [])], inputFiles);
  checkOutputPath(outputPath);
  if (report) checkOutputPath(report);
  if (thumbnails) checkOutputPath(join(thumbnails, THUMBNAIL_TABLE));
}

/** The table's columns, with the image columns when image features are computed; a file path is not a series property. */
function tableColumns(perSeries: boolean, image: boolean): readonly string[] {
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

/** The shard in a run's identity: `k/n` by study (as older runs wrote it), `k/n by folder, depth D`, `k/n by balanced, listing L, depth D`. */
function shardIdentity(options: ExtractOptions): string | null {
  if (options.shard) return `${options.shard.index}/${options.shard.count}`;
  const folder = options.folderShard;
  if (!folder) return null;
  const by = folder.balanced ? `balanced, listing ${folder.balanced.listing}` : 'folder';
  return `${folder.shard.index}/${folder.shard.count} by ${by}, depth ${folder.depth}`;
}

const seriesKeyOf = (row: Row) => seriesShardKey(String(row.study_uid), String(row.series_uid));

async function* rowsOf(path: string): AsyncGenerator<Row[]> {
  for await (const batch of readTable(path)) yield batchRows(batch);
}

export async function extractToTable(inputs: readonly string[], outputPath: string, options: ExtractToTableOptions = {}): Promise<ExtractSummary> {
  const start = performance.now();
  formatFromPath(outputPath);
  const image = options.image === true;
  await checkBeforeWork(inputs, outputPath, options.skippedReport, options.thumbnails?.dir);
  makeOutputDirectory(checkpointDirFor(outputPath), outputPath);
  const lock = lockOutput(join(checkpointDirFor(outputPath), LOCK_FILE), outputPath);
  const checkpoint = new Checkpoint(checkpointDirFor(outputPath), tableColumns(false, image), outputPath);
  try {
    return await extractLocked(inputs, outputPath, options, checkpoint, start);
  } catch (error) {
    await checkpoint.abandonGrownOutput();
    // A run that committed nothing leaves nothing to resume from.
    if (checkpoint.partPaths.length === 0) await checkpoint.remove();
    throw error;
  } finally {
    lock.release();
  }
}

async function extractLocked(
  inputs: readonly string[],
  outputPath: string,
  options: ExtractToTableOptions,
  checkpoint: Checkpoint,
  start: number,
): Promise<ExtractSummary> {
  const format = formatFromPath(outputPath);
  const perSeries = options.perSeries === true;
  const image = options.image === true;
  const notes: string[] = [];
  const prior = options.resume && existsSync(outputPath) ? outputPath : undefined;
  if (prior) await assertSameKind(prior, perSeries, image);
  // Temporaries of runs that were killed (their exit handlers never ran).
  const stale = sweepStaleTemporaries(dirname(resolve(outputPath)), [
    basename(outputPath),
    ...(options.skippedReport ? [basename(options.skippedReport)] : []),
  ]);
  const repaired = await checkpoint.open(
    {
      inputs: inputs.map((input) => resolve(input)),
      perSeries,
      shard: shardIdentity(options),
      pattern: options.pattern ?? null,
      maxDepth: options.maxDepth ?? null,
      featureTypes: image ? ['metadata', 'image'] : ['metadata'],
    },
    options.resume === true,
  );
  notes.push(...repaired);
  if (stale.length > 0) notes.push(`removed ${stale.length} temporary file(s) left by an interrupted run`);

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
  // A delimited output of this run's parts alone is their lines: it grows as they are committed.
  const partsAreOutput = (format === 'csv' || format === 'tsv') && !prior;
  if (partsAreOutput && !perSeries) checkpoint.growOutput(outputPath);

  const checkpointRows = options.checkpointRows ?? 50_000;
  const skippedThisRun: SkippedFile[] = [];
  let partialRows = 0;
  // Per series, the reducer needs rows; per instance, lines are all that is kept (as UTF-8 bytes).
  let pendingLines: Uint8Array[] = [];
  let pendingCount = 0;
  let pendingSkipped: SkippedFile[] = [];
  let files = 0;
  let instances = 0;
  const shard = options.shard;
  const wanted = (studyUid: string, seriesUid: string) => inShard(shard, studyUid, seriesUid) && !doneSeries.has(seriesShardKey(studyUid, seriesUid));
  const imageNotes: { reason: string }[] = [];
  // A partial row (damaged file) is kept, and its file listed in the skipped report with the damage.
  const notePartial = (path: string, partial: string) => {
    pendingSkipped.push({ path, reason: partial });
    partialRows += 1;
  };
  const accept = (path: string, studyUid: string, seriesUid: string, line: string, imageNote: string | undefined, partial: string | undefined) => {
    if (partial) notePartial(path, partial);
    if (imageNote) imageNotes.push({ reason: imageNote });
    instances += 1;
    series.add(seriesShardKey(studyUid, seriesUid));
    pendingLines.push(Buffer.from(line));
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
      pendingLines = [];
      pendingCount = 0;
      pendingSkipped = [];
    }
  };
  // Rows are filtered here, not in extractBatches, so that `files` counts every file looked at.
  const { keepRow, folderShard, ...extractOptions } = options;
  const folders = { all: 0, own: 0 };
  const readOptions = {
    ...extractOptions,
    ...(folderShard
      ? {
          folderShard: {
            ...folderShard,
            onFolder: (key: string, own: boolean) => {
              folders.all += 1;
              if (own) folders.own += 1;
              folderShard.onFolder?.(key, own);
            },
          },
        }
      : {}),
    // Looked up per file only when an earlier run left files.
    ...(donePaths.size > 0 ? { skipPath: (path: string) => donePaths.has(path) } : {}),
    onOtherShardFiles: (count: number) => {
      files += count;
    },
  };
  if (keepRow) {
    for await (const batch of extractBatches(inputs, readOptions)) {
      for (const event of batch) {
        if (event.kind === 'skipped') skip(event.path, event.reason);
        else if (wanted(event.row.study_uid, event.row.series_uid) && keepRow(event.row))
          accept(event.path, event.row.study_uid, event.row.series_uid, lineOf(event.row, checkpoint.lineFormat), event.imageNote, event.partial);
      }
      await afterBatch(batch.length);
    }
  } else {
    // The worker threads format the parts' lines; this thread only collects and writes them.
    for await (const batch of extractLineBatches(inputs, checkpoint.lineFormat, readOptions)) {
      const wantedSeries = batch.series.map(([studyUid, seriesUid]) => wanted(studyUid, seriesUid));
      const rowWanted = (row: number) => wantedSeries[batch.rowSeries[row]!]!;
      for (const note of batch.notes) {
        if (note.kind === 'skipped') skip(note.path, note.reason);
        else if (!rowWanted(note.row)) continue;
        else if (note.kind === 'partial') notePartial(note.path, note.reason);
        else imageNotes.push({ reason: note.reason });
      }
      batch.series.forEach(([studyUid, seriesUid], index) => {
        if (wantedSeries[index]) series.add(seriesShardKey(studyUid, seriesUid));
      });
      const rows = batch.lineEnds.length;
      if (wantedSeries.every(Boolean)) {
        if (rows > 0) pendingLines.push(batch.text);
        instances += rows;
        pendingCount += rows;
      } else {
        for (let row = 0; row < rows; row++) {
          if (!rowWanted(row)) continue;
          pendingLines.push(batch.text.subarray(row === 0 ? 0 : batch.lineEnds[row - 1], batch.lineEnds[row]));
          instances += 1;
          pendingCount += 1;
        }
      }
      await afterBatch(batch.files);
    }
  }
  if (pendingCount > 0 || pendingSkipped.length > 0) await checkpoint.commit(pendingLines, pendingSkipped);

  // What thumbnails need of the rows, read before assembling the output can move the parts away.
  const thumbnailInstances: ThumbnailInstance[] = [];
  // Loaded only when asked for: a header-only run loads none of the pixel code.
  const thumbnailCode = options.thumbnails ? await import('./thumbnails/index.js') : undefined;
  if (thumbnailCode) {
    const { thumbnailInstanceOf } = thumbnailCode;
    if (prior && !perSeries) for await (const rows of rowsOf(prior)) for (const row of rows) thumbnailInstances.push(thumbnailInstanceOf(row));
    for await (const part of checkpoint.committed()) for (const row of part.rows) thumbnailInstances.push(thumbnailInstanceOf(row));
  }
  // Assemble the output (and the skipped report) from the earlier output and the parts.
  const allSkipped = [...priorSkipped];
  for await (const part of checkpoint.committed(true)) allSkipped.push(...part.skipped);
  // An empty shard of a small archive is a normal outcome for a batch job; an empty archive is not.
  if (series.size === 0 && !shard && !folderShard) {
    if (options.skippedReport) await writeTable(options.skippedReport, ['path', 'reason'], allSkipped as unknown as Row[]);
    await checkpoint.remove();
    throw nothingFound(inputs, files, options.skippedReport);
  }
  if (perSeries) {
    const { SeriesReducer } = await import('@msc/tables');
    const reducer = new SeriesReducer();
    // An earlier series table passes through the reducer unchanged (one value per cell stays itself).
    if (prior) for await (const rows of rowsOf(prior)) for (const row of rows) reducer.add(row);
    for await (const part of checkpoint.committed()) for (const row of part.rows) reducer.add(row);
    await writeTable(outputPath, tableColumns(true, image), reducer.finish());
  } else if (partsAreOutput && (await checkpoint.finishGrownOutput())) {
    // Grown as the parts were committed.
  } else if (partsAreOutput && (await checkpoint.moveOnlyPartTo(outputPath))) {
    // One part: it is the output.
  } else if (partsAreOutput) {
    // Same format as the parts: the output is their concatenation, bytes copied, not re-parsed.
    const output = await createAtomicStream(outputPath);
    try {
      await output.write(checkpoint.headerLine());
      for (const part of checkpoint.partPaths) await output.write(await checkpoint.body(part));
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
  let thumbnails: ExtractSummary['thumbnails'];
  if (options.thumbnails && thumbnailCode) {
    const { dir, size } = options.thumbnails;
    const summary = await thumbnailCode.writeThumbnails(thumbnailInstances, dir, { workers: options.workers ?? defaultWorkers(), ...(size ? { size } : {}) });
    // This run's placeholders replace an earlier run's.
    const kept = allSkipped.filter((file) => !file.reason.startsWith(THUMBNAIL_REASON));
    allSkipped.length = 0;
    allSkipped.push(...kept);
    for (const record of summary.records)
      if (record.status === 'placeholder') allSkipped.push({ path: record.file, reason: `${THUMBNAIL_REASON}: ${record.reason}` });
    thumbnails = { dir, decoded: summary.decoded, placeholders: summary.placeholders };
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
    ...(thumbnails ? { thumbnails } : {}),
    ...(folderShard ? { shardFolders: folders } : {}),
    notes,
    seconds: (performance.now() - start) / 1000,
  };
}
