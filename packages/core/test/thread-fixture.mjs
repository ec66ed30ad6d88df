// Worker for threads.test.ts, on the built client (`pnpm test` builds first).
import { workerData } from 'node:worker_threads';
import { serveRequests } from '../dist/threads.js';

// A thread that is slow to start (as ONNX Runtime loading a model): blocks before it listens.
if (workerData?.startDelayMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.startDelayMs);

/** `hold` requests wait for a `release`, which is answered before them. */
const held = [];

serveRequests(async (request) => {
  if (request.kind === 'throw') throw new Error('a bug in the thread');
  if (request.kind === 'exit') process.exit(7);
  if (request.kind === 'hold') return new Promise((resolve) => held.push(() => resolve({ echo: request.value })));
  if (request.kind === 'release') setImmediate(() => held.splice(0).forEach((answer) => answer()));
  return { echo: request.value };
});
