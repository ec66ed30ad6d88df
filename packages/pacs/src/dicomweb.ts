/**
 * DICOMweb → instance rows. Per study: one QIDO-RS query for its series, one WADO-RS metadata call
 * per series (the original asked once per instance), and one bulk-data call per element that the
 * server sends as a `BulkDataURI` — private b-values with VR UN — only where they occur.
 */
import { normalizeForReduction, errorMessage, type InstanceRow } from '@msc/core';
import { PacsHttp, UpstreamError, type PacsEndpoint, type PacsHttpOptions, type PacsResponse } from './http.js';
import { HEADER_OPTIONS, NeedMoreBytes, instanceRow, parseHeader, placeFrom, type InstanceOutcome, type ParsedHeader, type Place } from '@msc/extract';
import { headerFromDicomJson, rawElement, rowFromHeader, type DicomJsonElement } from './rows.js';
import { StudyBounds, assertStudyUid, isPacsUid, objectEntries, type SeriesRef, type StudyRows, type StudySource } from './study.js';
import { numbersOf } from './thumbnails.js';

type DicomJson = Record<string, DicomJsonElement>;

const DICOM_JSON = 'application/dicom+json, application/json;q=0.9';
const DICOM_ACCEPT = 'multipart/related; type="application/dicom", application/dicom;q=0.9';
const BULK_ACCEPT = 'multipart/related; type="application/octet-stream", application/octet-stream;q=0.9';
const SERIES_INSTANCE_UID = '0020000E';
const SOP_INSTANCE_UID = '00080018';

/**
 * The header of a DICOM file being received (bare, or as the first part of a multipart body), once
 * enough bytes are in; undefined while more are needed.
 */
export function headerOfPartialFile(bytes: Uint8Array, complete: boolean): ParsedHeader | undefined {
  let start = 0;
  let end = bytes.length;
  if (bytes[0] === 0x2d && bytes[1] === 0x2d) {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headersEnd = text.indexOf('\r\n\r\n');
    if (headersEnd < 0) {
      if (complete) throw new UpstreamError('protocol', 'a WADO-RS instance answer has no part headers');
      return undefined;
    }
    start = headersEnd + 4;
    if (complete) end = Math.max(start, text.lastIndexOf('\r\n--'));
  }
  try {
    return parseHeader(bytes.subarray(start, end), complete, HEADER_OPTIONS);
  } catch (error) {
    if (error instanceof NeedMoreBytes && !complete) return undefined;
    throw new UpstreamError('protocol', `a WADO-RS instance answer is not a readable DICOM file: ${errorMessage(error)}`);
  }
}

/** The first part of a `multipart/related` body (a bulk-data answer), or the body itself when not multipart. */
export function firstMultipartPart(response: PacsResponse): Uint8Array {
  const match = /boundary="?([^";]+)"?/i.exec(response.contentType);
  if (!/^multipart\//i.test(response.contentType) || !match) return response.body;
  const body = Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength);
  const delimiter = Buffer.from(`--${match[1]}`);
  const start = body.indexOf(delimiter);
  if (start < 0) throw new UpstreamError('protocol', 'a bulk-data answer has no multipart boundary');
  const headersEnd = body.indexOf('\r\n\r\n', start);
  const next = body.indexOf(Buffer.from(`\r\n--${match[1]}`), headersEnd);
  if (headersEnd < 0 || next < 0) throw new UpstreamError('protocol', 'a bulk-data answer is a truncated multipart body');
  return new Uint8Array(body.subarray(headersEnd + 4, next));
}

function firstString(dataset: DicomJson, tag: string): string | undefined {
  const value = dataset[tag]?.Value?.[0];
  return typeof value === 'string' ? value : undefined;
}

export class DicomWebClient implements StudySource {
  readonly name = 'DICOMweb';
  private readonly http: PacsHttp;

  constructor(
    endpoint: PacsEndpoint,
    private readonly options: PacsHttpOptions = {},
  ) {
    this.http = new PacsHttp(endpoint, 'DICOMweb server', options);
  }

  get calls(): number {
    return this.http.calls;
  }

  get retries(): number {
    return this.http.retries;
  }

  /** A cheap query that tells whether the server answers (for health checks). */
  async ping(): Promise<void> {
    await this.http.request('GET', 'studies?limit=1', { accept: DICOM_JSON, allow: [204] });
  }

  private async getJson<T>(path: string): Promise<T | undefined> {
    const response = await this.http.request('GET', path, { accept: DICOM_JSON, allow: [204, 404] });
    if (response.status === 204 || response.status === 404 || response.body.length === 0) return undefined;
    return this.http.parseJson<T>(response, path);
  }

  async studyRows(study: string): Promise<StudyRows> {
    assertStudyUid(study, false);
    const answer = (await this.getJson<unknown>(`studies/${study}/series`)) ?? [];
    if (!Array.isArray(answer)) throw new UpstreamError('protocol', 'the DICOMweb server answered a series query with something other than a list');
    const found = objectEntries<DicomJson>('the DICOMweb server', 'a series query', answer);
    const announced = [...new Set(found.map((dataset) => firstString(dataset, SERIES_INSTANCE_UID)).filter((uid): uid is string => uid !== undefined))].sort();
    const bounds = new StudyBounds('the DICOMweb server', study, this.options);
    bounds.series(announced.length);
    const seriesUids = announced.filter(isPacsUid);
    const result: StudyRows = { requested: study, found: announced.length > 0, rows: [], series: [], skipped: [] };
    // A UID that is not digits and dots never goes into a URL; it is listed, not followed.
    for (const uid of announced)
      if (!isPacsUid(uid)) result.skipped.push({ instance: `series ${String(uid).slice(0, 80)}`, reason: 'the server gave an invalid SeriesInstanceUID' });
    const perSeries = await Promise.all(seriesUids.map((uid) => this.seriesRows(study, uid, bounds)));
    for (const part of perSeries) {
      result.rows.push(...part.rows);
      result.skipped.push(...part.skipped);
      if (part.rows.length > 0)
        result.series.push({
          patientId: normalizeForReduction(part.rows[0]!.patient_id),
          studyUid: part.rows[0]!.study_uid,
          seriesUid: part.rows[0]!.series_uid,
          instances: part.rows.length,
        });
    }
    return result;
  }

