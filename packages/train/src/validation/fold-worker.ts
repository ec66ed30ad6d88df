/**
 * The fold thread: trains whole cross-validation folds that the main thread hands over
 * (fold-thread.ts) with the same trainBooster the main thread runs, one histogram thread each
 * (n_threads = 1 gives the same trees as 2). Every round and the end of a fold bump the shared
 * signal, so the main thread, blocked in Atomics.wait, wakes to read the port.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { MscError } from '@msc/core';
import { trainBooster } from '../boosting/gbdt.js';
import type { FoldJob, FoldReply, FoldThreadData } from './fold-thread.js';

const { port, signal } = workerData as FoldThreadData;
const bell = new Int32Array(signal);

function answer(reply: FoldReply): void {
  port.postMessage(reply);
  Atomics.add(bell, 0, 1);
  Atomics.notify(bell, 0);
}

function train(job: FoldJob): void {
  try {
    const { booster } = trainBooster(job.train, {
      ...job.options,
      ...(job.validation ? { validation: job.validation } : {}),
      onRound: (info) => answer({ kind: 'round', fold: job.fold, info }),
    });
    answer({ kind: 'done', fold: job.fold, booster });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    answer({
      kind: 'error',
      fold: job.fold,
      error: { message: e.message, stack: e.stack, ...(e instanceof MscError ? { code: e.code, hint: e.hint } : {}) },
    });
  }
}

(port as MessagePort).on('message', train);
