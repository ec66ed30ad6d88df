/**
 * Up to `size` worker threads that turn batches of paths into extract events. Each job goes to an
 * idle thread, a new one while fewer than `size` run, else the least-loaded. Threads start when
 * work needs them: a thread costs ≈ 0.1–0.2 s of CPU to start (Node's internals compiled again
 * per isolate, then its JIT warm-up), which a shard with nothing (or one batch) to read need not pay.
 */
import { ThreadClient, workerScriptUrl } from '@msc/core';
import type { PackedFiles, RequestOptions, WorkerReply, WorkerRequest } from './protocol.js';

export class WorkerPool {
  private readonly threads: ThreadClient<WorkerRequest, WorkerReply>[] = [];
  private readonly script = workerScriptUrl(import.meta.url, './extract-worker.js');

  constructor(private readonly size: number) {}

  /** The threads' answer for `files` (rows as values, or as formatted lines with `lines`). */
  run(files: PackedFiles, options: RequestOptions): Promise<WorkerReply> {
    let thread = this.threads[0];
    for (const candidate of this.threads) if (candidate.load < thread!.load) thread = candidate;
    if (!thread || (thread.load > 0 && this.threads.length < this.size)) {
      thread = new ThreadClient<WorkerRequest, WorkerReply>(this.script, { name: `extract thread ${this.threads.length + 1}` });
      this.threads.push(thread);
    }
    const reply = thread.request({ files, ...options });
    reply.then(this.replied, this.replied);
    return reply;
  }

  /** Whether a batch sent now would not wait behind `queued` others: a thread has fewer, or one could still start. */
  shortOfWork(queued: number): boolean {
    return this.threads.length < this.size || this.threads.some((thread) => thread.load < queued);
  }

  /** Settles at the next reply of any thread (its load then dropped). */
  nextReply(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private waiting: (() => void)[] = [];
  private readonly replied = () => {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  };

  /** Threads started so far (≤ size). */
  get started(): number {
    return this.threads.length;
  }

  /** Lets the threads answer what they were sent, then ends them. */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.close()));
  }
}
