/**
 * Thumbnails of studies in a real Orthanc, over its REST API and over DICOMweb: the middle slice by
 * position (from one series-level call), the instance fetched whole and drawn exactly as
 * msc-extract draws the same file, and thumbnails.csv growing study by study.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTableAll } from '@msc/tables';
import { thumbnailFileName, thumbnailOfFile } from '@msc/extract';
import { DicomWebClient, OrthancClient, readStudiesSeries, writePacsThumbnails } from '@msc/pacs';
import { localOrthancAvailable, startLocalOrthanc, type LocalOrthanc } from '@msc/pacs/testing';
import { PYDICOM_TEST_FILES } from '../../../test-support/oracles.js';

const orthancReady = localOrthancAvailable();
if (!orthancReady.ok) console.warn(`pacs thumbnails.test: skipped: ${orthancReady.reason}`);

/** pydicom's DICOMDIR test set: two studies, each a series of three slices whose instance numbers do not follow position. */
const MR2 = join(PYDICOM_TEST_FILES, 'dicomdirtests/98892003/MR2');
const STUDY_A = '1.3.6.1.4.1.5962.1.1.0.0.0.1196533885.18148.0.133';
const STUDY_B = '1.3.6.1.4.1.5962.1.1.0.0.0.1196533885.18148.0.1';
/** Positions along the normal 0.70, 2.09, 18.75: the middle is 4950 (instance 1), not 5011 (instance 2). */
const MIDDLE_A = '1.3.6.1.4.1.5962.1.1.0.0.0.1196533885.18148.0.137';
/** Positions 0.70, 5.21, 11.88: 6935. */
const MIDDLE_B = '1.3.6.1.4.1.5962.1.1.0.0.0.1196533885.18148.0.20';

describe.skipIf(!orthancReady.ok)('thumbnails of PACS studies', () => {
  let orthanc: LocalOrthanc;
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'msc-pacs-thumbnails-'));
    const files = join(work, 'files');
    mkdirSync(files);
    for (const name of ['4950', '4981', '5011', '6273', '6605', '6935']) copyFileSync(join(MR2, name), join(files, name));
    orthanc = await startLocalOrthanc();
    expect(await orthanc.upload(['4950', '4981', '5011', '6273', '6605', '6935'].map((name) => join(files, name)))).toBe(6);
  });
  afterAll(async () => {
    await orthanc?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  for (const kind of ['Orthanc', 'DICOMweb'] as const) {
    it(`draws the middle slice of each series of ${kind} studies, as msc-extract draws the file`, async () => {
      const client = kind === 'Orthanc' ? new OrthancClient({ url: orthanc.url }) : new DicomWebClient({ url: orthanc.dicomWebUrl });
      const dir = join(work, `thumbs-${kind}`);
      for (const study of [STUDY_A, STUDY_B]) {
        const found = await readStudiesSeries(client, [study], { keepInstances: true });
        const records = await writePacsThumbnails(client, { instanceRows: found.instanceRows!, series: found.series }, dir);
        expect(records).toHaveLength(1);
        expect(records[0]).toMatchObject({ study_uid: study, status: 'decoded', reason: '' });
      }
      const table = await readTableAll(join(dir, 'thumbnails.csv'));
      expect(table.rows.map((row) => String(row.study_uid)).sort()).toEqual([STUDY_B, STUDY_A].sort());
      const chosen = table.rows.map((row) => String(row.file));
      if (kind === 'DICOMweb') expect(chosen.sort()).toEqual([`dicomweb:${MIDDLE_A}`, `dicomweb:${MIDDLE_B}`].sort());
      // The same pixels as the file drawn by msc-extract: 4950 and 6935.
      for (const [row, file] of [
        [table.rows.find((r) => r.study_uid === STUDY_A)!, '4950'],
        [table.rows.find((r) => r.study_uid === STUDY_B)!, '6935'],
      ] as const) {
        const local = await thumbnailOfFile(join(MR2, file));
        expect(Buffer.from(readFileSync(join(dir, thumbnailFileName(String(row.series_uid))))).equals(Buffer.from(local.png)), `${kind} ${file}`).toBe(true);
      }
    });
  }

  it('gives a placeholder with the reason when the PACS does not send the instance', async () => {
    const client = new OrthancClient({ url: orthanc.url });
    const found = await readStudiesSeries(client, [STUDY_A], { keepInstances: true });
    const missing = found.instanceRows!.map((row) => ({ ...row, file_path: 'orthanc:instances/00000000-00000000-00000000-00000000-00000000' }));
    const records = await writePacsThumbnails(client, { instanceRows: missing, series: found.series }, join(work, 'thumbs-missing'));
    expect(records[0]).toMatchObject({ status: 'placeholder', reason: expect.stringMatching(/^Orthanc did not send the instance: .*HTTP 404/) as unknown });
  });
});
