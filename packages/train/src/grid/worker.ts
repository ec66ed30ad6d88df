/**
 * A grid worker thread: runs msc-train jobs (runTrain on files) one at a time as the main thread
 * hands them over. The training table is read once per thread and kept: every job of a grid
 * trains on the same file.
 */
import { parentPort } from 'node:worker_threads';
import { MscError, type Row } from '@msc/core';
import { fileTrainIo } from '../file-io.js';
import { runTrain } from '../train-from-table.js';
import type { JobReply, JobRequest } from './pool.js';

const port = parentPort;
if (!port) throw new Error('grid worker: not started as a worker thread');

const io = fileTrainIo();
const cache = new Map<string, Promise<Row[]>>();
const readRows = (path: string): Promise<Row[]> => {
  let rows = cache.get(path);
  if (!rows) {
    rows = io.readRows(path);
    cache.set(path, rows);
    rows.catch(() => cache.delete(path));
  }
  return rows;
};

port.on('message', (request: JobRequest) => {
  const started = performance.now();
  let lastProgress = 0;
  const progress = (message: string) => {
    const now = performance.now();
    if (now - lastProgress < 250) return;
    lastProgress = now;
    port.postMessage({ type: 'progress', id: request.id, message } satisfies JobReply);
  };
  runTrain(request.options, { ...io, readRows, progress }).then(
    (summary) => port.postMessage({ type: 'done', id: request.id, summary, seconds: (performance.now() - started) / 1000 } satisfies JobReply),
    (error: unknown) => {
      const known = error instanceof MscError;
      const message = error instanceof Error ? error.message : String(error);
      port.postMessage({
        type: 'error',
        id: request.id,
        error: known ? { code: error.code, message, ...(error.hint ? { hint: error.hint } : {}) } : { message, ...(error instanceof Error && error.stack ? { stack: error.stack } : {}) },
      } satisfies JobReply);
    },
  );
});
