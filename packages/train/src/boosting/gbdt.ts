/**
 * The boosting loop (LightGBM gbdt.cpp): per round, draw rows, compute gradients, grow one tree
 * per output, add it to the training (and validation) scores; stop early when the validation
 * loss has not improved for `early_stopping_rounds` rounds and keep the best rounds only.
 */
import type { FeatureMatrix } from '@msc/features';
import { MscError, Random } from '@msc/core';
import { buildBinnedDataset } from '../dataset/binned-dataset.js';
import { TreeLearner } from '../learner/tree-learner.js';
import type { Booster } from '../model/booster.js';
import { leafIndex, type Tree } from '../model/tree.js';
import { createObjective } from '../objective/index.js';
import { leafLimit, resolveParams, type BoosterParams, type Task } from '../params.js';

export interface LabelledMatrix {
  matrix: FeatureMatrix;
  /** Class index (classification) or target value (regression) per row. */
  labels: ArrayLike<number>;
  /**
   * Sample weight per row (default 1): each row's gradient and hessian are multiplied by it, so a
   * row of weight w counts as w copies of itself in every split and leaf value.
   */
  weights?: ArrayLike<number>;
}

export interface RoundInfo {
  round: number;
  trainLoss?: number;
  validLoss?: number;
}

export interface TrainOptions {
  task: Task;
  /** Class names in class-index order (classification). */
  classNames?: readonly string[];
  params?: Partial<BoosterParams>;
  /** Held-out rows for early stopping. */
  validation?: LabelledMatrix;
  onRound?: (info: RoundInfo) => void;
}

export interface TrainResult {
  booster: Booster;
  /** Validation loss per round (empty without validation). */
  validLoss: number[];
  /** Index of the best round (last round without early stopping). */
  bestRound: number;
}

export function trainBooster(train: LabelledMatrix, options: TrainOptions): TrainResult {
  const params = resolveParams(options.params);
  const { matrix } = train;
  const n = matrix.nRows;
  if (n === 0) throw new MscError('E_BAD_DATA', 'no training rows');
  if (train.labels.length !== n) throw new MscError('E_BAD_DATA', `${train.labels.length} labels for ${n} rows`);
  const labels = Float64Array.from(train.labels);
  if (options.task === 'regression' && !labels.every(Number.isFinite)) {
    throw new MscError('E_BAD_DATA', 'regression targets must be finite numbers', { hint: 'drop rows with a missing target' });
  }
  const classNames = options.task === 'classification' ? checkClasses(labels, options.classNames) : [];
  const weights = train.weights ? checkWeights(train.weights, n) : undefined;
  const objective = createObjective(options.task, classNames.length);
  const k = objective.nOutputs;

  const ds = buildBinnedDataset(matrix, params.max_bin);
  const learner = new TreeLearner(ds, { ...params, max_leaves: leafLimit(params) }, params.n_threads);
  const random = new Random(params.seed);

  const base = objective.baseScores(labels, weights);
  const scores = new Float64Array(n * k);
  for (let r = 0; r < n; r++) scores.set(base, r * k);
  const valid = options.validation;
  const validLabels = valid ? Float64Array.from(valid.labels) : undefined;
  const validScores = valid ? new Float64Array(valid.matrix.nRows * k) : undefined;
  if (valid && validScores) {
    if (valid.matrix.nCols !== matrix.nCols) throw new MscError('E_BAD_DATA', 'validation rows have a different number of features');
    for (let r = 0; r < valid.matrix.nRows; r++) validScores.set(base, r * k);
  }

  // shared memory so the histogram worker reads the gradients in place
  const grad = new Float64Array(new SharedArrayBuffer(8 * n * k));
  const hess = new Float64Array(new SharedArrayBuffer(8 * n * k));
  learner.setGradients(grad, hess);
  const nSample = Math.max(1, Math.round(params.subsample * n));
  const nFeatSample = Math.max(1, Math.round(params.colsample_bytree * matrix.nCols));
  const trees: Tree[] = [];
  const treeOutput: number[] = [];
  const validLoss: number[] = [];
  let bestRound = -1;
  let bestLoss = Infinity;

  try {
    for (let round = 0; round < params.n_estimators; round++) {
      objective.gradients(scores, labels, grad, hess);
      if (weights) applyWeights(weights, k, grad, hess);
      const sampled = random.sample(n, nSample);
      for (let j = 0; j < k; j++) {
        const features = random.sample(matrix.nCols, nFeatSample);
        const rows = sampled.slice();
        const tree = learner.grow(rows, j * n, features);
        trees.push(tree);
        treeOutput.push(j);
        if (nSample === n) {
          // every row took part: the learner's leaf ranges say where each row ended up
          for (const { node, start, count } of learner.lastLeaves) {
            const v = tree.value[node]!;
            for (let i = start; i < start + count; i++) scores[rows[i]! * k + j]! += v;
          }
        } else {
          addTree(tree, matrix, scores, k, j);
        }
        if (valid && validScores) addTree(tree, valid.matrix, validScores, k, j);
      }
      const info: RoundInfo = { round };
      if (valid && validScores && validLabels) {
        const loss = objective.loss(validScores, validLabels);
        validLoss.push(loss);
        info.validLoss = loss;
        if (loss < bestLoss) {
          bestLoss = loss;
          bestRound = round;
        }
      } else {
        bestRound = round;
      }
      options.onRound?.(info);
      if (params.early_stopping_rounds > 0 && valid && round - bestRound >= params.early_stopping_rounds) break;
    }
  } finally {
    learner.dispose();
  }

  const nRounds = bestRound + 1;
  const booster: Booster = {
    task: options.task,
    nFeatures: matrix.nCols,
    classNames,
    nOutputs: k,
    baseScores: Float32Array.from(base),
    trees: trees.slice(0, nRounds * k),
    treeOutput: Int32Array.from(treeOutput.slice(0, nRounds * k)),
    nRounds,
  };
  return { booster, validLoss, bestRound };
}

