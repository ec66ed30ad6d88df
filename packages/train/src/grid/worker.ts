/**
 * A grid worker thread: runs msc-train jobs (runTrain on files) as the pool hands them over. The
 * training table is read once per thread and kept: every job of a grid trains on the same file.
 */
import { MscError, serveRequests } from '@msc/core';
import { fileTrainIo } from '../file-io.js';
import type { LabelledTable } from '../labelled-table.js';
import { runTrain } from '../train-from-table.js';
import type { JobReply, JobRequest } from './pool.js';

const io = fileTrainIo();
const cache = new Map<string, Promise<LabelledTable>>();
const readRows = (path: string, labelColumn: string): Promise<LabelledTable> => {
  const key = `${labelColumn}\u0000${path}`;
  let table = cache.get(key);
  if (!table) {
    table = io.readRows(path, labelColumn);
    cache.set(key, table);
    table.catch(() => cache.delete(key));
  }
  return table;
};

serveRequests<JobRequest, JobReply>(async ({ options }) => {
  const started = performance.now();
  try {
    const summary = await runTrain(options, { ...io, readRows });
    return { summary, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    // A user-facing error is an answer; anything else is a bug and ends the thread (ThreadCrash).
    if (error instanceof MscError) return { error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) } };
    throw error;
  }
});
