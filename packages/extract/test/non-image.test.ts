/**
 * Non-image objects are skipped with `non-image SOP class <name>`, never joined to an image series:
 * the reports, segmentations, RT objects, waveforms and palettes of pydicom's corpus, a Siemens
 * Phoenix report from heudiconv's test data, and a real MR file re-labelled (one tag changed, by
 * pydicom) as raw data, spectroscopy and Philips private objects with Modality MR in its series.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTableAll } from '@msc/tables';
import { extractFile, extractToTable } from '../src/index.js';
import { PYDICOM_DATA, PYDICOM_TEST_FILES, PYTHON, skipWithoutPython } from '../../../test-support/oracles.js';
import { realScannerFiles } from './real-scanner-files.js';

/** pydicom corpus file → the reason it must be skipped with. */
const CORPUS: Record<string, string> = {
  'test_files/reportsi.dcm': 'non-image SOP class Basic Text SR Storage',
  'test_files/test-SR.dcm': 'non-image SOP class Comprehensive SR Storage',
  'test_files/liver_1frame.dcm': 'non-image SOP class Segmentation Storage',
  'test_files/rtstruct.dcm': 'non-image SOP class RT Structure Set Storage',
  'test_files/rtplan.dcm': 'non-image SOP class RT Plan Storage',
  'test_files/rtdose.dcm': 'non-image SOP class RT Dose Storage',
  'test_files/ExplVR_LitEndNoMeta.dcm': 'non-image SOP class RT Ion Plan Storage',
  'test_files/waveform_ecg.dcm': 'non-image SOP class 12-lead ECG Waveform Storage',
  'palettes/hotiron.dcm': 'non-image SOP class Color Palette Storage',
};

const skipPydicom = skipWithoutPython('pydicom');
const data = 'heudiconv:usr/lib/python3/dist-packages/heudiconv/tests/data/Phoenix';
const phoenix = await realScannerFiles([`${data}/99+PhoenixDocument/99+PhoenixDocument+00001.dcm`, `${data}/01+AA/01+AA+00001.dcm`], 'the Phoenix report test');

describe.skipIf(skipPydicom)('non-image SOP classes', () => {
  it("skips the non-image objects of pydicom's corpus by name and keeps its images", async () => {
    for (const [file, reason] of Object.entries(CORPUS)) {
      const event = await extractFile(join(PYDICOM_DATA, file));
      expect(event.kind === 'skipped' ? event.reason : 'a row', file).toBe(reason);
    }
    for (const file of ['MR_small.dcm', 'CT_small.dcm', 'MR_small_implicit.dcm', 'JPEG2000.dcm'])
      expect((await extractFile(join(PYDICOM_TEST_FILES, file))).kind, file).toBe('row');
  });

  describe('in an MR series', () => {
    let dir: string;
    let input: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'msc-non-image-'));
      input = join(dir, 'input');
      mkdirSync(input);
      for (let i = 0; i < 3; i++) copyFileSync(join(PYDICOM_TEST_FILES, 'MR_small.dcm'), join(input, `mr${i}.dcm`));
      // The same MR file, relabelled: its series UID, Modality MR and (unless dropped) pixel data stay.
      const relabel = `
import sys, pydicom
source, out = sys.argv[1], sys.argv[2]
for name, uid, pixels in [("raw", "1.2.840.10008.5.1.4.1.1.66", False), ("spectroscopy", "1.2.840.10008.5.1.4.1.1.4.2", False),
                          ("examcard", "1.3.46.670589.11.0.0.12.4", False), ("private-series-data", "1.3.46.670589.11.0.0.12.2", True),
                          ("private-unknown", "1.3.46.670589.11.0.0.12.99", False), ("private-image", "1.3.46.670589.11.0.0.12.98", True)]:
    ds = pydicom.dcmread(source)
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = uid
    if not pixels:
        del ds.PixelData
    ds.save_as(f"{out}/{name}.dcm")
`;
      const made = spawnSync(PYTHON, ['-c', relabel, join(PYDICOM_TEST_FILES, 'MR_small.dcm'), input], { encoding: 'utf8' });
      if (made.status !== 0) throw new Error(made.stderr);
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('skips raw data, spectroscopy and vendor objects; the series keeps its images only', async () => {
      const output = join(dir, 'series.csv');
      const report = join(dir, 'skipped.csv');
      await extractToTable([input], output, { perSeries: true, skippedReport: report, workers: 0 });
      const reasons = Object.fromEntries((await readTableAll(report)).rows.map((row) => [String(row.path).replace(/.*\//, ''), row.reason]));
      expect(reasons).toEqual({
        'raw.dcm': 'non-image SOP class Raw Data Storage',
        'spectroscopy.dcm': 'non-image SOP class MR Spectroscopy Storage',
        'examcard.dcm': 'non-image SOP class Philips Private MR Examcard Storage',
        'private-series-data.dcm': 'non-image SOP class Philips Private MR Series Data Storage',
        'private-unknown.dcm': 'non-image SOP class 1.3.46.670589.11.0.0.12.99 (no pixel data)',
      });
      const series = (await readTableAll(output)).rows;
      expect(series).toHaveLength(1);
      // Three MR files and the private class that has pixel data (an image by the fallback rule).
      expect(Number(series[0]!.number_of_images)).toBe(4);
    });
  });

  it.skipIf(phoenix === undefined)("skips a Siemens Phoenix report (Enhanced SR) of an MR study, keeps the study's scout", async () => {
    const [report, scout] = phoenix!;
    expect(await extractFile(report!)).toMatchObject({ kind: 'skipped', reason: 'non-image SOP class Enhanced SR Storage' });
    expect((await extractFile(scout!)).kind).toBe('row');
  });
});