function checkWeights(weights: ArrayLike<number>, n: number): Float64Array {
  if (weights.length !== n) throw new MscError('E_BAD_DATA', `${weights.length} weights for ${n} rows`);
  const out = Float64Array.from(weights);
  if (!out.every((w) => Number.isFinite(w) && w >= 0)) throw new MscError('E_BAD_DATA', 'sample weights must be finite numbers ≥ 0');
  return out;
}

/** Gradients are output-major (grad[j * n + r]): row r of every output takes its weight. */
function applyWeights(weights: Float64Array, k: number, grad: Float64Array, hess: Float64Array): void {
  const n = weights.length;
  for (let j = 0; j < k; j++) {
    for (let r = 0; r < n; r++) {
      grad[j * n + r]! *= weights[r]!;
      hess[j * n + r]! *= weights[r]!;
    }
  }
}

function addTree(tree: Tree, matrix: FeatureMatrix, scores: Float64Array, k: number, output: number): void {
  for (let r = 0; r < matrix.nRows; r++) {
    scores[r * k + output]! += tree.value[leafIndex(tree, matrix.data, r * matrix.nCols)]!;
  }
}

function checkClasses(labels: Float64Array, names: readonly string[] | undefined): string[] {
  let max = -1;
  const seen = new Set<number>();
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0) throw new MscError('E_BAD_DATA', `class label ${y} at row ${i} is not a class index`);
    seen.add(y);
    max = Math.max(max, y);
  }
  const nClasses = names ? names.length : max + 1;
  if (max >= nClasses) throw new MscError('E_BAD_DATA', `class index ${max} but only ${nClasses} class names`);
  if (seen.size < 2) {
    throw new MscError('E_BAD_DATA', 'the training rows hold only one class', { hint: 'classification needs at least two classes' });
  }
  return names ? [...names] : Array.from({ length: nClasses }, (_, i) => String(i));
}
