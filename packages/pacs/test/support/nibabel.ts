/**
 * Real Siemens MR files for tests: nibabel's test data, from Debian's `python3-nibabel` package
 * (fetched with `apt-get download`, unpacked with `dpkg-deb -x`, cached). The DWI pair is one
 * series of diffusion mosaics whose b-values (0 and 1000) live only in the private SIEMENS MR
 * HEADER element (0019,xx0C), stored implicit VR so a PACS sees it as UN.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * The files used: a two-instance DWI series (b = 0, 1000), a resting-state BOLD mosaic, a derived
 * MIP. Left out: nicom `0.dcm`/`1.dcm` (copies of the DWI series' UIDs under another patient, so a
 * PACS would hold two series with one UID) and the 23 MB Philips enhanced file (time).
 */
export const NIBABEL_FILES = ['siemens_dwi_0.dcm.gz', 'siemens_dwi_1000.dcm.gz', 'csa_slice_norm.dcm', 'slicethickness_empty_string.dcm'] as const;
export const NIBABEL_DWI_SERIES = '1.3.12.2.1107.5.2.32.35119.2010011420292594820699190.0.0.0';

function cacheDir(): string {
  return join(process.env.MSC_TEST_DATA ?? join(homedir(), '.cache', 'msc', 'test-data'), 'nibabel-nicom');
}

/** The folder holding the files (fetched on first use), or why it could not be had. */
export function nibabelFiles(): { ok: true; dir: string } | { ok: false; reason: string } {
  const dir = cacheDir();
  const names = NIBABEL_FILES.map((name) => name.replace(/\.gz$/, ''));
  if (names.every((name) => existsSync(join(dir, name)))) return { ok: true, dir };
  const work = mkdtempSync(join(tmpdir(), 'msc-nibabel-'));
  try {
    const fetchDeb = () => spawnSync('apt-get', ['download', 'python3-nibabel'], { cwd: work, encoding: 'utf8', timeout: 120_000 });
    let download = fetchDeb();
    // A machine whose package lists were never fetched knows no python3-nibabel yet.
    if (download.status !== 0 && process.getuid?.() === 0) {
      spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'update', '-qq'], { encoding: 'utf8', timeout: 300_000 });
      download = fetchDeb();
    }
    const deb = download.status === 0 ? spawnSync('sh', ['-c', 'ls *.deb'], { cwd: work, encoding: 'utf8' }).stdout.trim().split('\n')[0] : '';
    if (!deb) return { ok: false, reason: `apt-get download python3-nibabel failed: ${(download.stderr || download.error?.message || '').trim().slice(0, 300)}` };
    const unpack = spawnSync('dpkg-deb', ['-x', deb, 'x'], { cwd: work, encoding: 'utf8', timeout: 60_000 });
    if (unpack.status !== 0) return { ok: false, reason: `dpkg-deb -x failed: ${unpack.stderr.trim().slice(0, 300)}` };
    const found = spawnSync('sh', ['-c', 'find x -type d -path "*nibabel/nicom/tests/data"'], { cwd: work, encoding: 'utf8' }).stdout.trim().split('\n')[0];
    if (!found) return { ok: false, reason: 'python3-nibabel has no nicom/tests/data folder' };
    const staging = `${dir}.${process.pid}.tmp`;
    mkdirSync(staging, { recursive: true });
    for (const name of NIBABEL_FILES) {
      const bytes = readFileSync(join(work, found, name));
      writeFileSync(join(staging, name.replace(/\.gz$/, '')), name.endsWith('.gz') ? gunzipSync(bytes) : bytes);
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
    return { ok: true, dir };
  } catch (error) {
    return { ok: false, reason: `cannot prepare nibabel test data: ${(error as Error).message}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
