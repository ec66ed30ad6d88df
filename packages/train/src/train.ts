/**
 * The library entry point behind `msc-train`: labelled series rows → featurizer (core) →
 * grouped cross-validation → one ONNX file holding every fold's trees, with the featurizer
 * state, class names, arguments and metrics in its metadata.
 */
import { CLASS_LABELS, MscError, parseClassLabel, type Row } from '@msc/core';
import {
  type FeatureMatrix,
  featureNames,
  type FeatureSpec,
  type FeaturizerOptions,
  fitFeaturizer,
  meanAbsShap,
  MODEL_METADATA,
  selectRows,
  serializeFeatureSpec,
  specColumns,
  transform,
} from '@msc/features';
import { tagDropoutRows, type AugmentedRows, type TagDropout } from './augment/tag-dropout.js';
import { exportOnnx } from './export/onnx/export.js';
import { resolveParams, type BoosterParams, type Task } from './params.js';
import { crossValidate, type CrossValidationResult } from './validation/cross-validate.js';
import { groupKFold, leaveOneGroupOut } from './validation/folds.js';
import type { RoundInfo } from './boosting/gbdt.js';
import { gainImportance } from './explain/gain-importance.js';
import { randomSearch, type SearchSpace } from './validation/random-search.js';

export interface TrainModelOptions {
  task?: Task;
  /** Column holding the class or value; default `class`. */
  targetColumn?: string;
  /** Outer folds (default 5) unless `groupOfStudy` gives leave-one-group-out. */
  folds?: number;
  groupOfStudy?: Readonly<Record<string, string>>;
  params?: Partial<BoosterParams>;
  featurizer?: FeaturizerOptions;
  /** Inner random-search draws per outer fold (0 = off, the original uses 50). */
  nIter?: number;
  /** Inner folds of the search (grouped by study); default 5. */
  innerFolds?: number;
  searchSpace?: SearchSpace;
  /** Compute gain and SHAP importance per fold (the original's --skip-importance turns it off). */
  importance?: boolean;
  /** Validation rows per fold used for SHAP (evenly spaced); default 500. TreeSHAP is O(rows · leaves · depth²) per tree. */
  shapRows?: number;
  /** Recorded in the model's metadata as `msc.training_args`. */
  trainingArgs?: Readonly<Record<string, unknown>>;
  /** More metadata_props (such as the training-cohort recipe). */
  metadata?: Readonly<Record<string, string>>;
  /** Train also on copies of the rows with informative columns blanked (augment/tag-dropout.ts); seeded by params.seed. */
  tagDropout?: TagDropout;
  /**
   * Sample weight per row (default 1; tag-dropout copies take their source's). A row of weight w
   * counts as about w rows everywhere: in the trees (gradients × w) and in the vocabulary's
   * document frequencies (round(w) times), so a few heavily weighted rows bring their words.
   */
  weights?: ArrayLike<number>;
  /** Only the first n rows get tag-dropout copies (default all): a site's reviewed series teach its own habits, tags and all. */
  tagDropoutRows?: number;
  /** Outer fold of each row (0 … folds−1) instead of the seeded study-grouped split; rows of one study must share a fold. */
  foldOfRow?: Int32Array;
  onRound?: (fold: number, info: RoundInfo) => void;
  /** Sees the feature matrix, labels and fold of every row just before cross-validation (bench/train exports them for XGBoost). */
  onMatrix?: (prepared: { matrix: FeatureMatrix; labels: ArrayLike<number>; folds: Int32Array; nFolds: number; scored?: Uint8Array }) => void;
}

export interface TrainedModel {
  onnx: Uint8Array;
  spec: FeatureSpec;
  classNames: string[];
  cv: CrossValidationResult;
  /** Fold names (group names for leave-one-group-out). */
  foldNames: string[];
  /** Per fold, class and feature: total split gain and mean |SHAP| on validation rows (empty when turned off). */
  importance: FeatureImportance[];
}

export interface FeatureImportance {
  fold: string;
  /** Class name (classification) or `value` (regression). */
  class: string;
  feature: string;
  gain: number;
  shap: number;
}

