/**
 * Orthanc's REST API → instance rows, and labels written back. Per study: one `/tools/find` (or
 * one `/studies/{id}` for an Orthanc id), one `/series/{id}/instances-tags?short` per series (the
 * original asked once per instance), and one `/instances/{id}/content/{tag}` per element Orthanc
 * shows as null — private b-values with VR UN — only in the series that carry them.
 */
import { CLASS_LABELS, MscError, normalizeForReduction, type InstanceRow } from '@msc/core';
import { PacsHttp, UpstreamError, type PacsEndpoint, type PacsHttpOptions } from './http.js';
import { instanceRow, placeFrom, type InstanceOutcome, type Place } from '@msc/extract';
import { headerOfPartialFile } from './dicomweb.js';
import { headerFromOrthanc, orthancTagPath, rawElement, rowFromHeader } from './rows.js';
import { ORTHANC_ID_PATTERN, StudyBounds, assertStudyUid, objectEntries, type SeriesRef, type StudyRows, type StudySource } from './study.js';
import { numbersOf } from './thumbnails.js';

interface OrthancStudy {
  ID: string;
  Series: string[];
  MainDicomTags?: { StudyInstanceUID?: string };
}

export interface OrthancSystem {
  Version?: string;
  ApiVersion?: number;
  Name?: string;
}

/** How labels go back: Orthanc labels (1.12+), else series metadata under a `UserMetadata` key. */
export type LabelMethod = 'labels' | 'metadata';

/** Orthanc 1.12.0 (REST API version 20) introduced labels. */
export function supportsLabels(system: OrthancSystem): boolean {
  const version = system.Version ?? '';
  if (version === 'mainline') return true;
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (match) return Number(match[1]) > 1 || (Number(match[1]) === 1 && Number(match[2]) >= 12);
  return (system.ApiVersion ?? 0) >= 20;
}

/** A label as Orthanc accepts it: letters, digits, `_` and `-`. */
export function orthancLabel(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 64);
}

export class OrthancClient implements StudySource {
  readonly name = 'Orthanc';
  private readonly http: PacsHttp;

  constructor(
    endpoint: PacsEndpoint,
    private readonly options: PacsHttpOptions = {},
  ) {
    this.http = new PacsHttp(endpoint, 'Orthanc', options);
  }

  get calls(): number {
    return this.http.calls;
  }

  get retries(): number {
    return this.http.retries;
  }

  async system(): Promise<OrthancSystem> {
    return (await this.http.json<OrthancSystem>('GET', 'system')).value ?? {};
  }

  /** The Orthanc studies for a StudyInstanceUID (several when the UID is reused across patients) or an Orthanc id. */
  async findStudies(study: string): Promise<OrthancStudy[]> {
    assertStudyUid(study, true);
    if (ORTHANC_ID_PATTERN.test(study)) {
      const { status, value } = await this.http.json<OrthancStudy>('GET', `studies/${study}`, undefined, [404]);
      return status === 404 || !value ? [] : [value];
    }
    const { value } = await this.http.json<OrthancStudy[]>('POST', 'tools/find', { Level: 'Study', Query: { StudyInstanceUID: study }, Expand: true });
    if (!Array.isArray(value)) throw new UpstreamError('protocol', `Orthanc answered /tools/find with something other than a list`);
    return objectEntries<OrthancStudy>('Orthanc', '/tools/find', value);
  }

  async studyRows(study: string): Promise<StudyRows> {
    const studies = await this.findStudies(study);
    const result: StudyRows = { requested: study, found: studies.length > 0, rows: [], series: [], skipped: [] };
    const announced = studies.flatMap((found) => (Array.isArray(found.Series) ? found.Series : []));
    const bounds = new StudyBounds('Orthanc', study, this.options);
    bounds.series(announced.length);
    // Only Orthanc ids go into URLs (finding F15).
    const seriesIds = announced.filter((id): id is string => typeof id === 'string' && ORTHANC_ID_PATTERN.test(id));
    for (const id of announced.filter((id) => !seriesIds.includes(id as string)))
      result.skipped.push({ instance: `series ${String(id).slice(0, 80)}`, reason: 'Orthanc gave an invalid series id' });
    const perSeries = await Promise.all(seriesIds.map((id) => this.seriesRows(id, bounds)));
    for (const part of perSeries) {
      result.rows.push(...part.rows);
      result.skipped.push(...part.skipped);
      if (part.series) result.series.push(part.series);
    }
    return result;
  }

