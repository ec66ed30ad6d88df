/**
 * Main-thread side of a model's scoring thread (score-worker.ts): the session is created there
 * while this thread reads the input, and batches are scored there while this thread featurizes
 * the next one. The thread keeps the process alive only while it has work (loading included).
 */
import { MscError, ThreadClient, workerScriptUrl } from '@msc/core';
import { type FeatureMatrix } from '@msc/features';

export interface ScoreWorkerData {
  bytes: Uint8Array;
  threads: number;
  input: string;
  output: string;
}

export type ScoreRequest =
  | { kind: 'load' }
  | {
      kind: 'score';
      /** Row-major float32 feature values (transferred). */
      data: ArrayBuffer;
      rows: number;
      cols: number;
    };

export type ScoreReply =
  | { kind: 'ready' }
  /** ONNX Runtime cannot load the model, or it lacks the input: a user's model problem (E_MODEL). */
  | { kind: 'unusable'; message: string }
  | { kind: 'scored'; values: Float32Array }
  | { kind: 'error'; message: string };

export class ScoreThread {
  /** Resolves once the session exists; rejects (E_MODEL) when ONNX Runtime cannot load the model. */
  readonly ready: Promise<void>;
  private readonly thread: ThreadClient<ScoreRequest, ScoreReply>;

  constructor(
    private readonly path: string,
    data: ScoreWorkerData,
  ) {
    this.thread = new ThreadClient(workerScriptUrl(import.meta.url, './score-worker.js'), { name: `the scoring thread of ${path}`, workerData: data });
    this.ready = this.thread.request({ kind: 'load' }).then((reply) => {
      if (reply.kind !== 'ready')
        throw new MscError('E_MODEL', `${path}: ${reply.kind === 'unusable' ? reply.message : `unexpected reply ${reply.kind}`}`, { path });
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
    const whole = matrix.data.byteOffset === 0 && matrix.data.byteLength === matrix.data.buffer.byteLength;
    const data = (handOver && whole ? matrix.data : matrix.data.slice()).buffer as ArrayBuffer;
    const reply = await this.thread.request({ kind: 'score', data, rows: matrix.nRows, cols: matrix.nCols }, [data]);
    if (reply.kind === 'scored') return reply.values;
    throw new MscError('E_MODEL', `ONNX Runtime cannot score with ${this.path}: ${reply.kind === 'error' ? reply.message : `unexpected reply ${reply.kind}`}`, {
      path: this.path,
    });
  }

  /** Ends the thread once it has finished loading the model and scoring what it was given. */
  close(): Promise<void> {
    return this.thread.close();
  }
}
