/**
 * Real Siemens MR files for the PACS tests, from the real-scanner set's cache (pipelines/real-data,
 * fetched by its fetch.mjs; scripts/test-deps.mjs runs it under MSC_ORACLES/CI): nibabel's test
 * data. The DWI pair is one series of diffusion mosaics whose b-values (0 and 1000) live only in the
 * private SIEMENS MR HEADER element (0019,xx0C), stored implicit VR so a PACS sees it as UN.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { realScannerFiles } from '../../../extract/test/real-scanner-files.js';

/**
 * A two-instance DWI series (b = 0, 1000), a resting-state BOLD mosaic, a derived MIP. Left out:
 * nicom `0.dcm`/`1.dcm` (the DWI series' UIDs under another patient: a PACS would hold two series
 * with one UID) and the 23 MB Philips enhanced file (time).
 */
const KEYS = ['siemens_dwi_0.dcm', 'siemens_dwi_1000.dcm', 'csa_slice_norm.dcm', 'slicethickness_empty_string.dcm'].map(
  (name) => `nibabel:usr/lib/python3/dist-packages/nibabel/nicom/tests/data/${name}`,
);
export const NIBABEL_DWI_STUDY = '1.3.12.2.1107.5.2.32.35119.30000010011408520750000000022';
export const NIBABEL_DWI_SERIES = '1.3.12.2.1107.5.2.32.35119.2010011420292594820699190.0.0.0';

/**
 * Copies the files into `<dir>/nibabel` (a folder of their own, for /predict and msc-predict) and
 * returns it; undefined, after printing why, when the cache lacks them (a throw under MSC_ORACLES/CI).
 */
export async function nibabelFolder(dir: string, what: string): Promise<string | undefined> {
  const files = await realScannerFiles(KEYS, what);
  if (!files) return undefined;
  const folder = join(dir, 'nibabel');
  await mkdir(folder, { recursive: true });
  for (const file of files) await copyFile(file, join(folder, basename(file)));
  return folder;
}
