/**
 * Real scanner files that Debian packages ship as test data (nibabel's enhanced Philips MPRAGE,
 * heudiconv's Siemens Phoenix report), fetched with `apt-get download` once and cached under
 * ~/.cache/msc/real-scanners/<package>/ (never committed). `.gz` files are stored unpacked.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const REAL_SCANNERS_CACHE = join(homedir(), '.cache', 'msc', 'real-scanners');

/**
 * The cached copies of `files` (paths inside the package), fetching the package when one is
 * missing; undefined with the reason when it cannot be fetched.
 */
export function debianTestFiles(pkg: string, files: readonly string[]): { paths: string[] } | { reason: string } {
  const dir = join(REAL_SCANNERS_CACHE, pkg);
  const cached = (file: string) => join(dir, basename(file).replace(/\.gz$/, ''));
  if (files.every((file) => existsSync(cached(file)))) return { paths: files.map(cached) };
  const work = mkdtempSync(join(tmpdir(), `msc-${pkg}-`));
  try {
    const download = spawnSync('apt-get', ['download', pkg], { cwd: work, encoding: 'utf8', timeout: 300_000 });
    const deb = readdirSync(work).find((name) => name.endsWith('.deb'));
    if (!deb) return { reason: `apt-get download ${pkg} failed: ${(download.stderr || download.error?.message || '').trim().slice(-300)}` };
    const unpack = spawnSync('dpkg-deb', ['-x', deb, 'x'], { cwd: work, encoding: 'utf8', timeout: 300_000 });
    if (unpack.status !== 0) return { reason: `dpkg-deb -x ${deb} failed: ${unpack.stderr.trim()}` };
    mkdirSync(dir, { recursive: true });
    for (const file of files) {
      const source = join(work, 'x', file);
      if (!existsSync(source)) return { reason: `${pkg} has no ${file}` };
      // Written aside and renamed, so a concurrent reader never sees half a file.
      const partial = `${cached(file)}.${process.pid}.partial`;
      writeFileSync(partial, file.endsWith('.gz') ? gunzipSync(readFileSync(source)) : readFileSync(source));
      renameSync(partial, cached(file));
    }
    return { paths: files.map(cached) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
