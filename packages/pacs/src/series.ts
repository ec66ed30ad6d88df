/**
 * Studies in a PACS → one row per series, reduced by core's reducer exactly as a folder of the
 * same files would be (`extractSeries`). Shared by `msc-serve` and `msc-predict --orthanc/--dicomweb`.
 */
import type { InstanceRow, SeriesRow } from '@msc/core';
import { reduceToSeries } from '@msc/tables';
import type { SeriesRef, StudySource } from './study.js';

export interface PacsSeries {
  rows: SeriesRow[];
  series: SeriesRef[];
  /** Studies the PACS does not have. */
  notFound: string[];
  /** Instances that are not image series, with the reason. */
  skipped: { study: string; instance: string; reason: string }[];
  instances: number;
}

export async function readStudiesSeries(source: StudySource, studies: readonly string[]): Promise<PacsSeries> {
  const instances: InstanceRow[] = [];
  const result: Omit<PacsSeries, 'rows' | 'instances'> = { series: [], notFound: [], skipped: [] };
  // Studies one after another (memory holds one study's JSON at a time); series within a study in parallel.
  for (const study of [...new Set(studies)]) {
    const found = await source.studyRows(study);
    if (!found.found) result.notFound.push(study);
    for (const row of found.rows) instances.push(row);
    result.series.push(...found.series);
    for (const { instance, reason } of found.skipped) result.skipped.push({ study, instance, reason });
  }
  return { ...result, rows: reduceToSeries(instances), instances: instances.length };
}
