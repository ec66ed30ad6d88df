/**
 * A model file as the predictor sees it: what the trainer stored in metadata_props (feature spec,
 * class names, task), read through core's model contract, and an ONNX Runtime session on a
 * scoring thread of its own (score-thread.ts).
 */
import { readFile } from 'node:fs/promises';
// onnx-proto is CommonJS assigning module.exports: only its default import is visible from ESM.
import onnxProto from 'onnx-proto';
import { MODEL_INPUT, MODEL_METADATA, MODEL_OUTPUTS, parseFeatureSpec, type FeatureMatrix, type FeatureSpec } from '@msc/features';
import { MscError } from '@msc/core';
import { ScoreThread } from './score-thread.js';

export interface ModelBundle {
  readonly path: string;
  readonly task: 'classification' | 'regression';
  readonly classNames: readonly string[];
  readonly spec: FeatureSpec;
  readonly metadata: Readonly<Record<string, string>>;
  /** Resolves once ONNX Runtime has loaded the model (rejects with E_MODEL when it cannot). */
  readonly ready: Promise<void>;
  /**
   * Row-major scores of a feature matrix: class probabilities per row (classification) or one
   * value per row (regression). With `handOver` the matrix's buffer is given away, not copied.
   */
  score(matrix: FeatureMatrix, handOver?: boolean): Promise<Float32Array>;
  /** Ends the scoring thread. */
  close(): Promise<void>;
}

export interface LoadModelOptions {
  /** Class names for a model that carries none (the original's `--classes`). */
  classNames?: readonly string[];
  /** ONNX Runtime intra-op threads; default 2. */
  threads?: number;
}

/** Loads a model and waits for ONNX Runtime to be ready; errors are E_MODEL. */
export async function loadModel(path: string, options: LoadModelOptions = {}): Promise<ModelBundle> {
  const model = await openModel(path, options);
  try {
    await model.ready;
  } catch (error) {
    await model.close();
    throw error;
  }
  return model;
}

/**
 * Reads a model's metadata now and starts ONNX Runtime on its thread without waiting for it (the
 * caller reads its input meanwhile); `ready`, `score` and `predictSeries` wait for it.
 */
export async function openModel(path: string, options: LoadModelOptions = {}): Promise<ModelBundle> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new MscError('E_MODEL', `cannot read model ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      path,
      hint: 'give the path of a .onnx file written by msc-train (models/ ships a default one)',
    });
  }
  let metadata: Record<string, string>;
  try {
    const model = onnxProto.onnx.ModelProto.decode(bytes);
    metadata = Object.fromEntries(model.metadataProps.map((entry) => [entry.key ?? '', entry.value ?? '']));
  } catch (error) {
    throw new MscError('E_MODEL', `${path} is not an ONNX model: ${(error as Error).message}`, { path, cause: error });
  }
  const specText = metadata[MODEL_METADATA.featureSpec];
  if (!specText) {
    throw new MscError('E_MODEL', `${path} has no MSC feature spec in its metadata`, {
      path,
      hint: 'models for msc-predict are written by msc-train, which stores the fitted featurizer in the file',
    });
  }
  const spec = parseFeatureSpec(specText);
  const task = metadata[MODEL_METADATA.task] === 'regression' ? 'regression' : 'classification';
  const stored = metadata[MODEL_METADATA.classNames];
  const classNames = options.classNames ?? (stored ? (JSON.parse(stored) as string[]) : []);
  if (task === 'classification' && classNames.length === 0) {
    throw new MscError('E_MODEL', `${path} carries no class names`, { path, hint: 'give them with --classes ADC,DCE,DWI,Others,T2W' });
  }
  const output = task === 'regression' ? MODEL_OUTPUTS.prediction : MODEL_OUTPUTS.probabilities;
  const thread = new ScoreThread(path, { bytes, threads: options.threads ?? 2, input: MODEL_INPUT, output });
  return {
    path,
    task,
    classNames,
    spec,
    metadata,
    ready: thread.ready,
    score: (matrix, handOver) => thread.run(matrix, handOver),
    close: () => thread.close(),
  };
}
