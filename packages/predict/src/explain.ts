/**
 * Why a series got its label: the trees are read back from the .onnx file (one
 * TreeEnsembleRegressor per fold, node covers in nodes_hitrates) and TreeSHAP (features) gives each
 * feature's contribution to the predicted class's margin, averaged over the folds.
 */
import { createRequire } from 'node:module';
import type onnxProtoModule from 'onnx-proto';
import { MscError } from '@msc/core';
import { featureName, rowShapValues, type FeatureMatrix, type FeatureSpec, type ShapEnsemble, type ShapTree } from '@msc/features';

type Attribute = InstanceType<typeof onnxProtoModule.onnx.AttributeProto>;

/** onnx-proto (CommonJS), loaded on the first --explain: its decoders cost startup 0.08 s that a run without explanations does not need. */
let onnxProto: typeof onnxProtoModule | undefined;
const loadOnnxProto = (): typeof onnxProtoModule => (onnxProto ??= createRequire(import.meta.url)('onnx-proto') as typeof onnxProtoModule);

export interface Contribution {
  feature: string;
  /** The row's value of the feature (NaN when missing). */
  value: number;
  /** Change of the predicted class's margin (log-odds) this feature makes, mean over folds. */
  contribution: number;
}

function numbers(attribute: Attribute | undefined): number[] {
  if (!attribute) return [];
  if (attribute.floats && attribute.floats.length > 0) return attribute.floats.map(Number);
  return (attribute.ints ?? []).map(Number);
}

function texts(attribute: Attribute | undefined): string[] {
  return (attribute?.strings ?? []).map((bytes) => new TextDecoder().decode(bytes));
}

/** The fold ensembles of an MSC model file, as TreeSHAP walks them. */
export function readTreeEnsembles(bytes: Uint8Array, path: string): ShapEnsemble[] {
  const model = loadOnnxProto().onnx.ModelProto.decode(bytes);
  const ensembles: ShapEnsemble[] = [];
  for (const node of model.graph?.node ?? []) {
    if (node.opType !== 'TreeEnsembleRegressor') continue;
    const attribute = new Map((node.attribute ?? []).map((a) => [a.name ?? '', a as Attribute]));
    const get = (name: string) => numbers(attribute.get(name));
    const treeIds = get('nodes_treeids');
    const nodeIds = get('nodes_nodeids');
    const covers = get('nodes_hitrates');
    if (covers.length !== treeIds.length) {
      throw new MscError('E_MODEL', `${path} has no node covers (nodes_hitrates), which --explain needs`, {
        path,
        hint: 'retrain the model with this version of msc-train, or leave out --explain',
      });
    }
    const modes = texts(attribute.get('nodes_modes'));
    const featureIds = get('nodes_featureids');
    const thresholds = get('nodes_values');
    const trueIds = get('nodes_truenodeids');
    const falseIds = get('nodes_falsenodeids');
    const missingTrue = get('nodes_missing_value_tracks_true');
    const nTrees = treeIds.length === 0 ? 0 : Math.max(...treeIds) + 1;
    const sizes = new Array<number>(nTrees).fill(0);
    for (let i = 0; i < treeIds.length; i++) sizes[treeIds[i]!] = Math.max(sizes[treeIds[i]!]!, nodeIds[i]! + 1);
    const trees = sizes.map((size): ShapTree => ({
      feature: new Int32Array(size).fill(-1),
      threshold: new Float32Array(size),
      defaultLeft: new Uint8Array(size),
      left: new Int32Array(size),
      right: new Int32Array(size),
      value: new Float32Array(size),
      cover: new Float64Array(size),
    }));
    for (let i = 0; i < treeIds.length; i++) {
      const tree = trees[treeIds[i]!]!;
      const n = nodeIds[i]!;
      tree.cover[n] = covers[i]!;
      if (modes[i] === 'LEAF') continue;
      if (modes[i] !== 'BRANCH_LEQ') throw new MscError('E_MODEL', `${path}: --explain reads trees of msc-train only (node mode ${modes[i]})`, { path });
      tree.feature[n] = featureIds[i]!;
      tree.threshold[n] = thresholds[i]!;
      tree.left[n] = trueIds[i]!;
      tree.right[n] = falseIds[i]!;
      tree.defaultLeft[n] = missingTrue[i]!;
    }
    const treeOutput = new Int32Array(nTrees);
    const targetTrees = get('target_treeids');
    const targetNodes = get('target_nodeids');
    const targetIds = get('target_ids');
    const weights = get('target_weights');
    for (let i = 0; i < targetTrees.length; i++) {
      trees[targetTrees[i]!]!.value[targetNodes[i]!]! += weights[i]!;
      treeOutput[targetTrees[i]!] = targetIds[i]!;
    }
    const nOutputs = Number(attribute.get('n_targets')?.i ?? 1);
    const baseScores = get('base_values');
    ensembles.push({ nFeatures: 0, nOutputs, baseScores: baseScores.length ? baseScores : new Array<number>(nOutputs).fill(0), trees, treeOutput });
  }
  if (ensembles.length === 0) throw new MscError('E_MODEL', `${path} holds no tree ensemble to explain`, { path });
  return ensembles;
}

/**
 * Each row's feature contributions to its class's margin, mean over the folds, by feature name
 * (names let several models with different feature sets be averaged). `classOfRow[r]` is the
 * output to explain (the predicted class; 0 for regression).
 */
export function contributionsByName(
  ensembles: readonly ShapEnsemble[],
  spec: FeatureSpec,
  matrix: FeatureMatrix,
  classOfRow: ArrayLike<number>,
): Map<string, Contribution>[] {
  const names = spec.features.map(featureName);
  const rows: Map<string, Contribution>[] = [];
  for (let r = 0; r < matrix.nRows; r++) {
    const mean = new Float64Array(matrix.nCols);
    for (const ensemble of ensembles) {
      const phi = rowShapValues({ ...ensemble, nFeatures: matrix.nCols }, matrix.data, r * matrix.nCols, classOfRow[r]!);
      for (let f = 0; f < matrix.nCols; f++) mean[f]! += phi[f]! / ensembles.length;
    }
    const row = new Map<string, Contribution>();
    for (let f = 0; f < matrix.nCols; f++)
      if (mean[f] !== 0) row.set(names[f]!, { feature: names[f]!, value: matrix.data[r * matrix.nCols + f]!, contribution: mean[f]! });
    rows.push(row);
  }
  return rows;
}

/** The `top` contributions by size (ties by name, so the order is stable). */
export function topContributions(contributions: Iterable<Contribution>, top: number): Contribution[] {
  return [...contributions].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || (a.feature < b.feature ? -1 : 1)).slice(0, top);
}

/** `series_description=adc (+2.31); image_type=diffusion (+1.02)` */
export function formatExplanation(contributions: readonly Contribution[]): string {
  return contributions.map(({ feature, contribution }) => `${feature} (${contribution >= 0 ? '+' : ''}${contribution.toFixed(2)})`).join('; ');
}
