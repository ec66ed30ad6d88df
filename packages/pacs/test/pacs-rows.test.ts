/**
 * Studies read from a real Orthanc (REST and DICOMweb) give the rows msc-extract gives for the same
 * files — on a synthetic cohort and on real Siemens DWI mosaics whose b-values are private and UN —
 * with HTTP calls per study in O(series), raw values fetched only where the PACS cannot show them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNumber, type SeriesRow } from '@msc/core';
import { extractSeries } from '@msc/extract';
import { generateCohort } from '@msc/synth';
import {
  DicomWebClient,
  OrthancClient,
  firstMultipartPart,
  headerFromDicomJson,
  normalizeEndpoint,
  orthancLabel,
  parseTagKey,
  readStudiesSeries,
  rowFromHeader,
  supportsLabels,
} from '@msc/pacs';
import { localOrthancAvailable, startLocalOrthanc, type LocalOrthanc } from '@msc/pacs/testing';
import { NIBABEL_DWI_SERIES, nibabelFolder } from './support/nibabel.js';
import { filesBelow } from './support/files.js';
import { COMPRESSED_DWI, writeCompressedDwi } from './support/compressed-dwi.js';
import { unpackRealProstate } from '../../extract/test/real-prostate.js';

/** ProstateX-0000 (pipelines/real-prostate): a trace DWI series (b 50/400/800), its calculated b = 1000 series and the axial T2; b-values and directionality stored OB. */
const PROSTATE_PATIENT = 'ProstateX-0000';
const PROSTATE_SERIES = {
  trace: '1.3.6.1.4.1.14519.5.2.1.7311.5101.193930593885836732899229869284',
  calculated: '1.3.6.1.4.1.14519.5.2.1.7311.5101.338465037878158762935951983202',
  t2: '1.3.6.1.4.1.14519.5.2.1.7311.5101.160028252338004527274326500702',
};

const orthancReady = localOrthancAvailable();
if (!orthancReady.ok) console.warn(`pacs-rows.test: skipped: ${orthancReady.reason}`);

const keyOf = (row: SeriesRow) => `${row.patient_id}|${row.study_uid}|${row.series_uid}`;

/** Cells compared as DICOMweb can give them: numbers by value (DS/IS arrive as JSON numbers, `1.000000` as 1). */
function sameCell(fromFile: unknown, fromWeb: unknown): boolean {
  if (String(fromFile) === String(fromWeb)) return true;
  const a = String(fromFile).split(' ').map(parseNumber);
  const b = String(fromWeb).split(' ').map(parseNumber);
  return a.length === b.length && a.every((value, i) => Math.abs(value - b[i]!) <= 1e-12 * Math.max(1, Math.abs(value)));
}

describe('helpers', () => {
  it('reads credentials written into a URL, and names a bad percent-encoding without the secret (finding F17)', () => {
    const { base, authorization } = normalizeEndpoint({ url: 'http://msc:p%25ss@127.0.0.1:8042' }, 'Orthanc');
    expect(base.href).toBe('http://127.0.0.1:8042/');
    expect(authorization).toBe(`Basic ${Buffer.from('msc:p%ss').toString('base64')}`);
    expect(() => normalizeEndpoint({ url: 'http://u:100%x@127.0.0.1:9' }, 'Orthanc')).toThrow(
      /^Orthanc URL: the password written in it is not valid percent-encoding/,
    );
    try {
      normalizeEndpoint({ url: 'http://u:100%x@127.0.0.1:9' }, 'Orthanc');
    } catch (error) {
      expect(String(error)).not.toContain('100%x');
      expect((error as { code?: string }).code).toBe('E_USAGE');
    }
  });

  it('reads tag keys, labels and versions', () => {
    expect(parseTagKey('0019,100c')).toBe(0x0019100c);
    expect(parseTagKey('0019100C')).toBe(0x0019100c);
    expect(orthancLabel('Model_prostate mpmri.v2')).toBe('Model_prostate_mpmri_v2');
    expect(supportsLabels({ Version: '1.10.1', ApiVersion: 16 })).toBe(false);
    expect(supportsLabels({ Version: '1.12.0' })).toBe(true);
    expect(supportsLabels({ Version: 'mainline' })).toBe(true);
    expect(supportsLabels({ ApiVersion: 22 })).toBe(true);
  });

  it('takes the first part of a multipart bulk-data answer', () => {
    const body = Buffer.from('--abc\r\nContent-Type: application/octet-stream\r\n\r\n1000\r\n--abc--\r\n');
    expect(
      Buffer.from(firstMultipartPart({ status: 200, contentType: 'multipart/related; type="application/octet-stream"; boundary=abc', body })).toString(),
    ).toBe('1000');
    expect(Buffer.from(firstMultipartPart({ status: 200, contentType: 'application/octet-stream', body: Buffer.from('800') })).toString()).toBe('800');
  });

  it('turns DICOM JSON into the row extract makes (inline binary b-value, numbers, person names)', () => {
    const header = headerFromDicomJson({
      '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.4'] },
      '00100020': { vr: 'LO', Value: ['P1'] },
      '0020000D': { vr: 'UI', Value: ['1.2'] },
      '0020000E': { vr: 'UI', Value: ['1.2.3'] },
      '00080008': { vr: 'CS', Value: ['ORIGINAL', 'PRIMARY', 'DIFFUSION'] },
      '00181310': { vr: 'US', Value: [128, 0, 0, 128] },
      '00189087': { vr: 'FD', Value: [800] },
      '00180081': { vr: 'DS', Value: [93.5] },
      '00190010': { vr: 'LO', Value: ['SIEMENS MR HEADER'] },
      '0019100C': { vr: 'UN', InlineBinary: Buffer.from('800 ').toString('base64') },
      '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane' }] },
    });
    const outcome = rowFromHeader(header, 'x');
    expect(outcome.kind).toBe('row');
    const row = (outcome as { row: Record<string, string> }).row;
    expect(row.image_type).toBe('ORIGINAL PRIMARY DIFFUSION');
    expect(row.acquisition_matrix).toBe('128 0 0 128');
    expect(row.diffusion_bvalue).toBe('800.0'); // FD written as pydicom prints it, as from a file
    expect(row.diffusion_bvalue_siemens).toBe('800');
    expect(row.echo_time).toBe('93.5');
    expect(header.missing).toEqual([]);
  });
});

