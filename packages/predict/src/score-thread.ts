/**
 * Main-thread side of a model's scoring thread (score-worker.ts): the session is created there
 * while this thread reads the input, and batches are scored there while this thread featurizes
 * the next one. The thread keeps the process alive only while it has work.
 */
import { Worker } from 'node:worker_threads';
import { MscError, WORKER_EXEC_ARGV, workerScriptUrl } from '@msc/core';
import { type FeatureMatrix } from '@msc/features';

export interface ScoreWorkerData {
  bytes: Uint8Array;
  threads: number;
  input: string;
  output: string;
}

export interface ScoreRequest {
  id: number;
  /** Row-major float32 feature values (transferred). */
  data: ArrayBuffer;
  rows: number;
  cols: number;
}

export type ScoreReply =
  | { kind: 'ready' }
  | { kind: 'failed'; message: string }
  | { kind: 'scored'; id: number; values: Float32Array }
  | { kind: 'error'; id: number; message: string };

export class ScoreThread {
  /** Resolves once the session exists; rejects (E_MODEL) when ONNX Runtime cannot load the model. */
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (values: Float32Array) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private loading = true;
  private failure: Error | undefined;

  constructor(
    private readonly path: string,
    data: ScoreWorkerData,
  ) {
    this.worker = new Worker(workerScriptUrl(import.meta.url, './score-worker.js'), { workerData: data, execArgv: [...WORKER_EXEC_ARGV] });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (reply: ScoreReply) => {
        if (reply.kind === 'ready') {
          this.loading = false;
          this.idle();
          resolve();
        } else if (reply.kind === 'failed') {
          this.fail(new MscError('E_MODEL', `${path}: ${reply.message}`, { path }));
          reject(this.failure);
        } else {
          const job = this.pending.get(reply.id);
          this.pending.delete(reply.id);
          if (reply.kind === 'scored') job?.resolve(reply.values);
          else job?.reject(new MscError('E_MODEL', `ONNX Runtime cannot score with ${path}: ${reply.message}`, { path }));
          this.idle();
        }
      });
      const crash = (error: Error) => {
        this.fail(new MscError('E_MODEL', `the scoring thread of ${path} failed: ${error.message}`, { path, cause: error }));
        reject(this.failure);
      };
      this.worker.on('error', crash);
      this.worker.on('exit', (code) => crash(new Error(`it exited (code ${code})`)));
    });
    // Awaited later (the caller reads its input first): a failure is reported there, not as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /**
   * Scores a row-major matrix. With `handOver` the matrix's own buffer goes to the thread (no copy;
   * the matrix is unusable afterwards), else a copy does.
   */
  async run(matrix: FeatureMatrix, handOver = false): Promise<Float32Array> {
    await this.ready;
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    const whole = matrix.data.byteOffset === 0 && matrix.data.byteLength === matrix.data.buffer.byteLength;
    const data = handOver && whole ? matrix.data : matrix.data.slice();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      const request: ScoreRequest = { id, data: data.buffer as ArrayBuffer, rows: matrix.nRows, cols: matrix.nCols };
      this.worker.postMessage(request, [request.data]);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new MscError('E_MODEL', `${this.path}: the scoring thread is closed`, { path: this.path });
    await this.worker.terminate();
  }

  /** Lets the process exit while nothing is asked of the thread. */
  private idle(): void {
    if (!this.loading && this.pending.size === 0) this.worker.unref();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const job of this.pending.values()) job.reject(this.failure);
    this.pending.clear();
  }
}
