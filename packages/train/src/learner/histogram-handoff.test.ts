/**
 * The per-node hand-off between the main thread and the histogram worker (histogram-protocol.ts,
 * histogram-worker.ts): a wake-up that brings no new job number must not run a job again, and
 * trees grown with two threads are those of one thread, run after run, with such wake-ups.
 * The worker runs the built module (`pnpm test` builds first).
 */
import { Random } from '@msc/core';
import { createFeatureMatrix } from '@msc/features';
import { describe, expect, it } from 'vitest';
import { buildBinnedDataset } from '../dataset/binned-dataset.js';
import type { Tree } from '../model/tree.js';
import { CTRL } from './histogram-protocol.js';
import { leafTotals } from './histogram.js';
import { HistogramWorkspace } from './histogram-workspace.js';
import { TreeLearner } from './tree-learner.js';

/** Wakes the thread waiting on ctrl[CTRL.seq] once, leaving SEQ as it is: the late notify of a job already done. */
function replayLateNotify(ctrl: Int32Array): void {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (let tries = 0; tries < 20_000; tries++) {
    if (Atomics.notify(ctrl, CTRL.seq, 1) === 1) return;
    Atomics.wait(nap, 0, 0, 0.1);
  }
  throw new Error('the histogram worker never went to sleep');
}

/** Rows enough that most leaves are split between the two threads (≥ 512 rows). */
const N = 6000;
const COLS = 12;

function regressionData() {
  const rnd = new Random(11);
  const m = createFeatureMatrix(N, COLS);
  const y = new Float64Array(N);
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < COLS; c++) {
      // small integers and sparse flags: many equal gains, where a wrong histogram shows first
      m.data[r * COLS + c] = c % 3 === 0 ? rnd.int(6) : c % 3 === 1 ? (rnd.next() < 0.1 ? 1 : 0) : rnd.next() < 0.05 ? Number.NaN : rnd.int(40);
    }
    y[r] = m.data[r * COLS]! + 2 * m.data[r * COLS + 1]! - (m.data[r * COLS + 2]! % 7) + rnd.next();
  }
  return { ds: buildBinnedDataset(m, 255), y };
}

/** `rounds` trees of squared-error boosting grown by `learner`; `afterTree` runs between trees. */
function boost(learner: TreeLearner, y: Float64Array, rounds: number, features: Uint32Array, afterTree?: () => void): Tree[] {
  const grad = new Float64Array(new SharedArrayBuffer(8 * N));
  const hess = new Float64Array(new SharedArrayBuffer(8 * N)).fill(1);
  const pred = new Float64Array(N);
  learner.setGradients(grad, hess);
  const trees: Tree[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (let r = 0; r < N; r++) grad[r] = pred[r]! - y[r]!;
      const rows = Uint32Array.from({ length: N }, (_, r) => r);
      const tree = learner.grow(rows, 0, features);
      for (const { node, start, count } of learner.lastLeaves) for (let i = start; i < start + count; i++) pred[rows[i]!]! += tree.value[node]!;
      trees.push(tree);
      afterTree?.();
    }
  } finally {
    learner.dispose();
  }
  return trees;
}

const OPTIONS = { learning_rate: 0.3, max_depth: 5, max_leaves: 32, reg_lambda: 1, gamma: 0, min_child_weight: 1, min_samples_leaf: 1 };

describe('histogram hand-off', () => {
  it('does not run a job again when the notify of a job it already did comes late', () => {
    const { ds } = regressionData();
    // on shared memory, as the booster allocates them, or the worker does not start
    const grad = new Float64Array(new SharedArrayBuffer(8 * N));
    const hess = new Float64Array(new SharedArrayBuffer(8 * N));
    for (let r = 0; r < N; r++) {
      grad[r] = Math.sin(r);
      hess[r] = 1 + (r % 3);
    }
    const workspace = new HistogramWorkspace(ds, 2, 4);
    try {
      workspace.setGradients(grad, hess);
      const all = Uint32Array.from({ length: N }, (_, r) => r);
      workspace.rows.set(all);
      const parent = workspace.take();
      workspace.build(parent, 0, N, 0, leafTotals(all, grad, hess));
      const child = workspace.take();
      workspace.build(child, 0, N / 3, 0, leafTotals(all.subarray(0, N / 3), grad, hess));
      const expected = parent.map((v, i) => v - child[i]!);
      workspace.subtract(parent, child);
      expect(parent).toEqual(expected);

      // The main thread stores a job's number, then notifies; preempted in between, its notify
      // reaches a worker that already did the job and sleeps again. Replay that notify:
      const ctrl = (workspace as unknown as { ctrl: Int32Array })['ctrl'];
      const finished = Atomics.load(ctrl, CTRL.done);
      Atomics.store(ctrl, CTRL.done, 0);
      replayLateNotify(ctrl);
      // a worker that takes the wake-up for a job does it again and reports it done
      expect(Atomics.wait(ctrl, CTRL.done, 0, 300)).toBe('timed-out');
      Atomics.store(ctrl, CTRL.done, finished);
      expect(parent).toEqual(expected);
    } finally {
      workspace.dispose();
    }
  });

  it('grows the trees of one thread with two, run after run, with late notifies between trees', () => {
    const { ds, y } = regressionData();
    const rounds = 12;
    const workspaceOf = (learner: TreeLearner) => learner['histograms'] as unknown as { ctrl: Int32Array; cutFeature: number };
    const probe = new TreeLearner(ds, OPTIONS, 2);
    // split on the main thread's features only: the worker's last job of a tree is then a
    // build or a subtraction, which must not run again under the next tree
    const features = Uint32Array.from({ length: workspaceOf(probe).cutFeature }, (_, f) => f);
    probe.dispose();
    const grow = (threads: number) => {
      const learner = new TreeLearner(ds, OPTIONS, threads);
      return boost(learner, y, rounds, features, threads > 1 ? () => replayLateNotify(workspaceOf(learner).ctrl) : undefined);
    };
    const single = grow(1);
    expect(single.length).toBe(rounds);
    expect(grow(2)).toEqual(single);
    expect(grow(2)).toEqual(single);
  });
});
