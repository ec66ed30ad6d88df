/**
 * Up to `size` worker threads that turn batches of paths into extract events. Each job goes to an
 * idle thread, a new one while fewer than `size` run, else the least-loaded. Threads start when
 * work needs them: a thread costs ≈ 0.1–0.2 s of CPU to start (Node's internals compiled again
 * per isolate, then its JIT warm-up), which a shard with nothing (or one batch) to read need not pay.
 * The CLI starts the first ones early (`startEarlyThreads`), while it loads; a pool takes those first.
 */
// Only the thread messaging: the CLI imports this module to start threads before the rest of core loads.
import { ThreadClient, workerScriptUrl } from '@msc/core/threads';
import type { PackedFiles, RequestOptions, WorkerReply, WorkerRequest } from './protocol.js';

const SCRIPT = workerScriptUrl(import.meta.url, './extract-worker.js');
type ExtractThread = ThreadClient<WorkerRequest, WorkerReply>;
const newThread = (number: number): ExtractThread => new ThreadClient(SCRIPT, { name: `extract thread ${number}` });

/** Threads started before the run knew whether it has work (`startEarlyThreads`), for the first pool to need them. */
const early: ExtractThread[] = [];

/**
 * Starts `count` threads now, while the caller does other things (the CLI loads its modules and
 * walks), for the first threads a pool starts.
 */
export function startEarlyThreads(count: number): void {
  while (early.length < count) early.push(newThread(early.length + 1));
}

/** Ends the early threads no pool took (a run with nothing to read, or fewer batches than threads); how many. */
export async function discardEarlyThreads(): Promise<number> {
  const unused = early.splice(0);
  // Nothing was sent to them: stopping one mid-start costs less than letting it finish starting.
  await Promise.all(unused.map((thread) => thread.terminate()));
  return unused.length;
}

export class WorkerPool {
  private readonly threads: ExtractThread[] = [];

  constructor(private readonly size: number) {}

  /** The threads' answer for `files` (rows as values, or as formatted lines with `lines`). */
  run(files: PackedFiles, options: RequestOptions): Promise<WorkerReply> {
    let thread = this.threads[0];
    for (const candidate of this.threads) if (candidate.load < thread!.load) thread = candidate;
    if (!thread || (thread.load > 0 && this.threads.length < this.size)) {
      thread = early.shift() ?? newThread(this.threads.length + 1);
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
