/**
 * Studies in a PACS → one row per series, reduced by core's reducer exactly as a folder of the
 * same files would be (`extractSeries`). Shared by `msc-serve` and `msc-predict --orthanc/--dicomweb`.
 */
import { normalizeForReduction, type Cell, type InstanceRow, type SeriesRow } from '@msc/core';
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
  /** The instance rows themselves, when asked for (thumbnails choose instances from them). */
  instanceRows?: InstanceRow[];
}

export async function readStudiesSeries(source: StudySource, studies: readonly string[], options: { keepInstances?: boolean } = {}): Promise<PacsSeries> {
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
  return { ...result, rows: reduceToSeries(instances), instances: instances.length, ...(options.keepInstances ? { instanceRows: instances } : {}) };
}

/** A predicted series by its key cells (as a series row or a prediction has them), with the label to write. */
export interface SeriesLabel {
  patient_id?: Cell | undefined;
  study_uid?: Cell | undefined;
  series_uid?: Cell | undefined;
  label: string;
}

/** The three key cells in the reducer's normal form (`-` when missing), joined. */
function seriesKey(patient: Cell | undefined, study: Cell | undefined, series: Cell | undefined): string {
  return `${normalizeForReduction(patient)}\u0000${normalizeForReduction(study)}\u0000${normalizeForReduction(series)}`;
}

/**
 * The Orthanc series each label goes to (for `OrthancClient.writeLabels`): predictions joined to the
 * series read on patient, study and series, all three in the reducer's normal form on both sides, so
 * a raw PatientID (`'PAT 7 '`, a missing one) meets the reduced row made from it, and one series UID
 * under two patients stays two series. Predictions with no Orthanc series (DICOMweb) are left out.
 */
export function labelTargets(series: readonly SeriesRef[], predictions: readonly SeriesLabel[]): { orthancId: string; label: string }[] {
  const ids = new Map<string, string>();
  for (const ref of series) if (ref.orthancId) ids.set(seriesKey(ref.patientId, ref.studyUid, ref.seriesUid), ref.orthancId);
  return predictions.flatMap((prediction) => {
    const orthancId = ids.get(seriesKey(prediction.patient_id, prediction.study_uid, prediction.series_uid));
    return orthancId ? [{ orthancId, label: prediction.label }] : [];
  });
}
