/**
 * Bounded concurrency for predictions: `limit` run at once, up to `queueLimit` wait their turn,
 * the rest are refused at once (503) rather than piling up in memory.
 */
import { HttpError } from './errors.js';

export class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    public limit: number,
    public queueLimit: number,
  ) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.running < this.limit) this.running += 1;
    else {
      if (this.waiting.length >= this.queueLimit) {
        throw new HttpError(
          503,
          'E_BUSY',
          `the server is busy (${this.running} requests running, ${this.waiting.length} waiting)`,
          'retry later, or raise server.max_concurrent_requests / max_queued_requests',
        );
      }
      // The slot is handed over by the request that finishes (running stays counted).
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      signal?.throwIfAborted();
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
