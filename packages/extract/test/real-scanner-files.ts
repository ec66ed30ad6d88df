/**
 * Files of the real-scanner set (pipelines/real-data: fetched by its fetch.mjs, which
 * scripts/test-deps.mjs runs under MSC_ORACLES/CI, into a cache outside git), by the key its
 * labels use: `<source>:<path in the package>` (`.gz` dropped). Fetches nothing: when a file is not
 * cached with its manifest sha256 the caller skips, printing why, except where oracles are required.
 */
// @ts-expect-error plain ESM module without types, shared with pipelines/evaluate-real.mjs
import { cacheDir, checkCache, fileKey, readManifest } from '../../../pipelines/real-data/cache.mjs';
import { ORACLES_REQUIRED } from '../../../test-support/oracles.js';

interface CacheEntry {
  state: 'ok' | 'missing' | 'changed';
  path: string;
  source: unknown;
  file: unknown;
}

/** The cached paths of `keys`, in order, or undefined (after printing why) when one is not ready. */
export async function realScannerFiles(keys: readonly string[], what: string): Promise<string[] | undefined> {
  const entries = (await checkCache(readManifest(), cacheDir())) as CacheEntry[];
  const byKey = new Map(entries.map((entry) => [fileKey(entry.source, entry.file) as string, entry]));
  const missing = keys.filter((key) => byKey.get(key)?.state !== 'ok');
  if (missing.length === 0) return keys.map((key) => byKey.get(key)!.path);
  const reason = `${missing.join(', ')} not in the real-scanner cache ${cacheDir()} (node pipelines/real-data/fetch.mjs)`;
  if (ORACLES_REQUIRED) throw new Error(`${reason}; MSC_ORACLES/CI requires it for ${what}`);
  console.warn(`skipping ${what}: ${reason}`);
  return undefined;
}
