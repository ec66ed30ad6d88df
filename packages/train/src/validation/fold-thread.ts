/**
 * A second thread for cross-validation that trains whole folds (fold-worker.ts), so two folds
 * train at once without any per-node hand-off. crossValidate stays synchronous: the main thread
 * trains a fold of its own meanwhile and then blocks in Atomics.wait on a shared signal, reading
 * the thread's replies with receiveMessageOnPort (no event loop needed). A fold's booster depends
 * only on its rows, parameters and seed, so the models are those of one thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { MscError, ThreadCrash, WORKER_EXEC_ARGV, workerScriptUrl, type MscErrorCode } from '@msc/core';
import type { LabelledMatrix, RoundInfo, TrainOptions } from '../boosting/gbdt.js';
import type { Booster } from '../model/booster.js';

/** A fold to train: trainBooster's arguments (no callbacks: rounds come back as replies). */
export interface FoldJob {
  fold: number;
  train: LabelledMatrix;
  validation?: LabelledMatrix;
  options: Omit<TrainOptions, 'validation' | 'onRound'>;
}

export type FoldReply =
  | { kind: 'round'; fold: number; info: RoundInfo }
  | { kind: 'done'; fold: number; booster: Booster }
  | { kind: 'error'; fold: number; error: { message: string; stack?: string | undefined; code?: MscErrorCode; hint?: string | undefined } };

export interface FoldThreadData {
  port: MessagePort;
  /** Int32 [0]: bumped after every reply. */
  signal: SharedArrayBuffer;
}

/** A round without any word from the thread for this long means it died. */
const SILENCE_TIMEOUT_MS = 15 * 60_000;

export class FoldThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly bell = new Int32Array(new SharedArrayBuffer(4));
  private running: number | undefined;
  private readonly finished = new Map<number, Booster>();

  constructor(private readonly onRound?: (fold: number, info: RoundInfo) => void) {
    const script = workerScriptUrl(import.meta.url, './fold-worker.js');
    if (!existsSync(fileURLToPath(script))) throw new Error(`the fold worker ${fileURLToPath(script)} is missing (run pnpm build)`);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const data: FoldThreadData = { port: port2, signal: this.bell.buffer as SharedArrayBuffer };
    this.worker = new Worker(script, { workerData: data, transferList: [port2], ...(WORKER_EXEC_ARGV ? { execArgv: [...WORKER_EXEC_ARGV] } : {}) });
    this.worker.unref();
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Hands a fold over; its matrices' buffers move to the thread (they are the fold's own copies). */
  start(job: FoldJob): void {
    if (this.running !== undefined) throw new Error('the fold thread is busy');
    this.running = job.fold;
    const buffers = [job.train.matrix.data.buffer, ...(job.validation ? [job.validation.matrix.data.buffer] : [])] as ArrayBuffer[];
    this.port.postMessage(job, buffers);
  }

  /** Reads the thread's replies so far (progress, a finished fold); never blocks. */
  poll(): void {
    for (let message = receiveMessageOnPort(this.port); message; message = receiveMessageOnPort(this.port)) {
      const reply = message.message as FoldReply;
      if (reply.kind === 'round') {
        this.onRound?.(reply.fold, reply.info);
        continue;
      }
      this.running = undefined;
      if (reply.kind === 'done') {
        this.finished.set(reply.fold, reply.booster);
        continue;
      }
      const { message: text, code, hint, stack } = reply.error;
      if (code) throw new MscError(code, text, hint ? { hint } : {});
      const cause = new Error(text);
      if (stack) cause.stack = stack;
      throw new ThreadCrash(`the fold thread failed on fold ${reply.fold}: ${text}`, { cause });
    }
  }

  /** Blocks until the running fold (if any) is done. */
  wait(): void {
    for (;;) {
      const rung = Atomics.load(this.bell, 0);
      this.poll();
      if (this.running === undefined) return;
      if (Atomics.wait(this.bell, 0, rung, SILENCE_TIMEOUT_MS) === 'timed-out') {
        throw new ThreadCrash(`the fold thread gave no sign of life in ${SILENCE_TIMEOUT_MS / 60_000} minutes (fold ${this.running})`);
      }
    }
  }

  /** The booster of a fold the thread finished, once. */
  take(fold: number): Booster | undefined {
    const booster = this.finished.get(fold);
    this.finished.delete(fold);
    return booster;
  }

  dispose(): void {
    this.port.close();
    void this.worker.terminate();
  }
}
