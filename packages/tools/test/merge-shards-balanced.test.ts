/**
 * msc-extract --shard-by balanced: folders assigned to parts by their file counts, from a listing
 * every job makes of the same tree. On real DICOM files of a synthetic cohort: the merged parts are
 * the whole run byte for byte; on a generated tree of skewed folder sizes: every part within the
 * largest folder of 1/n of the files (hashing the same folders is not); a tree changed between
 * jobs: the merge and a resumed part refuse the parts (error [E_BAD_DATA] + hint).
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo, folderShardOf, type CliMain } from '@msc/core';
import { generateCohort, type CohortResult } from '@msc/synth';
import { main as extractMain } from '@msc/extract/cli';
import { extractToTable, listFolderShard, walkFiles } from '@msc/extract';
import { main as mergeMain } from '../src/cli/merge-shards.js';

const N = 3;
let dir: string;
let cohort: CohortResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-merge-balanced-'));
  cohort = await generateCohort({ outDir: join(dir, 'dicom'), studies: 7, seed: 34, maxInstancesPerSeries: 4, pixels: 'none' });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(main: CliMain, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/**
 * N balanced parts of `archive` (each job lists the tree as it is when it starts), read on the
 * calling thread (`--n-workers 0`: the parts and their merge are checked here, not the reading
 * threads, ≈ 0.1 CPU-s each to start; the --resume runs below read in a worker thread).
 */
async function balancedParts(archive: string, name: string, extra: string[] = [], beforePart?: (k: number) => Promise<void>): Promise<string[]> {
  const parts: string[] = [];
  for (let k = 1; k <= N; k++) {
    await beforePart?.(k);
    const part = join(dir, `${name}.${k}-of-${N}.tsv`);
    const result = await run(extractMain, [archive, '-o', part, '--n-workers', '0', '--shard', `${k}/${N}`, '--shard-by', 'balanced', ...extra]);
    expect(result.code, result.err).toBe(0);
    parts.push(part);
  }
  return parts;
}