  private async seriesRows(
    seriesId: string,
    bounds: StudyBounds,
  ): Promise<{ rows: StudyRows['rows']; skipped: StudyRows['skipped']; series: SeriesRef | undefined }> {
    const { value } = await this.http.json<unknown>('GET', `series/${seriesId}/instances-tags?short`);
    if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value)))
      throw new UpstreamError('protocol', 'Orthanc answered /instances-tags with something other than an object');
    const all = Object.entries((value ?? {}) as Record<string, unknown>);
    bounds.addInstances(all.length);
    const entries = all.filter(([id]) => ORTHANC_ID_PATTERN.test(id));
    objectEntries(
      'Orthanc',
      '/instances-tags',
      entries.map(([, tags]) => tags),
    );
    const instances = (entries as [string, Record<string, unknown>][]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const rows: StudyRows['rows'] = [];
    const skipped: StudyRows['skipped'] = all
      .filter(([id]) => !ORTHANC_ID_PATTERN.test(id))
      .map(([id]) => ({ instance: id.slice(0, 80), reason: 'Orthanc gave an invalid instance id' }));
    await Promise.all(
      instances.map(async ([instanceId, tags]) => {
        const header = headerFromOrthanc(tags);
        const source = `orthanc:instances/${instanceId}`;
        let outcome: InstanceOutcome;
        if (header.missing.length > 1) {
          // Several values Orthanc cannot show (a diffusion image's private b-value, directions, CSA
          // header): one read of the instance's header, as far as its pixel data, instead of one each.
          outcome = instanceRow(await this.http.prefix(`instances/${instanceId}/file`, 'application/dicom', headerOfPartialFile), source);
        } else {
          // One value Orthanc cannot show (VR UN, OB): fetched raw, for these instances only.
          await Promise.all(
            header.missing.map(async ({ tag }) => {
              const response = await this.http.request('GET', `instances/${instanceId}/content/${orthancTagPath(tag)}`, { allow: [404] });
              if (response.status !== 404) header.elements.set(tag, rawElement(tag, response.body));
            }),
          );
          outcome = rowFromHeader(header, source);
        }
        if (outcome.kind === 'row') rows.push(outcome.row);
        else skipped.push({ instance: instanceId, reason: outcome.reason });
      }),
    );
    // Rows in instance-id order, whatever order the raw fetches finished in.
    rows.sort((a, b) => (a.file_path! < b.file_path! ? -1 : a.file_path! > b.file_path! ? 1 : 0));
    const first = rows[0];
    const series = first
      ? {
          patientId: normalizeForReduction(first.patient_id),
          studyUid: first.study_uid,
          seriesUid: first.series_uid,
          orthancId: seriesId,
          instances: rows.length,
        }
      : undefined;
    return { rows, skipped, series };
  }

  /** Where each instance of a series lies, by row `file_path`: one call for the series' tags. */
  async seriesPlaces(series: SeriesRef): Promise<Map<string, Place>> {
    const places = new Map<string, Place>();
    if (!series.orthancId) return places;
    const { value } = await this.http.json<Record<string, Record<string, unknown>>>('GET', `series/${series.orthancId}/instances-tags?short`);
    for (const [id, tags] of Object.entries(value ?? {})) {
      if (!ORTHANC_ID_PATTERN.test(id) || tags === null || typeof tags !== 'object') continue;
      places.set(
        `orthanc:instances/${id}`,
        placeFrom(numbersOf(tags['0020,0012'])[0], numbersOf(tags['0020,0013'])[0], numbersOf(tags['0020,0032']), numbersOf(tags['0020,0037'])),
      );
    }
    return places;
  }

  /** An instance's whole file, by its row's `file_path` (`orthanc:instances/<id>`). */
  async instanceFile(row: Pick<InstanceRow, 'file_path'>): Promise<Uint8Array> {
    const id = String(row.file_path).replace(/^orthanc:instances\//, '');
    if (!ORTHANC_ID_PATTERN.test(id)) throw new UpstreamError('protocol', `not an Orthanc instance: ${String(row.file_path).slice(0, 80)}`);
    return (await this.http.request('GET', `instances/${id}/file`, { accept: 'application/dicom' })).body;
  }

  /**
   * Writes each series' label: as Orthanc labels where the server has them (plus `Model_<id>` on
   * the study, as the original did), else as series metadata under `metadataKey`, which Orthanc's
   * configuration must declare in `UserMetadata`.
   */
  async writeLabels(
    labels: readonly { orthancId: string; label: string }[],
    options: { modelId: string; metadataKey: string },
  ): Promise<{ method: LabelMethod; written: number }> {
    const method: LabelMethod = supportsLabels(await this.system()) ? 'labels' : 'metadata';
    let written = 0;
    if (method === 'labels') {
      const studies = new Set<string>();
      await Promise.all(
        labels.map(async ({ orthancId, label }) => {
          const { value } = await this.http.json<{ Labels?: string[]; ParentStudy?: string }>('GET', `series/${orthancId}`);
          const wanted = orthancLabel(label);
          // A series carries one class label: an earlier run's other class goes.
          for (const old of value?.Labels ?? []) {
            if (old !== wanted && CLASS_LABEL_SET.has(old)) await this.http.request('DELETE', `series/${orthancId}/labels/${encodeURIComponent(old)}`);
          }
          await this.http.request('PUT', `series/${orthancId}/labels/${encodeURIComponent(wanted)}`, { body: '' });
          if (value?.ParentStudy) studies.add(value.ParentStudy);
          written += 1;
        }),
      );
      for (const study of studies)
        await this.http.request('PUT', `studies/${study}/labels/${encodeURIComponent(orthancLabel(`Model_${options.modelId}`))}`, { body: '' });
      return { method, written };
    }
    await Promise.all(
      labels.map(async ({ orthancId, label }) => {
        try {
          await this.http.request('PUT', `series/${orthancId}/metadata/${encodeURIComponent(options.metadataKey)}`, { body: label, contentType: 'text/plain' });
        } catch (error) {
          if (error instanceof UpstreamError && error.reason === 'status' && error.status !== undefined && error.status < 500) {
            throw new MscError(
              'E_UPSTREAM',
              `Orthanc refused series metadata '${options.metadataKey}' (HTTP ${error.status}); this Orthanc (${await this.versionText()}) has no labels`,
              {
                hint: `declare the key in Orthanc's configuration: "UserMetadata": { "${options.metadataKey}": 1024 }`,
                cause: error,
              },
            );
          }
          throw error;
        }
        written += 1;
      }),
    );
    return { method, written };
  }

  /** Series metadata as written by `writeLabels` (for checks and tests). */
  async readLabel(orthancId: string, metadataKey: string): Promise<{ labels: string[]; metadata: string | undefined }> {
    const { value } = await this.http.json<{ Labels?: string[] }>('GET', `series/${orthancId}`);
    const response = await this.http.request('GET', `series/${orthancId}/metadata/${encodeURIComponent(metadataKey)}`, { allow: [404] });
    return { labels: value?.Labels ?? [], metadata: response.status === 404 ? undefined : Buffer.from(response.body).toString('utf8') };
  }

  private async versionText(): Promise<string> {
    try {
      return `version ${(await this.system()).Version ?? 'unknown'}`;
    } catch {
      return 'version unknown';
    }
  }
}

/** Labels a run may have written: the classes, and `uncertain` (below --min-confidence). */
const CLASS_LABEL_SET: ReadonlySet<string> = new Set<string>([...CLASS_LABELS, 'uncertain']);
