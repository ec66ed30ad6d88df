/**
 * Class probabilities of an MSC model file, by ONNX Runtime — the runtime msc-predict and
 * msc-serve use — so a site model's before/after figures are those of the files themselves.
 */
import * as ort from 'onnxruntime-node';
import { MscError } from '@msc/core';
import { MODEL_INPUT, MODEL_OUTPUTS, type FeatureMatrix } from '@msc/features';

export async function onnxProbabilities(bytes: Uint8Array, matrix: FeatureMatrix, path: string): Promise<Float32Array> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (cause) {
    throw new MscError('E_MODEL', `ONNX Runtime cannot load ${path}: ${(cause as Error).message}`, { path, cause, hint: 'give an .onnx file msc-train wrote' });
  }
  try {
    const input = new ort.Tensor('float32', matrix.data, [matrix.nRows, matrix.nCols]);
    const result = await session.run({ [MODEL_INPUT]: input }, [MODEL_OUTPUTS.probabilities]);
    return Float32Array.from(result[MODEL_OUTPUTS.probabilities]!.data as Float32Array);
  } finally {
    await session.release();
  }
}
