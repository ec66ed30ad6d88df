/**
 * A fixed set of worker threads running grid jobs, one job per thread at a time: as many threads
 * as asked (the caller caps them at the cores), each reading the training table once.
 */
import { Worker } from 'node:worker_threads';
import { MscError, WORKER_EXEC_ARGV, workerScriptUrl, type MscErrorCode } from '@msc/core';
import type { TrainCliOptions } from '../cli/options.js';
import type { TrainSummary } from '../train-from-table.js';

export interface JobRequest {
  id: number;
  options: TrainCliOptions;
}

export type JobReply =
  | { type: 'progress'; id: number; message: string }
  | { type: 'done'; id: number; summary: TrainSummary; seconds: number }
  | { type: 'error'; id: number; error: { code?: MscErrorCode; message: string; hint?: string; stack?: string } };

export interface JobCallbacks {
  /** The job has been handed to a thread. */
  onStart?: () => void;
  onProgress?: (message: string) => void;
}

interface Pending extends JobCallbacks {
  options: TrainCliOptions;
  resolve: (result: { summary: TrainSummary; seconds: number }) => void;
  reject: (error: Error) => void;
}

export class TrainPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: (Pending & { id: number })[] = [];
  private readonly running = new Map<Worker, Pending & { id: number }>();
  private nextId = 0;
  private closed = false;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(workerScriptUrl(import.meta.url, './worker.js'), { execArgv: [...WORKER_EXEC_ARGV] });
      worker.on('message', (reply: JobReply) => this.onReply(worker, reply));
      worker.on('error', (error) => this.onCrash(worker, error));
      worker.on('exit', (code) => {
        if (!this.closed) this.onCrash(worker, new Error(`a grid worker thread stopped (exit code ${code})`));
      });
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  /** Runs one msc-train job on the next free thread. */
  run(options: TrainCliOptions, callbacks: JobCallbacks = {}): Promise<{ summary: TrainSummary; seconds: number }> {
    if (this.closed) return Promise.reject(new Error('the grid pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, options, ...callbacks, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.all.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.running.set(worker, job);
      job.onStart?.();
      worker.postMessage({ id: job.id, options: job.options } satisfies JobRequest);
    }
  }

  private onReply(worker: Worker, reply: JobReply): void {
    const job = this.running.get(worker);
    if (!job || job.id !== reply.id) return;
    if (reply.type === 'progress') {
      job.onProgress?.(reply.message);
      return;
    }
    this.running.delete(worker);
    this.idle.push(worker);
    if (reply.type === 'done') job.resolve({ summary: reply.summary, seconds: reply.seconds });
    else {
      const { code, message, hint, stack } = reply.error;
      job.reject(code ? new MscError(code, message, hint ? { hint } : {}) : Object.assign(new Error(message), stack ? { stack } : {}));
    }
    this.dispatch();
  }

  /** A thread that died takes its job with it; the others go on. */
  private onCrash(worker: Worker, error: Error): void {
    const job = this.running.get(worker);
    this.running.delete(worker);
    const at = this.all.indexOf(worker);
    if (at >= 0) this.all.splice(at, 1);
    const idleAt = this.idle.indexOf(worker);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    job?.reject(error);
    if (this.all.length === 0) for (const queued of this.queue.splice(0)) queued.reject(error);
  }
}
