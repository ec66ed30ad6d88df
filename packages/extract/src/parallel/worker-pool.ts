/**
 * Up to `size` worker threads that turn batches of paths into extract events. Each job goes to an
 * idle thread, a new one while fewer than `size` run, else the least-loaded. Threads start when
 * work needs them: a thread costs ≈ 0.1–0.2 s of CPU to start (Node's internals compiled again
 * per isolate, then its JIT warm-up), which a shard with nothing (or one batch) to read need not pay.
 * The CLI starts the first one early (`startEarlyThread`), while it loads; a pool takes that one first.
 */
import { ThreadClient, workerScriptUrl } from '@msc/core/lean';
import type { PackedFiles, RequestOptions, WorkerReply, WorkerRequest } from './protocol.js';

const SCRIPT = workerScriptUrl(import.meta.url, './extract-worker.js');
type ExtractThread = ThreadClient<WorkerRequest, WorkerReply>;
const newThread = (number: number): ExtractThread => new ThreadClient(SCRIPT, { name: `extract thread ${number}` });

/** A thread started before the run knew whether it has work (`startEarlyThread`), for the first pool to need one. */
let early: ExtractThread | undefined;

/**
 * Starts a thread now, while the caller does other things (the CLI loads its modules and walks),
 * for the first thread a pool starts.
 */
export function startEarlyThread(): void {
  early ??= newThread(1);
}

/** Ends the early thread if no pool took it (a run with nothing to read); true if there was one. */
export async function discardEarlyThread(): Promise<boolean> {
  const thread = early;
  early = undefined;
  // Nothing was sent: stopping it mid-start costs less than letting it finish starting.
  await thread?.terminate();
  return thread !== undefined;
}

export class WorkerPool {
  private readonly threads: ExtractThread[] = [];

  constructor(private readonly size: number) {}

  /** The threads' answer for `files` (rows as values, or as formatted lines with `lines`). */
  run(files: PackedFiles, options: RequestOptions): Promise<WorkerReply> {
    let thread = this.threads[0];
    for (const candidate of this.threads) if (candidate.load < thread!.load) thread = candidate;
    if (!thread || (thread.load > 0 && this.threads.length < this.size)) {
      thread = early ?? newThread(this.threads.length + 1);
      early = undefined;
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