describe('private diffusion values in DICOM JSON', () => {
  const keys = {
    '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.4'] },
    '0020000D': { vr: 'UI', Value: ['1.2'] },
    '0020000E': { vr: 'UI', Value: ['1.2.3'] },
  };

  it('reads OB inline binary as the file reader does: number text, or FL bytes by the vendor definition', () => {
    const fl = new Uint8Array(4);
    new DataView(fl.buffer).setFloat32(0, 1000, true);
    const header = headerFromDicomJson({
      ...keys,
      '00190010': { vr: 'LO', Value: ['SIEMENS MR HEADER'] },
      '0019100C': { vr: 'OB', InlineBinary: Buffer.from('800 ').toString('base64') },
      '0019100D': { vr: 'OB', InlineBinary: Buffer.from('ISOTROPIC ').toString('base64') },
      '20010010': { vr: 'LO', Value: ['Philips Imaging DD 001'] },
      '20011003': { vr: 'OB', InlineBinary: Buffer.from(fl).toString('base64') },
      '00180024': { vr: 'SH', Value: ['*ep_b800t'] },
    });
    // The Siemens gradient direction is absent (isotropic images have none): not taken as dropped by the server.
    expect(header.missing).toEqual([]);
    const row = (rowFromHeader(header, 'x') as { row: Record<string, string> }).row;
    expect(row).toMatchObject({
      diffusion_bvalue_siemens: '800',
      diffusion_directionality_siemens: 'ISOTROPIC',
      diffusion_bvalue_philips: '1000.0',
      diffusion_bvalue_final: '800',
      diffusion_bvalue_sequence: '800',
      diffusion_gradient_direction_siemens: '-',
    });
  });

  it('asks for the CSA image header only for images that show diffusion', () => {
    const csa = { '00290010': { vr: 'LO', Value: ['SIEMENS CSA HEADER'] }, '00291010': { vr: 'OB', BulkDataURI: 'http://pacs/csa' } };
    const t2 = headerFromDicomJson({ ...keys, ...csa, '00080008': { vr: 'CS', Value: ['ORIGINAL', 'PRIMARY', 'M', 'ND'] } });
    expect(t2.missing).toEqual([]);
    const dwi = headerFromDicomJson({ ...keys, ...csa, '00080008': { vr: 'CS', Value: ['ORIGINAL', 'PRIMARY', 'DIFFUSION', 'NONE'] } });
    expect(dwi.missing).toEqual([{ tag: 0x00291010, column: 'diffusion_bvalue_csa', bulkDataUri: 'http://pacs/csa' }]);
  });
});

