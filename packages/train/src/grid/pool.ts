/**
 * A fixed set of worker threads (core's ThreadClient) running grid jobs, one job per thread at a
 * time, in the order given: as many threads as asked (the caller caps them at the cores), each
 * reading the training table once. A thread that crashes fails its job and is replaced.
 */
import { MscError, ThreadClient, workerScriptUrl, type MscErrorCode } from '@msc/core';
import type { TrainRunOptions, TrainSummary } from '../train-from-table.js';

export interface JobRequest {
  options: TrainRunOptions;
}

/** A finished job, or the user-facing error it stopped with (a bug crashes the thread instead). */
export type JobReply = { summary: TrainSummary; seconds: number } | { error: { code: MscErrorCode; message: string; hint?: string } };

export interface JobCallbacks {
  /** The job has been handed to a thread. */
  onStart?: () => void;
}

interface Queued extends JobCallbacks {
  options: TrainRunOptions;
  resolve: (result: { summary: TrainSummary; seconds: number }) => void;
  reject: (error: Error) => void;
}

export class TrainPool {
  private readonly threads: ThreadClient<JobRequest, JobReply>[];
  private readonly busy: boolean[];
  private readonly queue: Queued[] = [];

  constructor(size: number) {
    this.threads = Array.from({ length: size }, (_, i) => this.spawn(i));
    this.busy = this.threads.map(() => false);
  }

  /** Runs one msc-train job on the next free thread. */
  run(options: TrainRunOptions, callbacks: JobCallbacks = {}): Promise<{ summary: TrainSummary; seconds: number }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ options, ...callbacks, resolve, reject });
      this.dispatch();
    });
  }

  /** Lets every thread finish what it was given and exit. */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.close()));
  }

  private spawn(lane: number): ThreadClient<JobRequest, JobReply> {
    return new ThreadClient<JobRequest, JobReply>(workerScriptUrl(import.meta.url, './worker.js'), { name: `grid training thread ${lane + 1}` });
  }

  private dispatch(): void {
    for (let lane = 0; lane < this.threads.length && this.queue.length > 0; lane++) {
      if (this.busy[lane]) continue;
      const job = this.queue.shift()!;
      this.busy[lane] = true;
      job.onStart?.();
      this.threads[lane]!.request({ options: job.options })
        .then(
          (reply) =>
            'error' in reply
              ? job.reject(new MscError(reply.error.code, reply.error.message, reply.error.hint ? { hint: reply.error.hint } : {}))
              : job.resolve(reply),
          (crash: Error) => {
            job.reject(crash);
            this.threads[lane] = this.spawn(lane);
          },
        )
        .finally(() => {
          this.busy[lane] = false;
          this.dispatch();
        });
    }
  }
}
