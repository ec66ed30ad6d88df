/**
 * One booster → one ai.onnx.ml TreeEnsembleRegressor node producing raw margins [N, nOutputs]
 * (onnxmltools' flat nodes_* layout: node ids are our node indexes, true = left = x <= threshold;
 * nodes_hitrates carry the node covers TreeSHAP needs).
 *
 * A Regressor with one target per class is used for classifiers too: it yields plain summed
 * margins for any class count, whereas TreeEnsembleClassifier special-cases two classes; the
 * graph applies Softmax itself (see export.ts).
 */
import type { Booster } from '../../model/booster.js';
import { attr, node, type NodeProto } from './proto.js';

export function treeEnsembleNode(booster: Booster, input: string, output: string): NodeProto {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const modes: string[] = [];
  const values: number[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const missingTracksTrue: number[] = [];
  const hitRates: number[] = [];
  const targetTree: number[] = [];
  const targetNode: number[] = [];
  const targetIds: number[] = [];
  const targetWeights: number[] = [];

  booster.trees.forEach((tree, t) => {
    for (let i = 0; i < tree.feature.length; i++) {
      const f = tree.feature[i]!;
      treeIds.push(t);
      nodeIds.push(i);
      hitRates.push(tree.cover[i]!);
      if (f < 0) {
        featureIds.push(0);
        modes.push('LEAF');
        values.push(0);
        trueIds.push(0);
        falseIds.push(0);
        missingTracksTrue.push(0);
        targetTree.push(t);
        targetNode.push(i);
        targetIds.push(booster.treeOutput[t]!);
        targetWeights.push(tree.value[i]!);
      } else {
        featureIds.push(f);
        modes.push('BRANCH_LEQ');
        values.push(tree.threshold[i]!);
        trueIds.push(tree.left[i]!);
        falseIds.push(tree.right[i]!);
        missingTracksTrue.push(tree.defaultLeft[i]!);
      }
    }
  });

  return node(
    'TreeEnsembleRegressor',
    [input],
    [output],
    [
      attr.int('n_targets', booster.nOutputs),
      attr.string('aggregate_function', 'SUM'),
      attr.string('post_transform', 'NONE'),
      attr.floats('base_values', booster.baseScores),
      attr.ints('nodes_treeids', treeIds),
      attr.ints('nodes_nodeids', nodeIds),
      attr.ints('nodes_featureids', featureIds),
      attr.strings('nodes_modes', modes),
      attr.floats('nodes_values', values),
      attr.ints('nodes_truenodeids', trueIds),
      attr.ints('nodes_falsenodeids', falseIds),
      attr.ints('nodes_missing_value_tracks_true', missingTracksTrue),
      // Node covers (training hessian sums): ORT ignores them; msc-predict --explain runs TreeSHAP with them.
      attr.floats('nodes_hitrates', hitRates),
      attr.ints('target_treeids', targetTree),
      attr.ints('target_nodeids', targetNode),
      attr.ints('target_ids', targetIds),
      attr.floats('target_weights', targetWeights),
    ],
    'ai.onnx.ml',
  );
}