  /**
   * The header of one instance (read as far as its pixel data). Where it is only a shortcut for
   * several bulk-data reads, a server that cannot send the instance (some fail to, with HTTP 5xx)
   * leaves the bulk data to be read instead: undefined.
   */
  private async instanceHeader(study: string, series: string, instance: string, required: boolean): Promise<ParsedHeader | undefined> {
    try {
      return await this.http.prefix(`studies/${study}/series/${series}/instances/${instance}`, DICOM_ACCEPT, headerOfPartialFile);
    } catch (error) {
      if (required || !(error instanceof UpstreamError) || error.reason !== 'status') throw error;
      return undefined;
    }
  }

  /** Where each instance of a series lies, by row `file_path`: the series' metadata, one call. */
  async seriesPlaces(series: SeriesRef): Promise<Map<string, Place>> {
    const places = new Map<string, Place>();
    if (!isPacsUid(series.studyUid) || !isPacsUid(series.seriesUid)) return places;
    const answer = await this.getJson<unknown>(`studies/${series.studyUid}/series/${series.seriesUid}/metadata`);
    if (!Array.isArray(answer)) return places;
    for (const dataset of objectEntries<DicomJson>('the DICOMweb server', 'a metadata request', answer)) {
      const instance = firstString(dataset, SOP_INSTANCE_UID);
      if (!instance) continue;
      const value = (tag: string) => dataset[tag]?.Value;
      places.set(
        `dicomweb:${instance}`,
        placeFrom(numbersOf(value('00200012'))[0], numbersOf(value('00200013'))[0], numbersOf(value('00200032')), numbersOf(value('00200037'))),
      );
    }
    return places;
  }

  /** An instance's whole file (WADO-RS), by its row (`file_path` `dicomweb:<SOPInstanceUID>`). */
  async instanceFile(row: Pick<InstanceRow, 'file_path' | 'study_uid' | 'series_uid'>): Promise<Uint8Array> {
    const instance = String(row.file_path).replace(/^dicomweb:/, '');
    if (![instance, row.study_uid, row.series_uid].every((uid) => isPacsUid(String(uid))))
      throw new UpstreamError('protocol', `not a DICOMweb instance: ${String(row.file_path).slice(0, 80)}`);
    const response = await this.http.request('GET', `studies/${row.study_uid}/series/${row.series_uid}/instances/${instance}`, { accept: DICOM_ACCEPT });
    return firstMultipartPart(response);
  }

  private async seriesRows(study: string, series: string, bounds: StudyBounds): Promise<Pick<StudyRows, 'rows' | 'skipped'>> {
    const answer = await this.getJson<unknown>(`studies/${study}/series/${series}/metadata`);
    // A series the query listed but whose metadata is gone: said, not silently dropped.
    if (answer === undefined) return { rows: [], skipped: [{ instance: `series ${series}`, reason: 'the server has no metadata for this series' }] };
    if (!Array.isArray(answer)) throw new UpstreamError('protocol', 'the DICOMweb server answered a metadata request with something other than a list');
    const datasets = objectEntries<DicomJson>('the DICOMweb server', 'a metadata request', answer);
    bounds.addInstances(datasets.length);
    const rows: StudyRows['rows'] = [];
    const skipped: StudyRows['skipped'] = [];
    const outcomes = await Promise.all(
      datasets.map(async (dataset) => {
        const instance = firstString(dataset, SOP_INSTANCE_UID) ?? '?';
        const header = headerFromDicomJson(dataset);
        let outcome: InstanceOutcome;
        const headerRead =
          isPacsUid(instance) && (header.missing.some((item) => item.dropped) || header.missing.length > 1)
            ? await this.instanceHeader(
                study,
                series,
                instance,
                header.missing.some((item) => item.dropped),
              )
            : undefined;
        if (headerRead) {
          // The server left an element out, or several are bulk data: the instance's own header (its first bytes only) decides.
          outcome = instanceRow(headerRead, `dicomweb:${instance}`);
        } else {
          await Promise.all(
            header.missing.map(async ({ tag, bulkDataUri }) => {
              if (bulkDataUri === undefined) return;
              const response = await this.http.request('GET', bulkDataUri, { accept: BULK_ACCEPT });
              header.elements.set(tag, rawElement(tag, firstMultipartPart(response)));
            }),
          );
          outcome = rowFromHeader(header, `dicomweb:${instance}`);
        }
        return { instance, outcome };
      }),
    );
    outcomes.sort((a, b) => (a.instance < b.instance ? -1 : a.instance > b.instance ? 1 : 0));
    for (const { instance, outcome } of outcomes) {
      if (outcome.kind === 'row') rows.push(outcome.row);
      else skipped.push({ instance, reason: outcome.reason });
    }
    return { rows, skipped };
  }
}