export function trainModel(rows: readonly Row[], options: TrainModelOptions = {}): TrainedModel {
  const task = options.task ?? 'classification';
  const target = options.targetColumn ?? 'class';
  if (rows.length === 0) throw new MscError('E_BAD_DATA', 'the training table is empty');
  for (const column of [target, 'study_uid']) {
    if (!rows.some((row) => Object.hasOwn(row, column))) {
      throw new MscError('E_MISSING_COLUMNS', `the training table has no "${column}" column`, {
        hint: column === target ? 'name the label column with --target-column' : 'series tables need study_uid to group folds by study',
      });
    }
  }
  const params = resolveParams(options.params);
  const original = task === 'classification' ? classLabels(rows, target) : regressionTargets(rows, target);
  const classNames = original.classNames;
  const originalStudies = rows.map((row) => String(row['study_uid'] ?? ''));

  if (options.weights && options.weights.length !== rows.length)
    throw new MscError('E_BAD_DATA', `${options.weights.length} sample weights for ${rows.length} rows`);
  // The vocabulary is fitted on the original rows only: copies would shift document frequencies.
  const spec = fitFeaturizer(options.weights ? repeatByWeight(rows, options.weights) : rows, options.featurizer);
  if (spec.features.length === 0) throw new MscError('E_BAD_DATA', 'no usable feature: every feature column is constant or excluded');

  let originalFolds: Int32Array;
  let foldNames: string[];
  if (options.groupOfStudy) {
    const logo = leaveOneGroupOut(originalStudies, options.groupOfStudy);
    originalFolds = logo.folds;
    foldNames = logo.groupNames;
  } else {
    const k = options.folds ?? 5;
    originalFolds = options.foldOfRow ? checkFoldOfRow(options.foldOfRow, originalStudies, k) : groupKFold(originalStudies, k, params.seed);
    foldNames = Array.from({ length: k }, (_, i) => `fold${i}`);
  }
  // Copies take their source's label, study and fold: the fold split is the one without dropout.
  const augmented = options.tagDropout
    ? dropoutCopies(rows, options.tagDropoutRows ?? rows.length, specColumns(spec), options.tagDropout, params.seed)
    : undefined;
  const sourceOf = (r: number) => (augmented && r >= rows.length ? augmented.sourceOf[r]! : r);
  const nRows = augmented ? augmented.rows.length : rows.length;
  const labels = original.labels instanceof Int32Array ? new Int32Array(nRows) : new Float64Array(nRows);
  for (let r = 0; r < nRows; r++) labels[r] = original.labels[sourceOf(r)]!;
  const studies = Array.from({ length: nRows }, (_, r) => originalStudies[sourceOf(r)]!);
  const folds = Int32Array.from({ length: nRows }, (_, r) => originalFolds[sourceOf(r)]!);
  const weights = options.weights ? Float64Array.from({ length: nRows }, (_, r) => options.weights![sourceOf(r)]!) : undefined;
  const scored = augmented ? Uint8Array.from({ length: nRows }, (_, r) => (r < rows.length ? 1 : 0)) : undefined;
  const matrix = transform(augmented ? augmented.rows : rows, spec);
  options.onMatrix?.({ matrix, labels, folds, nFolds: foldNames.length, ...(scored ? { scored } : {}) });

  const cv = crossValidate(matrix, labels, folds, foldNames.length, {
    task,
    ...(task === 'classification' ? { classNames } : {}),
    params,
    groups: studies,
    ...(scored ? { scored } : {}),
    ...(weights ? { weights } : {}),
    ...(options.onRound ? { onRound: options.onRound } : {}),
    ...((options.nIter ?? 0) > 0
      ? {
          tune: (_fold: number, trainRows: Uint32Array) =>
            randomSearch(
              selectRows(matrix, trainRows),
              Array.from(trainRows, (r) => labels[r]!),
              Array.from(trainRows, (r) => studies[r]!),
              {
                task,
                ...(task === 'classification' ? { classNames } : {}),
                base: params,
                nIter: options.nIter!,
                innerFolds: options.innerFolds ?? 5,
                seed: params.seed,
                ...(options.searchSpace ? { space: options.searchSpace } : {}),
              },
            ).best,
        }
      : {}),
  });
  const names = featureNames(spec);
  const importance =
    options.importance === false
      ? []
      : foldImportance(cv, matrix, names, foldNames, task === 'classification' ? classNames : ['value'], options.shapRows ?? 500);

  const metrics =
    task === 'classification'
      ? {
          macro_f1: cv.classification!.macroF1,
          accuracy: cv.classification!.accuracy,
          folds: cv.folds.map((f) => ({ fold: foldNames[f.fold], macro_f1: f.classification!.macroF1, accuracy: f.classification!.accuracy })),
        }
      : { rmse: cv.regression!.rmse, r2: cv.regression!.r2 };
  const onnx = exportOnnx(
    cv.folds.map((f) => f.booster),
    {
      metadata: {
        [MODEL_METADATA.featureSpec]: serializeFeatureSpec(spec),
        [MODEL_METADATA.trainingArgs]: JSON.stringify({
          task,
          target,
          params,
          folds: foldNames,
          n_iter: options.nIter ?? 0,
          fold_params: cv.folds.map((f) => f.params),
          ...(options.tagDropout ? { tag_dropout: { copies: 1, ...options.tagDropout } } : {}),
          ...options.trainingArgs,
        }),
        [MODEL_METADATA.dataSummary]: JSON.stringify({
          rows: rows.length,
          ...(augmented ? { dropout_copies: nRows - rows.length } : {}),
          studies: new Set(originalStudies).size,
          features: spec.features.length,
        }),
        [MODEL_METADATA.metrics]: JSON.stringify(metrics),
        ...options.metadata,
      },
    },
  );
  return { onnx, spec, classNames, cv, foldNames, importance };
}