describe('--shard-by balanced', () => {
  it('parts merged are the whole run byte for byte (rows and skipped files); each part reads only its folders', async () => {
    const archive = join(dir, 'archive');
    await cp(cohort.outDir, archive, { recursive: true });
    // In every patient folder a file that is not DICOM: reported by the part that reads it, and by no other.
    const listing = listFolderShard([archive], { index: 1, count: N }, 1);
    const folders = [...listing.parts.keys()].filter((key) => key !== '');
    expect(folders.length).toBeGreaterThanOrEqual(N);
    for (const folder of folders) await writeFile(join(archive, folder, 'junk.bin'), 'not a DICOM file');
    const whole = join(dir, 'whole.tsv');
    expect((await run(extractMain, [archive, '-o', whole, '--n-workers', '0'])).code).toBe(0);
    const parts = await balancedParts(archive, 'bal');
    const after = listFolderShard([archive], { index: 1, count: N }, 1);
    for (const [k, part] of parts.entries()) {
      const record = JSON.parse(await readFile(`${part}.shard.json`, 'utf8')) as Record<string, unknown>;
      expect(record).toEqual({ shard: `${k + 1}/${N}`, tool: 'msc-extract', by: 'balanced', depth: 1, listing: after.listing });
      // Every row and skipped file of part k lies in a folder the listing gave to part k.
      const lines = [...(await readFile(part, 'utf8')).split('\n').slice(1), ...(await readFile(`${part}.skipped.csv`, 'utf8')).split('\n').slice(1)];
      for (const line of lines.filter((text) => text !== '')) {
        const top = relative(
          archive,
          line.split(/[\t,]/).find((cell) => cell.startsWith(archive))!,
        ).split(sep);
        expect(after.parts.get(top.length > 1 ? top[0]! : ''), line).toBe(k + 1);
      }
    }
    const merged = join(dir, 'merged.tsv');
    const merge = await run(mergeMain, [...parts, '-o', merged]);
    expect(merge.code, merge.err).toBe(0);
    expect(JSON.parse(merge.out)).toMatchObject({ shards: 'complete', by: 'balanced' });
    expect(await readFile(merged, 'utf8')).toBe(await readFile(whole, 'utf8'));
    const reports = join(dir, 'merged.skipped.csv');
    expect((await run(mergeMain, [...parts.map((part) => `${part}.skipped.csv`), '-o', reports])).code).toBe(0);
    expect(await readFile(reports, 'utf8')).toBe(await readFile(`${whole}.skipped.csv`, 'utf8'));
  });

  it('gives every part 1/n of the files within the largest folder, on skewed folder sizes where hashing does not', async () => {
    // 40 folders of 1 to 200 files (a few large, many small, as patients of an archive), some nested.
    const tree = join(dir, 'skewed');
    const sizes = Array.from({ length: 40 }, (_, i) => Math.max(1, Math.round(200 / (1 + i * 0.6))));
    for (const [i, size] of sizes.entries()) {
      const folder = join(tree, `P${String(i).padStart(3, '0')}`, i % 2 === 0 ? 'study/series' : '');
      await mkdir(folder, { recursive: true });
      await Promise.all(Array.from({ length: size }, (_, j) => writeFile(join(folder, `IM${j}`), '')));
    }
    const total = sizes.reduce((sum, size) => sum + size, 0);
    const n = 4;
    const listing = listFolderShard([tree], { index: 1, count: n }, 1);
    expect(listing.files).toBe(total);
    expect(listing.partFiles.reduce((sum, files) => sum + files, 0)).toBe(total);
    for (const files of listing.partFiles) expect(Math.abs(files - total / n)).toBeLessThanOrEqual(Math.max(...sizes));
    // Stated bound of this tree: every part within 3 % of a quarter. The path hash of the same folders misses it.
    for (const files of listing.partFiles) expect(Math.abs(files / (total / n) - 1)).toBeLessThan(0.03);
    const hashed = new Array<number>(n).fill(0);
    for (const [i, size] of sizes.entries()) hashed[folderShardOf(`P${String(i).padStart(3, '0')}`, n) - 1]! += size;
    expect(Math.max(...hashed) / (total / n)).toBeGreaterThan(1.03);
    // Every job gets the same parts whatever part it is.
    for (let k = 2; k <= n; k++) expect(listFolderShard([tree], { index: k, count: n }, 1)).toEqual(listing);
  });

  it('refuses to merge parts split from different listings, and to resume a part over a changed tree', async () => {
    const archive = join(dir, 'growing');
    await cp(cohort.outDir, archive, { recursive: true });
    // A study folder added after part 1 was made: parts 2 and 3 list another tree.
    const parts = await balancedParts(archive, 'grown', [], async (k) => {
      if (k === 2)
        await cp(
          join(
            cohort.outDir,
            [...listFolderShard([cohort.outDir], { index: 1, count: N }, 1).parts.keys()].find((key) => key !== '')!,
          ),
          join(archive, 'ZZ-new'),
          { recursive: true },
        );
    });
    const merge = await run(mergeMain, [...parts, '-o', join(dir, 'grown.tsv')]);
    expect(merge.code).toBe(3);
    expect(merge.err).toMatch(
      /^error \[E_BAD_DATA\]: .*grown\.2-of-3\.tsv and .*grown\.1-of-3\.tsv were split from different listings of the tree .*\nhint: rerun every part over the same tree/,
    );
    const resumed = await run(extractMain, [archive, '-o', parts[0]!, '--n-workers', '1', '--shard', `1/${N}`, '--shard-by', 'balanced', '--resume']);
    expect(resumed.code).toBe(3);
    expect(resumed.err).toMatch(
      /^error \[E_BAD_DATA\]: .*grown\.1-of-3\.tsv was written from another listing of the tree .*\nhint: rerun every part without --resume/,
    );
    // Parts of the grown tree made again merge.
    const again = await balancedParts(archive, 'again');
    expect((await run(mergeMain, [...again, '-o', join(dir, 'again.tsv')])).code).toBe(0);
  });

  it('--resume continues an interrupted balanced part to the same bytes; a folder the listing did not see goes by its hash', async () => {
    const listing = listFolderShard([cohort.outDir], { index: 1, count: N }, 1);
    const k = listing.partFiles.indexOf(Math.max(...listing.partFiles)) + 1;
    const args = [cohort.outDir, '--n-workers', '1', '--shard', `${k}/${N}`, '--shard-by', 'balanced'];
    const once = join(dir, 'resume-once.tsv');
    expect((await run(extractMain, [...args, '-o', once])).code).toBe(0);
    const out = join(dir, 'resume.tsv');
    const stop = new AbortController();
    const interrupted = extractToTable([cohort.outDir], out, {
      workers: 0,
      folderShard: { shard: { index: k, count: N }, depth: 1, balanced: listing },
      checkpointRows: 10,
      skippedReport: `${out}.skipped.csv`,
      onProgress: () => stop.abort(new Error('stopped')),
      signal: stop.signal,
    });
    await expect(interrupted).rejects.toThrow('stopped');
    const resumed = await run(extractMain, [...args, '-o', out, '--resume']);
    expect(resumed.code, resumed.err).toBe(0);
    expect((JSON.parse(resumed.out) as { resumedFiles: number }).resumedFiles).toBeGreaterThan(0);
    expect(await readFile(out, 'utf8')).toBe(await readFile(once, 'utf8'));

    // A listing made before a folder appeared: the walk gives that folder its hash's part.
    const archive = join(dir, 'late');
    await cp(cohort.outDir, archive, { recursive: true });
    const stale = listFolderShard([archive], { index: 1, count: N }, 1);
    await mkdir(join(archive, 'late-folder'));
    await writeFile(join(archive, 'late-folder', 'x.dcm'), 'not DICOM');
    const owner = folderShardOf('late-folder', N);
    for (let part = 1; part <= N; part++) {
      const seen: string[] = [];
      for await (const path of walkFiles([archive], { folderShard: { shard: { index: part, count: N }, depth: 1, balanced: stale } })) seen.push(path);
      expect(seen.includes(join(archive, 'late-folder', 'x.dcm')), `part ${part}`).toBe(part === owner);
    }
  });
});
