/**
 * One way to talk to a worker thread: requests tagged with an id, replies matched by id (a
 * thread may answer out of order), every pending call failed when the thread dies. The client
 * holds the process open only while a call is pending or the thread is shutting down.
 *
 * A thread that dies (an uncaught exception, an unexpected exit) is a bug in MSC, not a user
 * mistake: calls reject with `ThreadCrash`, which the CLIs report as an internal error (exit 1).
 * What a thread can *answer* (a model ONNX Runtime cannot load, a table the fast path declines)
 * belongs in its reply type.
 *
 * `close()` asks the thread to finish what it was given and exit by itself, and waits for it;
 * terminating a thread while native code runs on it (ONNX Runtime loading a model) aborts the
 * whole process (SIGABRT from an uncaught `Napi::Error`), so `terminate()` is for a thread that
 * will not answer.
 */
import { parentPort, Worker, type Transferable } from 'node:worker_threads';
import { WORKER_EXEC_ARGV } from './worker-url.js';

// With the messaging, the script URLs: what starting a thread needs (`@msc/core/threads`, loaded before the rest of core by a CLI that starts threads early).
export { workerScriptUrl } from './worker-url.js';

/** A worker thread died: a bug, reported with its cause (exit 1), never as a user error. */
export class ThreadCrash extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ThreadCrash';
    // The CLIs print an internal error's stack: the thread's own stack says where the bug is.
    const cause = options?.cause;
    if (cause instanceof Error && cause.stack) this.stack = `${this.stack}\ncaused by (in the thread): ${cause.stack}`;
  }
}

export interface ThreadClientOptions {
  /** Names the thread in errors, e.g. `the scan thread of big.tsv`. */
  name: string;
  workerData?: unknown;
}

/** Client → thread. */
type Envelope<Req> = { id: number; request: Req } | { close: true };
/** Thread → client. */
interface Answer<Rep> {
  id: number;
  reply: Rep;
}

interface Pending<Rep> {
  resolve: (reply: Rep) => void;
  reject: (error: Error) => void;
}

export class ThreadClient<Req, Rep> {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending<Rep>>();
  private readonly exited: Promise<void>;
  private nextId = 0;
  /** Set once no more calls are accepted: the reason they are refused. */
  private failure: Error | undefined;
  private closing = false;

  constructor(
    script: URL,
    private readonly options: ThreadClientOptions,
  ) {
    this.worker = new Worker(script, { workerData: options.workerData, ...(WORKER_EXEC_ARGV ? { execArgv: [...WORKER_EXEC_ARGV] } : {}) });
    this.worker.unref();
    this.worker.on('message', (answer: Answer<Rep>) => {
      const call = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      this.holdOpenWhileBusy();
      call?.resolve(answer.reply);
    });
    this.worker.on('error', (error) => this.fail(new ThreadCrash(`${options.name} crashed: ${error.message}`, { cause: error })));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        if (!this.closing) this.fail(new ThreadCrash(`${options.name} exited unexpectedly (code ${code})`));
        // After a clean close, calls the thread never answered (none, normally) are refused.
        this.fail(new Error(`${options.name} is closed`));
        resolve();
      });
    });
  }

  /** Calls not answered yet (a pool gives new work to the thread with the fewest). */
  get load(): number {
    return this.pending.size;
  }

  /** Whether it still takes calls: not crashed, not closing or closed. */
  get usable(): boolean {
    return !this.failure && !this.closing;
  }

  /** Sends a request; resolves with the thread's reply, rejects with `ThreadCrash` if it dies first. */
  request(request: Req, transfer: readonly Transferable[] = []): Promise<Rep> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error(`${this.options.name} is closing`));
    const id = this.nextId++;
    return new Promise<Rep>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.holdOpenWhileBusy();
      this.worker.postMessage({ id, request } satisfies Envelope<Req>, transfer);
    });
  }

  /**
   * Asks the thread to answer what it was sent and exit, and waits until it has (a thread still
   * starting finishes starting first). Safe to call more than once, and after a crash.
   */
  async close(): Promise<void> {
    if (!this.closing && !this.failure) {
      this.closing = true;
      this.worker.ref();
      this.worker.postMessage({ close: true } satisfies Envelope<Req>);
    }
    this.closing = true;
    await this.exited;
  }

  /** Stops the thread now, whatever it is doing (for a thread that does not answer). */
  async terminate(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
    await this.exited;
  }

  private holdOpenWhileBusy(): void {
    if (this.pending.size > 0 || this.closing) this.worker.ref();
    else this.worker.unref();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const call of this.pending.values()) call.reject(this.failure);
    this.pending.clear();
  }
}

export interface ServeOptions<Rep> {
  /** Buffers of a reply to move to the client rather than copy. */
  transfer?: (reply: Rep) => Transferable[];
}

/**
 * The thread side of a `ThreadClient`: answers each request with `handle`'s result. When asked
 * to close, it stops listening once every request it has is answered, and the thread exits when
 * nothing else runs on it. An exception in `handle` is not caught: it ends the thread, and the
 * client reports the crash to every pending call.
 */
export function serveRequests<Req, Rep>(handle: (request: Req) => Rep | Promise<Rep>, options: ServeOptions<Rep> = {}): void {
  const port = parentPort;
  if (!port) throw new Error('serveRequests runs in a worker thread');
  let running = 0;
  let closing = false;
  const answer = (id: number, reply: Rep) => {
    port.postMessage({ id, reply } satisfies Answer<Rep>, options.transfer?.(reply) ?? []);
    running -= 1;
    if (closing && running === 0) port.close();
  };
  port.on('message', (envelope: Envelope<Req>) => {
    if ('close' in envelope) {
      closing = true;
      if (running === 0) port.close();
      return;
    }
    running += 1;
    const reply = handle(envelope.request);
    if (reply instanceof Promise) {
      void reply.then((value) => answer(envelope.id, value));
    } else {
      answer(envelope.id, reply);
    }
  });
}