/** Tag-dropout copies of the first n rows (the copies of each row do not depend on the rows after it); the other rows train as they are. */
function dropoutCopies(rows: readonly Row[], n: number, columns: readonly string[], dropout: TagDropout, seed: number): AugmentedRows {
  if (n >= rows.length) return tagDropoutRows(rows, columns, dropout, seed);
  const copies = tagDropoutRows(rows.slice(0, n), columns, dropout, seed);
  return {
    rows: [...rows, ...copies.rows.slice(n)],
    sourceOf: Int32Array.from([...Array.from(rows, () => -1), ...copies.sourceOf.slice(n)]),
  };
}

/** Each row round(w) times (at least once when w > 0): document frequencies that count a row as its weight. */
function repeatByWeight(rows: readonly Row[], weights: ArrayLike<number>): Row[] {
  const out: Row[] = [];
  rows.forEach((row, r) => {
    const w = weights[r]!;
    const times = w > 0 ? Math.max(1, Math.round(w)) : 0;
    for (let i = 0; i < times; i++) out.push(row);
  });
  return out;
}

function checkFoldOfRow(foldOfRow: Int32Array, studies: readonly string[], k: number): Int32Array {
  if (foldOfRow.length !== studies.length) throw new MscError('E_BAD_DATA', `${foldOfRow.length} fold numbers for ${studies.length} rows`);
  const foldOfStudy = new Map<string, number>();
  foldOfRow.forEach((fold, r) => {
    if (!(fold >= 0 && fold < k)) throw new MscError('E_BAD_DATA', `row ${r + 1}: fold ${fold} is not one of 0…${k - 1}`);
    const seen = foldOfStudy.get(studies[r]!);
    if (seen !== undefined && seen !== fold)
      throw new MscError('E_BAD_DATA', `study ${studies[r]} is in folds ${seen} and ${fold}: a study must stay in one fold`);
    foldOfStudy.set(studies[r]!, fold);
  });
  return foldOfRow;
}

function foldImportance(
  cv: CrossValidationResult,
  matrix: FeatureMatrix,
  names: readonly string[],
  foldNames: readonly string[],
  classes: readonly string[],
  shapRows: number,
): FeatureImportance[] {
  const out: FeatureImportance[] = [];
  for (const fold of cv.folds) {
    const n = Math.min(shapRows, fold.validRows.length);
    // evenly spaced rows: deterministic, and spread over the fold's studies
    const rows = Uint32Array.from({ length: n }, (_, i) => fold.validRows[Math.floor((i * fold.validRows.length) / n)]!);
    const shap = n > 0 ? meanAbsShap(fold.booster, selectRows(matrix, rows)) : [];
    const gain = gainImportance(fold.booster);
    gain.forEach((perFeature, c) => {
      perFeature.forEach((g, f) => {
        const s = shap[c]?.[f] ?? 0;
        if (g > 0 || s > 0) out.push({ fold: foldNames[fold.fold]!, class: classes[c] ?? String(c), feature: names[f]!, gain: g, shap: s });
      });
    });
  }
  return out;
}

/**
 * Class indexes: the five MSC classes when every label is one of them (any spelling), else the
 * distinct labels in code-unit order.
 */
function classLabels(rows: readonly Row[], target: string): { labels: Int32Array; classNames: string[] } {
  const raw = rows.map((row, i) => {
    const cell = row[target];
    if (cell === null || cell === undefined || String(cell).trim() === '') {
      throw new MscError('E_BAD_DATA', `row ${i + 1} has no value in the target column "${target}"`);
    }
    return String(cell).trim();
  });
  const canonical = raw.map(parseClassLabel);
  const classNames: string[] = canonical.every((c) => c !== undefined) ? [...CLASS_LABELS] : [...new Set(raw)].sort();
  const names = canonical.every((c) => c !== undefined) ? (canonical as string[]) : raw;
  const index = new Map(classNames.map((c, i) => [c, i]));
  const labels = Int32Array.from(names, (n) => index.get(n)!);
  if (new Set(labels).size < 2) {
    throw new MscError('E_BAD_DATA', `the target column "${target}" holds one class only (${names[0]})`, { hint: 'classification needs at least two classes' });
  }
  return { labels, classNames };
}

function regressionTargets(rows: readonly Row[], target: string): { labels: Float64Array; classNames: string[] } {
  const labels = Float64Array.from(rows, (row, i) => {
    const v = Number(row[target]);
    if (!Number.isFinite(v)) throw new MscError('E_BAD_DATA', `row ${i + 1}: target "${target}" is not a number`);
    return v;
  });
  return { labels, classNames: [] };
}

/** Class index of a label cell for a trained model's classes (any spelling of the MSC classes). */
export function classIndexOf(classNames: readonly string[], cell: unknown): number | undefined {
  const text = String(cell ?? '').trim();
  const canonical = classNames.length === CLASS_LABELS.length && classNames.every((c, i) => c === CLASS_LABELS[i]);
  const name = canonical ? parseClassLabel(text) : text;
  const i = name === undefined ? -1 : classNames.indexOf(name);
  return i >= 0 ? i : undefined;
}
