import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { MODEL_METADATA, createFeatureMatrix } from '@msc/features';
import { loadModel, openModel } from '@msc/predict';

// The shipped default model; scoring threads run the built worker script (`pnpm test` builds first).
const defaultModel = fileURLToPath(new URL('../../../models/prostate_mpmri.onnx', import.meta.url));

/** A deterministic matrix of plausible feature values: mostly 0/1 terms, some numbers, some NaN. */
function matrix(rows: number, cols: number) {
  const data = new Float32Array(rows * cols);
  let state = 17;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const u = state / 4294967296;
    data[i] = u < 0.05 ? Number.NaN : u < 0.8 ? (u < 0.7 ? 0 : 1) : u * 5000;
  }
  return createFeatureMatrix(rows, cols, data);
}

describe('scoring threads', () => {
  it('score what ONNX Runtime on this thread scores (within float rounding: tree sums are blocked per ORT thread)', async () => {
    const model = await loadModel(defaultModel);
    try {
      const m = matrix(300, model.spec.features.length);
      const copy = m.data.slice();
      const threaded = await model.score(m);
      expect(m.data).toEqual(copy); // without handOver the caller's matrix is untouched
      const session = await ort.InferenceSession.create(defaultModel);
      const local = await session.run({ input: new ort.Tensor('float32', copy, [300, m.nCols]) }, ['probabilities']);
      const expected = local.probabilities!.data as Float32Array;
      expect(threaded).toHaveLength(300 * model.classNames.length);
      expect(expected).toHaveLength(threaded.length);
      // Sessions with other intra-op thread counts sum the trees in other blocks: the 7th digit may differ.
      let worst = 0;
      for (let i = 0; i < threaded.length; i++) worst = Math.max(worst, Math.abs(threaded[i]! - expected[i]!));
      expect(worst).toBeLessThan(1e-6);
    } finally {
      await model.close();
    }
  });

  it('report a model ONNX Runtime cannot load as E_MODEL (from loadModel, and from ready after openModel)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-score-thread-'));
    const path = join(dir, 'no-graph.onnx');
    const spec = JSON.stringify({ version: 1, maxNgram: 1, columns: ['echo_time'], features: [{ kind: 'numeric', column: 'echo_time' }] });
    const bytes = onnxProto.onnx.ModelProto.encode({
      irVersion: 8,
      metadataProps: [
        { key: MODEL_METADATA.featureSpec, value: spec },
        { key: MODEL_METADATA.classNames, value: '["A","B"]' },
      ],
    }).finish();
    await writeFile(path, bytes);
    await expect(loadModel(path)).rejects.toMatchObject({ code: 'E_MODEL' });
    const opened = await openModel(path);
    await expect(opened.ready).rejects.toMatchObject({ code: 'E_MODEL', message: expect.stringContaining(path) });
    await expect(opened.score(matrix(1, 1))).rejects.toMatchObject({ code: 'E_MODEL' });
    await opened.close();
  });

  it('do not keep a process alive once idle, even when never closed', () => {
    const require = createRequire(import.meta.url);
    const script = `
      const { loadModel } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
      const { createFeatureMatrix } = await import(${JSON.stringify(require.resolve('@msc/features'))});
      const model = await loadModel(${JSON.stringify(defaultModel)});
      const scores = await model.score(createFeatureMatrix(2, model.spec.features.length));
      console.log(scores.length);`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('10');
  });
});
