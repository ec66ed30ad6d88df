/**
 * The reading threads start when work needs them: none for a part with nothing to read (a thread
 * costs ≈ 0.1–0.3 s of CPU to start and warm up), one while one is idle, up to the size asked.
 * On real DICOM files of a synthetic cohort.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCohort } from '@msc/synth';
import { packFiles } from '../src/parallel/protocol.js';
import { WorkerPool, discardEarlyThreads, keptThreads, startEarlyThreads } from '../src/parallel/worker-pool.js';
import { earlyThreads } from '../src/cli/early-thread.js';
import { walkFiles } from '../src/index.js';
import { readingThreads } from '../src/extract.js';

let dir: string;
let files: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-worker-pool-'));
  const cohort = await generateCohort({ outDir: join(dir, 'dicom'), studies: 1, seed: 3, maxInstancesPerSeries: 2, pixels: 'none' });
  files = [];
  for await (const path of walkFiles([cohort.outDir], { pattern: '*.dcm' })) files.push(path);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('WorkerPool', () => {
  it('starts no thread without work, one for one batch, and a second only while the first is busy', async () => {
    expect(files.length).toBeGreaterThan(2);
    const idle = new WorkerPool(2);
    await idle.close();
    expect(idle.started).toBe(0);

    const pool = new WorkerPool(2);
    const first = await pool.run([packFiles('', files.slice(0, 2))], { image: false });
    expect(pool.started).toBe(1);
    expect('outcomes' in first ? first.outcomes.length : 0).toBe(2);
    // The first thread is idle again: it takes the next batch.
    await pool.run([packFiles('', files.slice(2, 3))], { image: false });
    expect(pool.started).toBe(1);
    // Two batches at once: the second starts a thread; more never exceed the size.
    const replies = await Promise.all([0, 1, 2].map((i) => pool.run([packFiles('', [files[i]!])], { image: false })));
    expect(pool.started).toBe(2);
    expect(replies).toHaveLength(3);
    await pool.close();
  });

  it('is short of work while a thread could start or holds fewer batches than asked, and says when a reply frees one', async () => {
    const pool = new WorkerPool(1);
    expect(pool.shortOfWork(1)).toBe(true);
    const batches = [0, 1, 2].map((i) => pool.run([packFiles('', [files[i]!])], { image: false }));
    expect(pool.started).toBe(1);
    expect(pool.shortOfWork(3)).toBe(false);
    expect(pool.shortOfWork(4)).toBe(true);
    await pool.nextReply();
    expect(pool.shortOfWork(3)).toBe(true);
    await Promise.all(batches);
    await pool.close();
  });

  it("keeps a closed pool's idle threads (two at most) for the next pool, which takes them instead of starting its own", async () => {
    const first = new WorkerPool(2);
    await Promise.all([0, 1].map((i) => first.run([packFiles('', [files[i]!])], { image: false })));
    expect(first.started).toBe(2);
    await first.close();
    expect(keptThreads()).toBe(2);
    // the closed pool sends nothing more, not even to the threads it kept
    await expect(first.run([packFiles('', [files[0]!])], { image: false })).rejects.toThrow(/closed/);
    expect(keptThreads()).toBe(2);
    const next = new WorkerPool(1);
    const reply = await next.run([packFiles('', files.slice(0, 2))], { image: false });
    expect('outcomes' in reply ? reply.outcomes.length : 0).toBe(2);
    expect(keptThreads()).toBe(1);
    await next.close();
    expect(keptThreads()).toBe(2);
    // a thread still answering is ended, not kept
    const busy = new WorkerPool(1);
    const pending = busy.run([packFiles('', [files[0]!])], { image: false });
    expect(keptThreads()).toBe(1);
    const closed = busy.close();
    expect('outcomes' in (await pending)).toBe(true);
    await closed;
    expect(keptThreads()).toBe(1);
  });

  it('takes the threads the CLI started early as its first, and a run with nothing to read ends them unused', async () => {
    startEarlyThreads(2);
    const idle = new WorkerPool(2);
    await idle.close();
    expect(idle.started).toBe(0);
    // Not taken by a pool without work: still there to end.
    expect(await discardEarlyThreads()).toBe(2);
    expect(await discardEarlyThreads()).toBe(0);

    startEarlyThreads(2);
    const pool = new WorkerPool(2);
    const reply = await pool.run([packFiles('', files.slice(0, 2))], { image: false });
    expect('outcomes' in reply ? reply.outcomes.length : 0).toBe(2);
    expect(pool.started).toBe(1);
    // The pool's first thread was an early one: one is left to end.
    expect(await discardEarlyThreads()).toBe(1);
    await pool.close();
  });

  it('gives a balanced part one reading thread per 10,000 of its listed files, at least one and at most the workers asked', () => {
    const part = (index: number) => ({
      shard: { index, count: 4 },
      depth: 1,
      balanced: { parts: new Map<string, number>(), listing: 'x', files: 72_009, partFiles: [8_009, 24_000, 0, 40_000] },
    });
    expect(readingThreads(2, { folderShard: part(1) })).toBe(1);
    expect(readingThreads(2, { folderShard: part(2) })).toBe(2);
    expect(readingThreads(8, { folderShard: part(2) })).toBe(2);
    expect(readingThreads(8, { folderShard: part(4) })).toBe(4);
    expect(readingThreads(2, { folderShard: part(3) })).toBe(1);
    // Whole files cost far more a file; runs that do not know their size; the calling thread.
    expect(readingThreads(2, { folderShard: part(1), image: true })).toBe(2);
    expect(readingThreads(2, { folderShard: { shard: { index: 1, count: 4 }, depth: 1 } })).toBe(2);
    expect(readingThreads(2, {})).toBe(2);
    expect(readingThreads(0, { folderShard: part(2) })).toBe(0);
  });

  it('starts threads early only for a command line that reads with threads, at most two (one for a shard part)', () => {
    expect(earlyThreads(['dicom', '-o', 'x.tsv', '--n-workers', '1'])).toBe(1);
    expect(earlyThreads(['dicom', '-o', 'x.tsv', '--n-workers=8'])).toBe(2);
    expect(earlyThreads(['dicom', '-o', 'x.tsv'])).toBeGreaterThanOrEqual(1);
    expect(earlyThreads([])).toBe(0);
    expect(earlyThreads(['--help'])).toBe(0);
    expect(earlyThreads(['dicom', '-o', 'x.tsv', '--n-workers', '0'])).toBe(0);
    expect(earlyThreads(['dicom', '-o', 'x.tsv', '--n-workers=0'])).toBe(0);
    expect(earlyThreads(['dicom', '-o', 'x.tsv', '--n-workers', 'many'])).toBe(0);
    // A shard part may have nothing to read: one thread at most.
    expect(earlyThreads(['dicom', '-o', 'x.tsv', '--n-workers', '2', '--shard', '1/4', '--shard-by', 'balanced'])).toBe(1);
    expect(earlyThreads(['dicom', '-o', 'x.tsv', '--shard=3/60', '--n-workers', '0'])).toBe(0);
  });
});
