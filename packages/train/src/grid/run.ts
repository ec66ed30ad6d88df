/**
 * One command for the whole grid (train_all_models.smk): split → plan → train what is not done
 * yet, in parallel on worker threads → gather the long tables. Resumable: a job whose model,
 * metrics and job record (with the same config hash) exist is not trained again, so a killed
 * run continues where it stopped and a changed setting retrains only what it changes.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { atomicWriteFile, isMscError, errorMessage } from '@msc/core';
import type { TrainSummary } from '../train-from-table.js';
import { collectGridTables, type GridTables } from './collect.js';
import { prepareGridData } from './data.js';
import { planGrid, type GridJob, type GridPlanOptions } from './plan.js';
import { TrainPool } from './pool.js';

export interface GridOptions extends Omit<GridPlanOptions, 'outDir'> {
  input: string;
  outDir: string;
  testSet?: string;
  testFraction: number;
  groupFile?: string;
  /** Column for leave-one-vendor-out; undefined turns it off. */
  vendorColumn?: string;
  /** Parallel trainings (worker threads); capped at the machine's cores. */
  jobs?: number;
}

export type JobStatus = 'trained' | 'reused' | 'skipped' | 'failed';

export interface GridJobResult {
  name: string;
  kind: GridJob['kind'];
  grouping?: string;
  exclusion: string;
  fraction: number;
  status: JobStatus;
  cvScore?: number;
  testScore?: number;
  seconds?: number;
  reason?: string;
}

export interface GridSummary {
  outDir: string;
  train: string;
  test: string;
  trainStudies: number;
  threads: number;
  models: number;
  trained: number;
  reused: number;
  skipped: number;
  failed: number;
  seconds: number;
  tables: GridTables;
  jobs: GridJobResult[];
}

export type GridEvent =
  { type: 'planned'; total: number; done: number; threads: number } | { type: 'started'; name: string } | { type: 'finished'; result: GridJobResult };

/** What a finished job leaves beside its model: its config hash and summary. */
interface JobRecord {
  configHash: string;
  summary: TrainSummary;
  seconds: number;
}

const recordPath = (job: GridJob) => job.options.output.replace(/\.onnx$/i, '.job.json');

async function finishedRecord(job: GridJob): Promise<JobRecord | undefined> {
  const metrics = job.options.output.replace(/\.onnx$/i, '.metrics.csv');
  if (!existsSync(job.options.output) || !existsSync(metrics) || !existsSync(recordPath(job))) return undefined;
  try {
    const record = JSON.parse(await readFile(recordPath(job), 'utf8')) as JobRecord;
    return record.configHash === job.configHash ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Temporary files of writes a killed run left behind (atomic writes name them `.<name>.<pid>.<n>.tmp`). */
async function removeLeftovers(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of await readdir(dir)) if (/^\..+\.\d+\.\d+\.tmp$/.test(name)) await rm(join(dir, name), { force: true });
  }
}

/** The grid's summary, and the first failed job's error when some failed (the others are kept). */
export interface GridRun {
  summary: GridSummary;
  failure?: unknown;
}

export async function runGrid(options: GridOptions, onEvent: (event: GridEvent) => void = () => undefined): Promise<GridRun> {
  const started = performance.now();
  const data = await prepareGridData(options);
  const jobs = planGrid(options, data);
  await removeLeftovers(['models', 'models_logo_centre', 'models_logo_vendor'].map((dir) => join(options.outDir, dir)));

  const results = new Map<GridJob, GridJobResult>();
  const resultOf = (job: GridJob, status: JobStatus, extra: Partial<GridJobResult> = {}): GridJobResult => ({
    name: job.name,
    kind: job.kind,
    ...(job.grouping ? { grouping: job.grouping } : {}),
    exclusion: job.exclusion,
    fraction: job.fraction,
    status,
    ...extra,
  });
  const pending: GridJob[] = [];
  for (const job of jobs) {
    if (job.skip) {
      results.set(job, resultOf(job, 'skipped', { reason: job.skip }));
      continue;
    }
    const record = await finishedRecord(job);
    if (record) {
      results.set(
        job,
        resultOf(job, 'reused', {
          cvScore: record.summary.cvScore,
          ...(record.summary.testScore !== undefined ? { testScore: record.summary.testScore } : {}),
          seconds: record.seconds,
        }),
      );
    } else pending.push(job);
  }
  const threads = Math.max(1, Math.min(options.jobs ?? availableParallelism(), availableParallelism(), pending.length));
  onEvent({ type: 'planned', total: jobs.length, done: jobs.length - pending.length, threads });
  // Largest first: the long whole-data jobs do not end up alone at the end.
  pending.sort((a, b) => b.fraction * b.options.folds - a.fraction * a.options.folds);

  let firstFailure: unknown;
  if (pending.length > 0) {
    const pool = new TrainPool(threads);
    try {
      await Promise.all(
        pending.map(async (job) => {
          // One histogram thread per job when jobs run side by side (the model does not depend on it).
          const params = threads > 1 ? { ...job.options.params, n_threads: 1 } : job.options.params;
          try {
            const { summary, seconds } = await pool.run({ ...job.options, params }, { onStart: () => onEvent({ type: 'started', name: job.name }) });
            await atomicWriteFile(recordPath(job), `${JSON.stringify({ configHash: job.configHash, summary, seconds } satisfies JobRecord, null, 1)}\n`);
            results.set(
              job,
              resultOf(job, 'trained', { cvScore: summary.cvScore, ...(summary.testScore !== undefined ? { testScore: summary.testScore } : {}), seconds }),
            );
          } catch (error) {
            // Data a job cannot learn from (one class in a small subset) is a skip, not a failure.
            const status: JobStatus = isMscError(error) && error.code === 'E_BAD_DATA' ? 'skipped' : 'failed';
            if (status === 'failed') firstFailure ??= error;
            results.set(job, resultOf(job, status, { reason: errorMessage(error) }));
          }
          onEvent({ type: 'finished', result: results.get(job)! });
        }),
      );
    } finally {
      await pool.close();
    }
  }

  const centre = data.groups.centre ? (JSON.parse(await readFile(data.groups.centre.path, 'utf8')) as Record<string, string>) : undefined;
  const tables = await collectGridTables(options.outDir, jobs, data.testRows, centre);
  const ordered = jobs.map((job) => results.get(job)!);
  const count = (status: JobStatus) => ordered.filter((r) => r.status === status).length;
  const summary: GridSummary = {
    outDir: options.outDir,
    train: data.train,
    test: data.test,
    trainStudies: data.trainStudies,
    threads,
    models: jobs.length,
    trained: count('trained'),
    reused: count('reused'),
    skipped: count('skipped'),
    failed: count('failed'),
    seconds: (performance.now() - started) / 1000,
    tables,
    jobs: ordered,
  };
  return { summary, ...(firstFailure !== undefined ? { failure: firstFailure } : {}) };
}
