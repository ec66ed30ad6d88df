/**
 * Outer cross-validation: one booster per fold, trained on the other folds and scored on its
 * own; the fold boosters together are the saved model (docs/behaviour.md §5).
 */
import { selectRows, type FeatureMatrix } from '@msc/features';
import { trainBooster, type LabelledMatrix, type RoundInfo } from '../boosting/gbdt.js';
import { classificationMetrics, regressionMetrics, rocAucOneVsRest, type ClassificationMetrics, type RegressionMetrics } from '../metrics/classification.js';
import { argmaxRows, predictProba, predictRaw, type Booster } from '../model/booster.js';
import { resolveParams, type BoosterParams, type Task } from '../params.js';
import { FoldThread, type FoldJob } from './fold-thread.js';
import { foldRows, groupKFold, type FoldAssignment } from './folds.js';

export interface CrossValidateOptions {
  task: Task;
  classNames?: readonly string[];
  params?: Partial<BoosterParams>;
  /** Group (study) of each row: early stopping holds out whole groups of the training part. */
  groups?: readonly string[];
  onRound?: (fold: number, info: RoundInfo) => void;
  /** Per-fold parameter choice from the fold's training rows (nested search); merged over `params`. */
  tune?: (fold: number, trainRows: Uint32Array) => Partial<BoosterParams>;
  /** Rows that are validated and scored (1); others (augmented copies) only train. Default: every row. */
  scored?: Uint8Array;
  /** Sample weight per row for training (default 1); validation metrics count rows, not weights. */
  weights?: ArrayLike<number>;
}

export interface FoldResult {
  fold: number;
  booster: Booster;
  /** Parameters the fold trained with (after tuning). */
  params: Partial<BoosterParams>;
  validRows: Uint32Array;
  classification?: ClassificationMetrics;
  /** One-vs-rest AUC per class on the fold's validation rows (NaN when a class is absent). */
  aucOvr?: number[];
  regression?: RegressionMetrics;
}

export interface CrossValidationResult {
  folds: FoldResult[];
  /** Out-of-fold predictions: probabilities [n × k] or values [n]. */
  outOfFold: Float32Array;
  classification?: ClassificationMetrics;
  regression?: RegressionMetrics;
}

/** Share of training groups held out for early stopping inside a fold. */
const EARLY_STOP_FOLDS = 10;

