/**
 * A model file as the predictor sees it: what the trainer stored in metadata_props (feature spec,
 * class names, task), read through core's model contract, and an ONNX Runtime session on a
 * scoring thread of its own (score-thread.ts).
 */
import { MODEL_INPUT, MODEL_METADATA, MODEL_OUTPUTS, parseFeatureSpec, type FeatureMatrix, type FeatureSpec, type ShapEnsemble } from '@msc/features';
import { readTreeEnsembles } from './explain.js';
import { availableParallelism } from 'node:os';
import { MscError, errorMessage, readInputFile } from '@msc/core';
import { readModelHeader, type ModelOutput } from './model-header.js';
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
  /** The fold tree ensembles, read back from the file for TreeSHAP (`--explain`). */
  treeEnsembles(): readonly ShapEnsemble[];
  /** Ends the scoring thread. */
  close(): Promise<void>;
}

export interface LoadModelOptions {
  /** Class names for a model that carries none (the original's `--classes`); an error for one that stores its own. */
  classNames?: readonly string[];
  /** Class names used only when the model carries none (msc-serve's `matches`); a model's own names win. */
  fallbackClassNames?: readonly string[];
  /**
   * ONNX Runtime intra-op threads; default 1. With more, ORT splits the tree sums by batch size and
   * thread count, so a series' probabilities could differ in the 7th digit between a whole run and
   * a sharded one, or between machines; one thread sums every row alike (the main thread
   * featurizes the next batch meanwhile, so both cores still work).
   */
  threads?: number;
  /**
   * Scoring threads, each with its own ONNX Runtime session (default: 2 on a machine with 2 or
   * more cores). The second starts only when a batch arrives while the first is busy (a small
   * input never pays for it). Each session sums a row's trees alike, so a row's scores are the
   * same whichever thread scores it.
   */
  scoreThreads?: number;
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
  const bytes: Uint8Array = await readInputFile(path, {
    code: 'E_MODEL',
    what: 'model',
    hint: 'give the path of a .onnx file written by msc-train (models/ ships a default one)',
  });
  let metadata: Record<string, string>;
  let outputWidth: number | undefined;
  try {
    const header = readModelHeader(bytes);
    metadata = header.metadata;
    outputWidth = declaredOutputWidth(header.outputs, MODEL_OUTPUTS.probabilities);
  } catch (error) {
    throw new MscError('E_MODEL', `${path} is not an ONNX model: ${errorMessage(error)}`, {
      path,
      cause: error,
      hint: 'give a .onnx file written by msc-train (models/ ships a default one)',
    });
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
  const classNames =
    task === 'classification' ? resolveClassNames(path, metadata[MODEL_METADATA.classNames], options.classNames, options.fallbackClassNames, outputWidth) : [];
  const output = task === 'regression' ? MODEL_OUTPUTS.prediction : MODEL_OUTPUTS.probabilities;
  let ensembles: ShapEnsemble[] | undefined;
  const data = { bytes, threads: options.threads ?? 1, input: MODEL_INPUT, output };
  const maxThreads = Math.max(1, options.scoreThreads ?? Math.min(2, availableParallelism()));
  const threads = [{ thread: new ScoreThread(path, data), pending: 0 }];
  let closed = false;
  return {
    path,
    task,
    classNames,
    spec,
    metadata,
    ready: threads[0]!.thread.ready,
    async score(matrix, handOver) {
      let free = threads.reduce((best, slot) => (slot.pending < best.pending ? slot : best));
      if (free.pending > 0 && threads.length < maxThreads && !closed) threads.push((free = { thread: new ScoreThread(path, data), pending: 0 }));
      free.pending += 1;
      try {
        return await free.thread.run(matrix, handOver);
      } finally {
        free.pending -= 1;
      }
    },
    treeEnsembles: () => (ensembles ??= readTreeEnsembles(bytes, path)),
    close: async () => {
      closed = true;
      await Promise.all(threads.map((slot) => slot.thread.close()));
    },
  };
}

/** The class count a graph declares for an output ([N, classes]), when it declares one. */
function declaredOutputWidth(outputs: readonly ModelOutput[], name: string): number | undefined {
  const width = outputs.find((output) => output.name === name)?.dims[1];
  // a negative int64 reads as a varint above 2^53: not a width
  return width !== undefined && width > 0 && Number.isSafeInteger(width) ? width : undefined;
}

/**
 * The class names a classification model's probability columns mean: the ones it stores, or
 * `--classes` for a model that stores none. Never both (a reordered list would relabel every
 * series), and never a count other than the model's output width.
 */
function resolveClassNames(
  path: string,
  storedText: string | undefined,
  requested: readonly string[] | undefined,
  fallback: readonly string[] | undefined,
  outputWidth: number | undefined,
): readonly string[] {
  let stored: string[] | undefined;
  if (storedText) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(storedText);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((name) => typeof name === 'string' && name.trim() !== '')) {
      throw new MscError('E_MODEL', `${path} has malformed class names in its metadata (${MODEL_METADATA.classNames}: ${storedText.slice(0, 80)})`, {
        path,
        hint: 'the file was not written by msc-train or was damaged; retrain it',
      });
    }
    stored = parsed as string[];
  }
  const given = requested ?? (stored ? undefined : fallback);
  if (given) {
    if (given.some((name) => name.trim() === '') || new Set(given).size !== given.length) {
      throw new MscError('E_USAGE', `--classes needs distinct, non-empty names, not ${given.join(',')}`, { hint: '--classes ADC,DCE,DWI,Others,T2W' });
    }
    if (stored) {
      if (stored.join('\n') === given.join('\n')) return stored;
      throw new MscError('E_USAGE', `${path} stores its class names (${stored.join(', ')}); --classes is only for a model that carries none`, {
        hint: 'leave out --classes',
      });
    }
  }
  const names = stored ?? given;
  if (!names) throw new MscError('E_MODEL', `${path} carries no class names`, { path, hint: 'give them with --classes ADC,DCE,DWI,Others,T2W' });
  if (outputWidth !== undefined && names.length !== outputWidth) {
    throw new MscError(
      stored ? 'E_MODEL' : 'E_USAGE',
      `${path} scores ${outputWidth} classes but ${names.length} class names are given (${names.join(', ')})`,
      {
        path,
        hint: stored ? 'the model file is inconsistent; retrain it' : `give ${outputWidth} names with --classes`,
      },
    );
  }
  return names;
}
