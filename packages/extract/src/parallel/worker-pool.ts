/**
 * A fixed set of worker threads that turn batches of paths into extract events. Each job goes to
 * the least-loaded thread.
 */
import { ThreadClient, workerScriptUrl } from '@msc/core';
import type { RequestOptions, WorkerReply, WorkerRequest } from './protocol.js';

export class WorkerPool {
  private readonly threads: ThreadClient<WorkerRequest, WorkerReply>[];

  constructor(size: number) {
    const script = workerScriptUrl(import.meta.url, './extract-worker.js');
    this.threads = Array.from({ length: size }, (_, k) => new ThreadClient<WorkerRequest, WorkerReply>(script, { name: `extract thread ${k + 1}` }));
  }

  /** The threads' answer for `paths` (rows as values, or as formatted lines with `lines`). */
  run(paths: string[], options: RequestOptions): Promise<WorkerReply> {
    let thread = this.threads[0]!;
    for (const candidate of this.threads) if (candidate.load < thread.load) thread = candidate;
    return thread.request({ paths, ...options });
  }

  /** Lets the threads answer what they were sent, then ends them. */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.close()));
  }
}
