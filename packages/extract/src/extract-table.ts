/**
 * Inputs → a feature table on disk: per instance (streamed out as rows arrive) or per series
 * (core's reducer), plus a report of every skipped file. Shared by msc-extract and msc-predict.
 */
import { COLUMNS, MscError, SeriesReducer, createTableWriter, writeTable, type Row, type SeriesRow } from '@msc/core';
import { extractInstances, type ExtractOptions } from './extract.js';

export interface ExtractSummary {
  files: number;
  instances: number;
  series: number;
  skipped: Record<string, number>;
  seconds: number;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

function nothingFound(inputs: readonly string[], files: number): MscError {
  return new MscError('E_BAD_DATA', `no DICOM image instances found in ${inputs.join(', ')} (${files} files looked at)`, {
    hint: 'check the folder (and --pattern / --dicom-recursion); the skipped-files report says why files were not read',
  });
}

/** Instance-table columns: the tag table's, then bookkeeping. */
export const INSTANCE_COLUMNS: readonly string[] = [...COLUMNS.map((spec) => spec.name), 'diffusion_bvalue_final'].filter((name, i, all) => all.indexOf(name) === i);

function summarize(skipped: SkippedFile[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { reason } of skipped) {
    const key = reason.replace(/:.*$/, '');
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Extracts and reduces in memory (bounded by series count), for callers that predict directly. */
export async function extractSeries(inputs: readonly string[], options: ExtractOptions & { onFile?: (files: number) => void } = {}): Promise<{ rows: SeriesRow[]; skipped: SkippedFile[]; instances: number }> {
  const reducer = new SeriesReducer();
  const skipped: SkippedFile[] = [];
  let instances = 0;
  let files = 0;
  for await (const event of extractInstances(inputs, options)) {
    files += 1;
    options.onFile?.(files);
    if (event.kind === 'row') {
      reducer.add(event.row);
      instances += 1;
    } else skipped.push({ path: event.path, reason: event.reason });
  }
  return { rows: reducer.finish(), skipped, instances };
}

export async function extractToTable(
  inputs: readonly string[],
  outputPath: string,
  options: ExtractOptions & { perSeries?: boolean; skippedReport?: string; onFile?: (files: number) => void } = {},
): Promise<ExtractSummary> {
  const start = performance.now();
  const skipped: SkippedFile[] = [];
  let files = 0;
  let instances = 0;
  let series = 0;
  if (options.perSeries) {
    const result = await extractSeries(inputs, options);
    skipped.push(...result.skipped);
    files = result.instances + result.skipped.length;
    instances = result.instances;
    series = result.rows.length;
    if (options.skippedReport) await writeTable(options.skippedReport, ['path', 'reason'], skipped as unknown as Row[]);
    if (instances === 0) throw nothingFound(inputs, files);
    const columns = INSTANCE_COLUMNS.filter((column) => column !== 'file_path');
    await writeTable(outputPath, columns, result.rows);
  } else {
    const writer = await createTableWriter(outputPath, INSTANCE_COLUMNS);
    const seriesSeen = new Set<string>();
    let pending: Row[] = [];
    try {
      for await (const event of extractInstances(inputs, options)) {
        files += 1;
        options.onFile?.(files);
        if (event.kind === 'skipped') {
          skipped.push({ path: event.path, reason: event.reason });
          continue;
        }
        instances += 1;
        seriesSeen.add(`${event.row.study_uid}\u0000${event.row.series_uid}`);
        pending.push(event.row);
        if (pending.length >= 4096) {
          await writer.write(pending);
          pending = [];
        }
      }
      if (options.skippedReport) await writeTable(options.skippedReport, ['path', 'reason'], skipped as unknown as Row[]);
      if (instances === 0) throw nothingFound(inputs, files);
      await writer.write(pending);
      await writer.close();
    } catch (error) {
      await writer.abort();
      throw error;
    }
    series = seriesSeen.size;
  }
  return { files, instances, series, skipped: summarize(skipped), seconds: (performance.now() - start) / 1000 };
}
