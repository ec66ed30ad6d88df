/**
 * Booster parameters: names, defaults and checks in one place (LightGBM's config.h role).
 * Names follow XGBoost where one exists, so `--param max_depth=6` reads as users expect.
 */
import { MscError } from '@msc/core';

export type Task = 'classification' | 'regression';

export interface BoosterParams {
  /** Shrinkage applied to every leaf value. */
  learning_rate: number;
  /** Boosting rounds (one tree per class per round). */
  n_estimators: number;
  /** Maximum tree depth; 0 = unlimited (then max_leaves bounds the tree). */
  max_depth: number;
  /** Maximum leaves per tree (leaf-wise growth); 0 = 2^max_depth. */
  max_leaves: number;
  /** Minimum hessian sum in a child (XGBoost min_child_weight). */
  min_child_weight: number;
  /** Minimum training rows in a child (LightGBM min_data_in_leaf). */
  min_samples_leaf: number;
  /** L2 regularisation on leaf values. */
  reg_lambda: number;
  /** Minimum loss reduction to split (XGBoost gamma). */
  gamma: number;
  /** Fraction of rows drawn (without replacement) for each round. */
  subsample: number;
  /** Fraction of features considered by each tree. */
  colsample_bytree: number;
  /** Maximum bins per feature, the missing bin included (≤ 255: bins are Uint8). */
  max_bin: number;
  /** Stop when the validation metric has not improved for this many rounds; 0 = off. */
  early_stopping_rounds: number;
  seed: number;
  /** Threads for histogram building (1 or 2; the model does not depend on it). */
  n_threads: number;
}

export const DEFAULT_PARAMS: Readonly<BoosterParams> = {
  learning_rate: 0.1,
  n_estimators: 100,
  max_depth: 6,
  max_leaves: 0,
  min_child_weight: 1,
  min_samples_leaf: 1,
  reg_lambda: 1,
  gamma: 0,
  subsample: 1,
  colsample_bytree: 1,
  max_bin: 255,
  early_stopping_rounds: 0,
  seed: 42,
  n_threads: 2,
};

const RANGES: Record<keyof BoosterParams, [min: number, max: number, integer: boolean]> = {
  learning_rate: [Number.MIN_VALUE, 10, false],
  n_estimators: [1, 1e6, true],
  max_depth: [0, 64, true],
  max_leaves: [0, 1 << 20, true],
  min_child_weight: [0, Number.MAX_VALUE, false],
  min_samples_leaf: [1, Number.MAX_SAFE_INTEGER, true],
  reg_lambda: [0, Number.MAX_VALUE, false],
  gamma: [0, Number.MAX_VALUE, false],
  subsample: [Number.MIN_VALUE, 1, false],
  colsample_bytree: [Number.MIN_VALUE, 1, false],
  max_bin: [3, 255, true],
  early_stopping_rounds: [0, 1e6, true],
  seed: [0, 2 ** 32 - 1, true],
  n_threads: [1, 2, true],
};

/** Defaults overlaid with `overrides`, every value checked. */
export function resolveParams(overrides: Partial<BoosterParams> = {}): BoosterParams {
  const params = { ...DEFAULT_PARAMS, ...overrides };
  for (const [key, [min, max, integer]] of Object.entries(RANGES) as [keyof BoosterParams, [number, number, boolean]][]) {
    const value = params[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      throw new MscError('E_USAGE', `parameter ${key}=${String(value)} is out of range`, {
        hint: `${key} takes ${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`,
      });
    }
  }
  if (params.max_depth === 0 && params.max_leaves === 0) {
    throw new MscError('E_USAGE', 'max_depth=0 (unlimited) needs max_leaves > 0', { hint: 'set max_leaves, e.g. 31' });
  }
  return params;
}

/** Leaves a tree may have: max_leaves, else 2^max_depth. */
export function leafLimit(params: BoosterParams): number {
  if (params.max_leaves > 0) return params.max_leaves;
  return 2 ** Math.min(params.max_depth, 20);
}

/** Parses `key=value` strings (CLI `--param`) into overrides, rejecting unknown keys. */
export function parseParamOverrides(pairs: readonly string[]): Partial<BoosterParams> {
  const out: Partial<Record<keyof BoosterParams, number>> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim();
    if (eq < 0 || !(key in DEFAULT_PARAMS)) {
      throw new MscError('E_USAGE', `unknown parameter "${pair}"`, { hint: `known: ${Object.keys(DEFAULT_PARAMS).join(', ')}` });
    }
    out[key as keyof BoosterParams] = Number(pair.slice(eq + 1));
  }
  return out;
}
