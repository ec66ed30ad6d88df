// The real-scanner set's cache: where fetch.mjs puts the files of manifest.json and how anyone
// (fetch, evaluate-real, the tests) finds them and checks them against the manifest's sha256.
// Plain Node, no dependencies, so a test can import it without a build.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REAL_DATA_DIR = fileURLToPath(new URL('.', import.meta.url));
export const MANIFEST_PATH = join(REAL_DATA_DIR, 'manifest.json');
export const LABELS_PATH = join(REAL_DATA_DIR, 'labels.csv');
export const SKIP_EXPECTED_PATH = join(REAL_DATA_DIR, 'skip-expected.csv');

/** `$MSC_REAL_DATA`, else ~/.cache/msc/real-scanners. */
export function cacheDir(env = process.env) {
  return resolve(env.MSC_REAL_DATA || join(homedir(), '.cache', 'msc', 'real-scanners'));
}

export function readManifest(path = MANIFEST_PATH) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Where a manifest file lives in the cache: files/<source id>/<path in the package> (.gz dropped once gunzipped). */
export function cachedPath(cache, source, file) {
  return join(cache, 'files', source.id, file.gunzip ? file.path.replace(/\.gz$/, '') : file.path);
}

/** Every manifest file with its source and cache path. */
export function manifestFiles(manifest, cache) {
  return manifest.sources.flatMap((source) => source.files.map((file) => ({ source, file, path: cachedPath(cache, source, file) })));
}

/** The key a labels.csv / skip-expected.csv row names a file by: `<source id>:<path in the cache's source folder>`. */
export function fileKey(source, file) {
  return `${source.id}:${file.gunzip ? file.path.replace(/\.gz$/, '') : file.path}`;
}

export const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * Each manifest file's state in the cache: `ok`, `missing`, or `changed` (bytes whose sha256 is
 * not the manifest's: never used).
 */
export async function checkCache(manifest = readManifest(), cache = cacheDir()) {
  return Promise.all(
    manifestFiles(manifest, cache).map(async (entry) => {
      let bytes;
      try {
        bytes = await readFile(entry.path);
      } catch {
        return { ...entry, state: 'missing' };
      }
      return { ...entry, state: sha256(bytes) === entry.file.sha256 ? 'ok' : 'changed' };
    }),
  );
}

/** True when every manifest file is in the cache with its manifest sha256. */
export async function cacheReady(manifest = readManifest(), cache = cacheDir()) {
  return (await checkCache(manifest, cache)).every((entry) => entry.state === 'ok');
}
