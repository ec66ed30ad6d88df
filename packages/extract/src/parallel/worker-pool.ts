/**
 * Up to `size` worker threads that turn batches of paths into extract events. Each job goes to an
 * idle thread, a new one while fewer than `size` run, else the least-loaded. Threads start when
 * work needs them: a thread costs ≈ 0.1–0.2 s of CPU to start (Node's internals compiled again
 * per isolate, then its JIT warm-up), which a shard with nothing (or one batch) to read need not pay.
 * The CLI starts the first ones early (`startEarlyThreads`), while it loads; a pool takes those first.
 * A closed pool's idle threads wait for the next pool of the process (a service extracting a folder
 * per request, a test file running msc-extract's main again and again) instead of ending: a thread
 * holds no state of a run (each request carries its options), and a waiting one does not keep the
 * process alive. At most MOST_KEPT wait; the others end.
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

/** Idle threads of closed pools, for the next pool (after the early ones). */
const kept: ExtractThread[] = [];
/** At most this many are kept (the default pool size on two cores). */
const MOST_KEPT = 2;

/** Idle threads of closed pools waiting for the next pool. */
export function keptThreads(): number {
  return kept.length;
}

/** A kept thread that still takes calls, if any. */
function takeKept(): ExtractThread | undefined {
  let thread = kept.shift();
  while (thread && !thread.usable) thread = kept.shift();
  return thread;
}

/** Keeps an idle, healthy thread for the next pool, or ends it. */
function keepOrClose(thread: ExtractThread): Promise<void> {
  if (thread.load > 0 || !thread.usable || kept.length >= MOST_KEPT) return thread.close();
  kept.push(thread);
  return Promise.resolve();
}

export class WorkerPool {
  private readonly threads: ExtractThread[] = [];
  private closed = false;

  constructor(private readonly size: number) {}

  /** The threads' answer for `files` (rows as values, or as formatted lines with `lines`). */
  run(files: PackedFiles, options: RequestOptions): Promise<WorkerReply> {
    // A closed pool's idle threads may serve another pool now: it sends nothing more.
    if (this.closed) return Promise.reject(new Error('the reading threads of this run are closed'));
    let thread = this.threads[0];
    for (const candidate of this.threads) if (candidate.load < thread!.load) thread = candidate;
    if (!thread || (thread.load > 0 && this.threads.length < this.size)) {
      thread = early.shift() ?? takeKept() ?? newThread(this.threads.length + 1);
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

  /** Lets the threads answer what they were sent, then ends them or keeps the idle ones for the next pool. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.map(keepOrClose));
  }
}