export function crossValidate(
  matrix: FeatureMatrix,
  labels: ArrayLike<number>,
  folds: FoldAssignment,
  nFolds: number,
  options: CrossValidateOptions,
): CrossValidationResult {
  const k = options.task === 'classification' ? (options.classNames?.length ?? maxLabel(labels) + 1) : 1;
  const outOfFold = new Float32Array(matrix.nRows * k);
  const seed = options.params?.seed ?? 42;
  // Plan every fold first (rows, tuned parameters), then train them, two at a time when allowed.
  const plans: FoldPlan[] = [];
  for (let f = 0; f < nFolds; f++) {
    const rows = foldRows(folds, f);
    const train = rows.train;
    const valid = options.scored ? rows.valid.filter((r) => options.scored![r] === 1) : rows.valid;
    if (valid.length === 0 || train.length === 0) continue;
    const params = { ...options.params, ...options.tune?.(f, train), seed: seed + f };
    let fitRows = train;
    let stopRows: Uint32Array | undefined;
    if ((params.early_stopping_rounds ?? 0) > 0 && options.groups) {
      const trainGroups = Array.from(train, (r) => options.groups![r]!);
      const inner = groupKFold(trainGroups, Math.min(EARLY_STOP_FOLDS, new Set(trainGroups).size), seed + f);
      fitRows = train.filter((_, i) => inner[i] !== 0);
      stopRows = train.filter((_, i) => inner[i] === 0);
    }
    plans.push({ fold: f, params, valid, fitRows, stopRows });
  }
  const weights = options.weights;
  const pick = (rows: Uint32Array): LabelledMatrix => ({
    matrix: selectRows(matrix, rows),
    labels: Float64Array.from(rows, (r) => labels[r]!),
    ...(weights ? { weights: Float64Array.from(rows, (r) => weights[r]!) } : {}),
  });
  const job = (plan: FoldPlan, nThreads: number): FoldJob => ({
    fold: plan.fold,
    train: pick(plan.fitRows),
    ...(plan.stopRows ? { validation: pick(plan.stopRows) } : {}),
    options: {
      task: options.task,
      ...(options.classNames ? { classNames: options.classNames } : {}),
      params: { ...plan.params, n_threads: nThreads },
    },
  });
  const boosters = trainFolds(plans, job, resolveParams(options.params).n_threads, options.onRound);

  const results: FoldResult[] = [];
  for (const { fold: f, params, valid } of plans) {
    const booster = boosters.get(f)!;
    const validMatrix = selectRows(matrix, valid);
    const validLabels = Array.from(valid, (r) => labels[r]!);
    const result: FoldResult = { fold: f, booster, params, validRows: valid };
    if (options.task === 'classification') {
      // the booster's own class count (class names) is k; labels index it
      const probs = predictProba(booster, validMatrix);
      valid.forEach((r, i) => outOfFold.set(probs.subarray(i * k, (i + 1) * k), r * k));
      result.classification = classificationMetrics(validLabels, argmaxRows(probs, k), k);
      result.aucOvr = Array.from({ length: k }, (_, c) => rocAucOneVsRest(validLabels, probs, k, c));
    } else {
      const pred = predictRaw(booster, validMatrix);
      valid.forEach((r, i) => (outOfFold[r] = pred[i]!));
      result.regression = regressionMetrics(validLabels, pred);
    }
    results.push(result);
  }
  const scored = Array.from({ length: matrix.nRows }, (_, r) => r).filter((r) => !options.scored || options.scored[r] === 1);
  const all = scored.map((r) => labels[r]!);
  if (options.task === 'classification') {
    const predicted = argmaxRows(outOfFold, k);
    return {
      folds: results,
      outOfFold,
      classification: classificationMetrics(
        all,
        scored.map((r) => predicted[r]!),
        k,
      ),
    };
  }
  return {
    folds: results,
    outOfFold,
    regression: regressionMetrics(
      all,
      Float32Array.from(scored, (r) => outOfFold[r]!),
    ),
  };
}

interface FoldPlan {
  fold: number;
  /** The fold's parameters (after tuning, with its seed). */
  params: Partial<BoosterParams>;
  valid: Uint32Array;
  fitRows: Uint32Array;
  stopRows: Uint32Array | undefined;
}

/**
 * Trains the planned folds. With two threads, whole folds go to a second thread (fold-thread.ts)
 * while this one trains another, one histogram thread each; a last odd fold waits for the other
 * thread and trains with both (the per-node hand-off of the histogram workspace). Boosters are
 * the same whichever thread trains them.
 */
function trainFolds(
  plans: readonly FoldPlan[],
  job: (plan: FoldPlan, nThreads: number) => FoldJob,
  nThreads: number,
  onRound: ((fold: number, info: RoundInfo) => void) | undefined,
): Map<number, Booster> {
  const boosters = new Map<number, Booster>();
  const thread = nThreads > 1 && plans.length > 1 ? new FoldThread(onRound) : undefined;
  const trainHere = (plan: FoldPlan, threads: number) => {
    const { train, validation, options } = job(plan, threads);
    const { booster } = trainBooster(train, {
      ...options,
      ...(validation ? { validation } : {}),
      onRound: (info: RoundInfo) => {
        thread?.poll();
        onRound?.(plan.fold, info);
      },
    });
    boosters.set(plan.fold, booster);
  };
  try {
    const pending = [...plans];
    while (pending.length > 0) {
      if (thread && !thread.busy && pending.length > 1) {
        thread.start(job(pending.shift()!, 1));
        trainHere(pending.shift()!, 1);
      } else {
        // a last fold while the other thread is busy: wait for it, then train this one on both
        if (thread?.busy && pending.length === 1) thread.wait();
        trainHere(pending.shift()!, thread?.busy ? 1 : nThreads);
      }
      thread?.poll();
    }
    thread?.wait();
    for (const plan of plans) if (!boosters.has(plan.fold)) boosters.set(plan.fold, thread!.take(plan.fold)!);
  } finally {
    thread?.dispose();
  }
  return boosters;
}

function maxLabel(labels: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < labels.length; i++) max = Math.max(max, labels[i]!);
  return max;
}
