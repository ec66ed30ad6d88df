/**
 * Where a model's class names come from: the ones it stores, `classNames` (--classes) only for a
 * model that stores none, `fallbackClassNames` (msc-serve's `matches`) whenever it stores none.
 * The files are real ONNX protos without a graph: names resolve before ONNX Runtime starts.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_METADATA } from '@msc/features';
import { openModel, type LoadModelOptions } from '@msc/predict';

const SPEC = JSON.stringify({ version: 1, maxNgram: 1, columns: ['echo_time'], features: [{ kind: 'numeric', column: 'echo_time' }] });
let withNames: string;
let withoutNames: string;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'msc-class-names-'));
  const write = async (name: string, classNames?: string) => {
    const metadataProps = [{ key: MODEL_METADATA.featureSpec, value: SPEC }, ...(classNames ? [{ key: MODEL_METADATA.classNames, value: classNames }] : [])];
    const path = join(dir, name);
    await writeFile(path, onnxProto.onnx.ModelProto.encode({ irVersion: 8, metadataProps }).finish());
    return path;
  };
  withNames = await write('with-names.onnx', '["A","B"]');
  withoutNames = await write('without-names.onnx');
});

/** The class names openModel settles on (the thread it starts fails to load a graph-less model; that is not tested here). */
async function classNamesOf(path: string, options: LoadModelOptions): Promise<readonly string[]> {
  const model = await openModel(path, options);
  await model.ready.catch(() => undefined);
  await model.close();
  return model.classNames;
}

describe('class names', () => {
  it('take the fallback only for a model that stores none, without complaint when it stores its own', async () => {
    expect(await classNamesOf(withoutNames, { fallbackClassNames: ['X', 'Y'] })).toEqual(['X', 'Y']);
    expect(await classNamesOf(withNames, { fallbackClassNames: ['X', 'Y'] })).toEqual(['A', 'B']);
  });

  it('refuses --classes over stored names, and a model with no names and no fallback', async () => {
    await expect(openModel(withNames, { classNames: ['X', 'Y'] })).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringContaining('stores its class names'),
    });
    await expect(openModel(withoutNames)).rejects.toMatchObject({ code: 'E_MODEL', message: expect.stringContaining('carries no class names') });
    expect(await classNamesOf(withoutNames, { classNames: ['X', 'Y'] })).toEqual(['X', 'Y']);
  });
});
