/**
 * The ONNX Runtime session of one model, on its own thread: the main thread featurizes the next
 * batch while this one scores the last (ORT's run is synchronous on the thread that calls it).
 */
import { workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { serveRequests, errorMessage } from '@msc/core/lean';
import { MIN_ORDERED_ROWS, permuteRows, readLeadingTrees, rowOrder, unpermuteRows, type KeyTree } from './row-order.js';
import type { ScoreReply, ScoreRequest, ScoreWorkerData } from './score-thread.js';

const { bytes, threads, input, output } = workerData as ScoreWorkerData;

// Loading starts now, before the first request. No spin-waiting in ORT's pool: on a shared
// machine a spinning thread takes the core its partner needs (60K series scored in 2.3 s with
// spinning, 1.2 s without, one core busy elsewhere).
const loading: Promise<{ session: ort.InferenceSession } | { message: string }> = ort.InferenceSession.create(bytes, {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  extra: { session: { intra_op: { allow_spinning: '0' } } },
}).then(
  (session) => (session.inputNames.includes(input) ? { session } : { message: `has no input named '${input}'` }),
  (error: Error) => ({ message: `ONNX Runtime cannot load it: ${error.message}` }),
);

/** The trees that order a batch's rows (row-order.ts), read once the model is loaded (else at the first batch big enough to order). */
let keyTrees: KeyTree[] | undefined;

function readKeyTrees(): void {
  try {
    keyTrees ??= readLeadingTrees(bytes);
  } catch {
    // Read again, and reported, by the first batch that needs them.
  }
}

serveRequests<ScoreRequest, ScoreReply>(
  async (request) => {
    const loaded = await loading;
    if ('message' in loaded)
      return request.kind === 'load' ? { kind: 'unusable', message: loaded.message } : { kind: 'error', message: `the model did not load: ${loaded.message}` };
    if (request.kind === 'load') {
      // Read while the main thread still reads its input, not when the first batch waits for them.
      setImmediate(readKeyTrees);
      return { kind: 'ready' };
    }
    try {
      const { rows, cols } = request;
      let data: Float32Array = new Float32Array(request.data);
      // Rows sorted so that neighbours branch alike in ORT's tree walk (row-order.ts): ORT scores each row alone, so the bytes are the same.
      const order = rows >= MIN_ORDERED_ROWS && (keyTrees ??= readLeadingTrees(bytes)).length > 0 ? rowOrder(keyTrees, data, rows, cols) : undefined;
      if (order) data = permuteRows(data, cols, order);
      const result = await loaded.session.run({ [input]: new ort.Tensor('float32', data, [rows, cols]) }, [output]);
      const values = result[output]!.data as Float32Array;
      // A copy of exactly the result's values (its data may be a view on a larger buffer), in the caller's row order.
      return { kind: 'scored', values: order ? unpermuteRows(values, values.length / rows, order) : Float32Array.from(values) };
    } catch (error) {
      return { kind: 'error', message: errorMessage(error) };
    }
  },
  { transfer: (reply) => (reply.kind === 'scored' ? [reply.values.buffer as ArrayBuffer] : []) },
);
