/**
 * What a PACS client gives for one study: its instance rows (as msc-extract makes them from files),
 * the series it found, and what it could not read.
 */
import { MscError, type InstanceRow } from '@msc/core';

export interface SeriesRef {
  /** As the series row has it (`-` when missing): one UID can live under two patients. */
  patientId: string;
  studyUid: string;
  seriesUid: string;
  /** Orthanc's own id of the series (Orthanc only; needed to write labels back). */
  orthancId?: string;
  /** Image instances read. */
  instances: number;
}

export interface StudyRows {
  /** The study as asked for (a StudyInstanceUID or an Orthanc id). */
  requested: string;
  /** False when the PACS has no such study. */
  found: boolean;
  rows: InstanceRow[];
  series: SeriesRef[];
  /** Instances that are not image series (SEG, SR, no SOPClassUID…), with the reason. */
  skipped: { instance: string; reason: string }[];
}

/** A PACS the series of a study can be read from. */
export interface StudySource {
  /** Orthanc or DICOMweb, for messages. */
  readonly name: string;
  /** HTTP calls made so far. */
  readonly calls: number;
  /** Calls sent again after a stale pooled connection (not in `calls`). */
  readonly retries: number;
  studyRows(study: string): Promise<StudyRows>;
}

/** A DICOM UID: digits and dots, at most 64 characters (also stops PACS wildcards such as `*`). */
const UID_PATTERN = /^[0-9]+(\.[0-9]+)*$/;
/** Orthanc's resource ids: five groups of 8 hex digits (a SHA-1). */
export const ORTHANC_ID_PATTERN = /^[0-9a-f]{8}(-[0-9a-f]{8}){4}$/;

export function assertStudyUid(uid: string, allowOrthancId: boolean): void {
  if ((UID_PATTERN.test(uid) && uid.length <= 64) || (allowOrthancId && ORTHANC_ID_PATTERN.test(uid))) return;
  throw new MscError('E_USAGE', `not a StudyInstanceUID${allowOrthancId ? ' or Orthanc study id' : ''}: '${uid.slice(0, 80)}'`, {
    hint: 'a UID is digits and dots (1.2.840…), at most 64 characters',
  });
}