describe.skipIf(!orthancReady.ok)('studies from a real Orthanc', () => {
  let orthanc: LocalOrthanc;
  let dir: string;
  let expected: SeriesRow[];
  let studies: string[];
  let nibabel: string | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'msc-pacs-'));
    nibabel = await nibabelFolder(dir, 'the Orthanc tests on real Siemens DWI files');
    const cohort = await generateCohort({ outDir: join(dir, 'synth'), studies: 3, seed: 1305, maxInstancesPerSeries: 3 });
    // Enhanced MR: DWI series as single multi-frame files, values in the functional groups.
    const enhanced = await generateCohort({ outDir: join(dir, 'enhanced'), studies: 2, seed: 1302, maxInstancesPerSeries: 3, enhancedDwi: true });
    const prostate = unpackRealProstate(await mkdtemp(join(dir, 'prostate-')));
    const prostateSeries = Object.values(PROSTATE_SERIES).map((uid) => join(prostate, PROSTATE_PATIENT, uid));
    const compressed = await mkdtemp(join(dir, 'compressed-'));
    await writeCompressedDwi(compressed);
    const inputs = [cohort.outDir, enhanced.outDir, ...prostateSeries, compressed, ...(nibabel ? [nibabel] : [])];
    orthanc = await startLocalOrthanc();
    await orthanc.upload(inputs.flatMap(filesBelow));
    expected = (await extractSeries(inputs, { workers: 0 })).rows;
    studies = [...new Set(expected.map((row) => String(row.study_uid)))];
  });

  afterAll(async () => {
    await orthanc?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('gives, through the REST API, exactly the series rows extract gives from the files', async () => {
    const client = new OrthancClient({ url: orthanc.url });
    const got = await readStudiesSeries(client, studies);
    expect(got.notFound).toEqual([]);
    expect(got.rows.map(keyOf).sort()).toEqual(expected.map(keyOf).sort());
    const byKey = new Map(got.rows.map((row) => [keyOf(row), row]));
    for (const row of expected) expect(byKey.get(keyOf(row))).toEqual(row);
    // SEG and SR objects are reported, not predicted.
    expect(got.skipped.map((item) => item.reason)).toEqual(expect.arrayContaining([expect.stringMatching(/segmentation/i)]));
  });

  // Seed 1301 has a Philips DWI series whose FL b-value is stored as UN: Orthanc's DICOMweb plugin
  // leaves it out of the metadata, so this also checks that it is read from the instances instead.
  it('gives, through DICOMweb, the same rows (DS/IS compared as the numbers JSON carries)', async () => {
    const client = new DicomWebClient({ url: orthanc.dicomWebUrl });
    const got = await readStudiesSeries(client, studies);
    expect(got.rows.map(keyOf).sort()).toEqual(expected.map(keyOf).sort());
    const byKey = new Map(got.rows.map((row) => [keyOf(row), row]));
    for (const row of expected) {
      const web = byKey.get(keyOf(row))!;
      expect(Object.keys(web).sort()).toEqual(Object.keys(row).sort());
      for (const column of Object.keys(row))
        expect(sameCell(row[column], web[column]), `${row.series_description} ${column}: ${row[column]} vs ${web[column]}`).toBe(true);
    }
  });

  it('finds b-values that only the private, UN-encoded Siemens element holds', async ({ skip }) => {
    if (!nibabel) skip('nibabel files not in the real-scanner cache');
    const fromFiles = expected.find((row) => row.series_uid === NIBABEL_DWI_SERIES)!;
    expect(fromFiles.diffusion_bvalue).toBe('-');
    expect(fromFiles.diffusion_bvalue_siemens).toBe('0 1000');
    expect(fromFiles.diffusion_gradient_direction_csa).toContain('0.99997449 0.00505012 -0.00505012');
    for (const client of [new OrthancClient({ url: orthanc.url }), new DicomWebClient({ url: orthanc.dicomWebUrl })]) {
      const got = await readStudiesSeries(client, [String(fromFiles.study_uid)]);
      const dwi = got.rows.find((row) => row.series_uid === NIBABEL_DWI_SERIES)!;
      expect(dwi.diffusion_bvalue_siemens, client.name).toBe('0 1000');
      expect(dwi.diffusion_bvalue_final, client.name).toBe('0 1000');
      expect(dwi.diffusion_bvalue_csa, client.name).toBe('0 1000');
      expect(dwi.diffusion_gradient_direction_csa, client.name).toBe(fromFiles.diffusion_gradient_direction_csa);
      // One study call, one per series, one header read per DWI instance (each holds several private
      // diffusion values the PACS cannot show: b-value, directionality, CSA header): 1 + 1 + 2.
      expect(client.calls, client.name).toBe(4);
    }
  });

  it('asks once per series, plus once per instance holding values the PACS cannot show', async () => {
    for (const study of studies) {
      const client = new OrthancClient({ url: orthanc.url });
      const got = await readStudiesSeries(client, [study]);
      // Independent count from Orthanc's own answers: its series, and instances with private diffusion elements it shows as null.
      const found = (await (
        await fetch(`${orthanc.url}/tools/find`, { method: 'POST', body: JSON.stringify({ Level: 'Study', Query: { StudyInstanceUID: study }, Expand: true }) })
      ).json()) as { Series: string[] }[];
      const seriesIds = found.flatMap((item) => item.Series);
      let unreadable = 0;
      for (const id of seriesIds) {
        const tags = (await (await fetch(`${orthanc.url}/series/${id}/instances-tags?short`)).json()) as Record<string, Record<string, unknown>>;
        for (const instance of Object.values(tags)) {
          // The CSA image header (block 0x10 in these files) only where the image shows diffusion: a
          // Siemens b-value element, or ImageType DIFFUSION.
          const diffusion = Object.keys(instance).some((key) => /^0019,10[0-9a-f]c$/.test(key)) || /\\DIFFUSION(\\|$)/.test(String(instance['0008,0008']));
          const hidden = Object.entries(instance).filter(
            ([key, value]) =>
              value === null && (/^(0019,10[0-9a-f][cde]|0043,10[0-9a-f]9|2001,10[0-9a-f][34])$/.test(key) || (diffusion && key === '0029,1010')),
          ).length;
          // One raw value read, or one header read for several.
          unreadable += Math.min(hidden, 1);
        }
      }
      expect(client.calls, study).toBe(1 + seriesIds.length + unreadable);
      expect(got.instances).toBeGreaterThan(0);
    }
  });

  it('reads the OB-stored Siemens b-values of real ProstateX files as the files give them', async () => {
    const fromFiles = (uid: string) => expected.find((row) => row.series_uid === uid)!;
    expect(fromFiles(PROSTATE_SERIES.trace).diffusion_bvalue_siemens).toBe('50 400 800');
    expect(fromFiles(PROSTATE_SERIES.calculated).diffusion_bvalue_siemens).toBe('1000');
    expect(fromFiles(PROSTATE_SERIES.t2).diffusion_bvalue_siemens).toBe('-');
    for (const client of [new OrthancClient({ url: orthanc.url }), new DicomWebClient({ url: orthanc.dicomWebUrl })]) {
      const got = await readStudiesSeries(client, [String(fromFiles(PROSTATE_SERIES.trace).study_uid)]);
      for (const uid of Object.values(PROSTATE_SERIES)) {
        const row = got.rows.find((item) => item.series_uid === uid)!;
        for (const column of ['diffusion_bvalue_siemens', 'diffusion_bvalue_final', 'diffusion_directionality_siemens', 'diffusion_bvalue_sequence'])
          expect(row[column], `${client.name} ${uid} ${column}`).toBe(fromFiles(uid)[column]);
      }
    }
  });

  it('reads, through DICOMweb, the bulk data of an instance the server cannot send (JPEG 2000, no codec in Orthanc 1.10)', async () => {
    const fromFiles = expected.find((row) => row.series_uid === COMPRESSED_DWI.series)!;
    expect(fromFiles.diffusion_bvalue_siemens).toBe('1000');
    const client = new DicomWebClient({ url: orthanc.dicomWebUrl });
    const got = await readStudiesSeries(client, [COMPRESSED_DWI.study]);
    expect(got.rows).toHaveLength(1);
    expect(got.rows[0]).toMatchObject({ diffusion_bvalue_siemens: '1000', diffusion_directionality_siemens: 'ISOTROPIC', diffusion_bvalue_sequence: '1000' });
    // The series query, its metadata, the instance read the server fails, then the two values' bulk data.
    expect(client.calls).toBe(5);
    const rest = new OrthancClient({ url: orthanc.url });
    expect((await readStudiesSeries(rest, [COMPRESSED_DWI.study])).rows).toEqual([fromFiles]);
    // The study, its series, one header read for the instance's two hidden values.
    expect(rest.calls).toBe(3);
  });

  it('reports studies the PACS does not have, and accepts Orthanc study ids', async () => {
    const rest = await readStudiesSeries(new OrthancClient({ url: orthanc.url }), ['1.2.3.4.5', studies[0]!]);
    expect(rest.notFound).toEqual(['1.2.3.4.5']);
    const web = await readStudiesSeries(new DicomWebClient({ url: orthanc.dicomWebUrl }), ['1.2.3.4.5']);
    expect(web.notFound).toEqual(['1.2.3.4.5']);
    expect(web.rows).toEqual([]);
    const [study] = (await (
      await fetch(`${orthanc.url}/tools/find`, { method: 'POST', body: JSON.stringify({ Level: 'Study', Query: { StudyInstanceUID: studies[0] } }) })
    ).json()) as string[];
    const byId = await readStudiesSeries(new OrthancClient({ url: orthanc.url }), [study!]);
    expect(byId.rows).toEqual(rest.rows);
    await expect(readStudiesSeries(new OrthancClient({ url: orthanc.url }), ['*'])).rejects.toThrow(/not a StudyInstanceUID/);
  });
});
