/**
 * What a PACS client gives for one study: its instance rows (as msc-extract makes them from files),
 * the series it found, and what it could not read.
 */
import { MscError, type InstanceRow } from '@msc/core';
import { DEFAULT_MAX_INSTANCES_PER_STUDY, DEFAULT_MAX_SERIES_PER_STUDY, UpstreamError, type PacsHttpOptions } from './http.js';

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
export const UID_PATTERN = /^[0-9]+(\.[0-9]+)*$/;
/** Orthanc's resource ids: five groups of 8 hex digits (a SHA-1). */
export const ORTHANC_ID_PATTERN = /^[0-9a-f]{8}(-[0-9a-f]{8}){4}$/;

export function assertStudyUid(uid: string, allowOrthancId: boolean): void {
  if ((UID_PATTERN.test(uid) && uid.length <= 64) || (allowOrthancId && ORTHANC_ID_PATTERN.test(uid))) return;
  throw new MscError('E_USAGE', `not a StudyInstanceUID${allowOrthancId ? ' or Orthanc study id' : ''}: '${uid.slice(0, 80)}'`, {
    hint: 'a UID is digits and dots (1.2.840…), at most 64 characters',
  });
}

/** A UID a PACS sent, before it goes into a URL: digits and dots only (finding F15). */
export function isPacsUid(uid: string | undefined): uid is string {
  return uid !== undefined && uid.length <= 64 && UID_PATTERN.test(uid);
}

/**
 * Bounds on what one study may make MSC read (finding F6): a PACS announcing 200,000 series gets
 * an error naming the limit, not 200,000 calls.
 */
export class StudyBounds {
  private instances = 0;
  private readonly maxSeries: number;
  private readonly maxInstances: number;

  constructor(
    private readonly server: string,
    private readonly study: string,
    options: Pick<PacsHttpOptions, 'maxSeriesPerStudy' | 'maxInstancesPerStudy'>,
  ) {
    this.maxSeries = options.maxSeriesPerStudy ?? DEFAULT_MAX_SERIES_PER_STUDY;
    this.maxInstances = options.maxInstancesPerStudy ?? DEFAULT_MAX_INSTANCES_PER_STUDY;
  }

  series(count: number): void {
    if (count > this.maxSeries)
      throw new UpstreamError('protocol', `${this.server} lists ${count} series in study ${this.study}, more than the ${this.maxSeries} MSC reads per study`, {
        hint: 'raise server.max_series_per_study (msc-serve) if such studies are real',
      });
  }

  addInstances(count: number): void {
    this.instances += count;
    if (this.instances > this.maxInstances)
      throw new UpstreamError('protocol', `${this.server} lists more than ${this.maxInstances} instances in study ${this.study}`, {
        hint: 'raise server.max_instances_per_study (msc-serve) if such studies are real',
      });
  }
}

/** A JSON answer's list entries that are objects; anything else (null, numbers) is a protocol error (finding F16). */
export function objectEntries<T extends object>(server: string, what: string, list: unknown[]): T[] {
  for (const entry of list) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
      throw new UpstreamError('protocol', `${server} answered ${what} with a list holding ${entry === null ? 'null' : typeof entry} entries`);
  }
  return list as T[];
}
