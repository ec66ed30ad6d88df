/**
 * msc-serve with server.thumbnails_dir: /predict-orthanc and /predict-dicomweb on a real Orthanc
 * leave one thumbnail per series of the study (the middle slice, drawn as msc-extract draws the
 * file) and say so in the reply; thumbnails.csv lists the studies of both requests.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thumbnailFileName, thumbnailOfFile } from '@msc/extract';
import { localOrthancAvailable, startLocalOrthanc, type LocalOrthanc } from '@msc/pacs/testing';
import { createServer, type MscServer } from '@msc/serve';
import { readTableAll } from '@msc/tables';
import { PYDICOM_TEST_FILES } from '../../../test-support/oracles.js';
import { DEFAULT_MODEL, writeConfig } from './support/serve-fixtures.js';

const orthancReady = localOrthancAvailable();
if (!orthancReady.ok) console.warn(`serve thumbnails.test: skipped: ${orthancReady.reason}`);

const MR2 = join(PYDICOM_TEST_FILES, 'dicomdirtests/98892003/MR2');
const STUDY_A = '1.3.6.1.4.1.5962.1.1.0.0.0.1196533885.18148.0.133';
const STUDY_B = '1.3.6.1.4.1.5962.1.1.0.0.0.1196533885.18148.0.1';

describe.skipIf(!orthancReady.ok)('msc-serve thumbnails', () => {
  let orthanc: LocalOrthanc;
  let server: MscServer;
  let base: string;
  let dir: string;
  let thumbnails: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'msc-serve-thumbnails-'));
    const files = ['4950', '4981', '5011', '6273', '6605', '6935'].map((name) => {
      mkdirSync(join(dir, 'files'), { recursive: true });
      copyFileSync(join(MR2, name), join(dir, 'files', name));
      return join(dir, 'files', name);
    });
    orthanc = await startLocalOrthanc();
    await orthanc.upload(files);
    thumbnails = join(dir, 'thumbs');
    const configPath = await writeConfig(dir, { models: { prostate_mpmri: { model: DEFAULT_MODEL } }, server: { thumbnails_dir: 'thumbs' } });
    server = await createServer({ configPath, env: { ORTHANC_URL: orthanc.url, DICOMWEB_URL: orthanc.dicomWebUrl }, logger: false });
    base = await server.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await orthanc?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('draws the series of the studies asked for, through Orthanc and DICOMweb', async () => {
    for (const [route, study] of [
      ['/predict-orthanc', STUDY_A],
      ['/predict-dicomweb', STUDY_B],
    ] as const) {
      const response = await fetch(`${base}${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ study_uid: study, model_id: 'prostate_mpmri' }),
      });
      expect(response.status, `${route}: ${await response.clone().text()}`).toBe(200);
      const reply = (await response.json()) as { series_uid: string[]; thumbnails?: { decoded: number; placeholders: number } };
      expect(reply.thumbnails, route).toEqual({ decoded: 1, placeholders: 0 });
    }
    const table = await readTableAll(join(thumbnails, 'thumbnails.csv'));
    expect(table.rows.map((row) => String(row.study_uid)).sort()).toEqual([STUDY_A, STUDY_B].sort());
    for (const [study, file] of [
      [STUDY_A, '4950'],
      [STUDY_B, '6935'],
    ] as const) {
      const row = table.rows.find((r) => r.study_uid === study)!;
      const png = readFileSync(join(thumbnails, thumbnailFileName(String(row.series_uid))));
      expect(Buffer.from(png).equals(Buffer.from((await thumbnailOfFile(join(MR2, file))).png)), file).toBe(true);
    }
  });
});
