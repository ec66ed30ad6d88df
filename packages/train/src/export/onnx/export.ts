/**
 * Fold boosters → one ONNX model:
 *   input [N, F] → per fold TreeEnsembleRegressor (margins) → Softmax → Mean over folds
 *   → `probabilities` [N, K]; ArgMax → LabelEncoder(int64 → class name) → `label` [N].
 * Regression: per fold margins → Mean → `prediction` [N, 1].
 * Everything a predictor needs besides the graph (featurizer state, class names, training
 * arguments, metrics) goes into metadata_props as strings (JSON where structured).
 */
import { MODEL_INPUT, MODEL_METADATA, MODEL_OUTPUTS } from '@msc/features';
import { MscError } from '@msc/core';
import type { Booster } from '../../model/booster.js';
import { attr, node, onnx, tensorValue, TensorType, type NodeProto } from './proto.js';
import { treeEnsembleNode } from './tree-ensemble.js';

/** Names shared with the predictor live in core's model contract. */
export const ONNX_INPUT = MODEL_INPUT;
export const ONNX_OUTPUTS = MODEL_OUTPUTS;
/** Opsets the graph uses: ONNX 13 (Softmax along one axis) and ai.onnx.ml 3. */
const OPSETS = [
  { domain: '', version: 13 },
  { domain: 'ai.onnx.ml', version: 3 },
];
const IR_VERSION = 8;

export interface OnnxExportOptions {
  /** Extra metadata_props (values already strings; JSON for structured data). */
  metadata?: Readonly<Record<string, string>>;
  producerVersion?: string;
  docString?: string;
}

export function exportOnnx(folds: readonly Booster[], options: OnnxExportOptions = {}): Uint8Array {
  const first = checkFolds(folds);
  const k = first.nOutputs;
  const nodes: NodeProto[] = [];
  const margins = folds.map((booster, i) => {
    const name = `fold${i}_margin`;
    nodes.push(treeEnsembleNode(booster, ONNX_INPUT, name));
    return name;
  });
  const outputs = [];
  if (first.task === 'classification') {
    const probs = margins.map((margin, i) => {
      const name = `fold${i}_probabilities`;
      nodes.push(node('Softmax', [margin], [name], [attr.int('axis', 1)]));
      return name;
    });
    nodes.push(node('Mean', probs, [ONNX_OUTPUTS.probabilities]));
    nodes.push(node('ArgMax', [ONNX_OUTPUTS.probabilities], ['label_index'], [attr.int('axis', 1), attr.int('keepdims', 0)]));
    nodes.push(
      node(
        'LabelEncoder',
        ['label_index'],
        [ONNX_OUTPUTS.label],
        [
          attr.ints(
            'keys_int64s',
            first.classNames.map((_, i) => i),
          ),
          attr.strings('values_strings', [...first.classNames]),
          attr.string('default_string', ''),
        ],
        'ai.onnx.ml',
      ),
    );
    outputs.push(
      { name: ONNX_OUTPUTS.label, type: { tensorType: { elemType: TensorType.STRING, shape: { dim: [{ dimParam: 'N' }] } } } },
      tensorValue(ONNX_OUTPUTS.probabilities, TensorType.FLOAT, [k]),
    );
  } else {
    nodes.push(node('Mean', margins, [ONNX_OUTPUTS.prediction]));
    outputs.push(tensorValue(ONNX_OUTPUTS.prediction, TensorType.FLOAT, [1]));
  }

  const metadata: Record<string, string> = {
    [MODEL_METADATA.task]: first.task,
    [MODEL_METADATA.nFeatures]: String(first.nFeatures),
    [MODEL_METADATA.nFolds]: String(folds.length),
    [MODEL_METADATA.classNames]: JSON.stringify(first.classNames),
    ...options.metadata,
  };
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: OPSETS,
    producerName: 'msc-train',
    producerVersion: options.producerVersion ?? '0.1.0',
    docString: options.docString ?? '',
    graph: {
      name: 'msc_gbdt',
      node: nodes,
      input: [tensorValue(ONNX_INPUT, TensorType.FLOAT, [first.nFeatures])],
      output: outputs,
    },
    // sorted keys: the bytes do not depend on the order callers build their metadata in
    metadataProps: Object.keys(metadata)
      .sort()
      .map((key) => ({ key, value: metadata[key]! })),
  });
  return onnx.ModelProto.encode(model).finish();
}

function checkFolds(folds: readonly Booster[]): Booster {
  const first = folds[0];
  if (!first) throw new MscError('E_MODEL', 'nothing to export: no trained model');
  for (const b of folds) {
    if (
      b.task !== first.task ||
      b.nFeatures !== first.nFeatures ||
      b.nOutputs !== first.nOutputs ||
      b.classNames.join('\u0000') !== first.classNames.join('\u0000')
    ) {
      throw new MscError('E_MODEL', 'fold models differ in task, features or classes and cannot be combined');
    }
  }
  return first;
}

/** Reads metadata_props back (for tests and tools; the predictor reads them through ONNX Runtime). */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const model = onnx.ModelProto.decode(bytes);
  return Object.fromEntries(model.metadataProps.map((p) => [p.key ?? '', p.value ?? '']));
}
