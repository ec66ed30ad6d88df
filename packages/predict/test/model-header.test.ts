/**
 * The model header (metadata and declared outputs) read from the wire format without decoding
 * the graph: the same as onnx-proto's full decode, on the shipped model and on hand-made protos;
 * damaged bytes are refused, not misread.
 */
import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { defaultModelPath } from '../src/default-model.js';
import { readModelHeader } from '../src/model-header.js';

/** What the full decode says: metadata, and each output's name and dim values (undefined when symbolic). */
function decodedFully(bytes: Uint8Array) {
  const model = onnxProto.onnx.ModelProto.decode(bytes);
  return {
    metadata: Object.fromEntries(model.metadataProps.map((entry) => [entry.key ?? '', entry.value ?? ''])),
    outputs: (model.graph?.output ?? []).map((output) => ({
      name: output.name ?? '',
      dims: (output.type?.tensorType?.shape?.dim ?? []).map((dim) => (dim.dimParam ? undefined : Number(dim.dimValue))),
    })),
  };
}

describe('readModelHeader', () => {
  it('reads the shipped model as the full decode does', () => {
    const bytes = readFileSync(defaultModelPath({}));
    const header = readModelHeader(bytes);
    expect(header).toEqual(decodedFully(bytes));
    expect(Object.keys(header.metadata)).toContain('msc.feature_spec');
    expect(header.outputs.find((output) => output.name === 'probabilities')?.dims).toEqual([undefined, 5]);
  });

  it('reads hand-made protos: non-ASCII metadata, symbolic and fixed dims, fields after the graph', () => {
    const bytes = onnxProto.onnx.ModelProto.encode({
      irVersion: 8,
      producerName: 'test',
      graph: {
        name: 'g',
        node: [{ opType: 'Identity', input: ['x'], output: ['y'], attribute: [{ name: 'a', ints: [1, 2, 3], type: 7 }] }],
        output: [
          { name: 'y', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 7 }] } } } },
          { name: 'z', type: { tensorType: { elemType: 7, shape: { dim: [{ dimValue: 3 }] } } } },
        ],
      },
      metadataProps: [
        { key: 'msc.class_names', value: '["Prostata ü","T2W"]' },
        { key: 'empty', value: '' },
      ],
      opsetImport: [{ domain: '', version: 13 }],
    }).finish();
    const header = readModelHeader(bytes);
    expect(header).toEqual(decodedFully(bytes));
    expect(header.metadata['msc.class_names']).toBe('["Prostata ü","T2W"]');
    expect(header.outputs).toEqual([
      { name: 'y', dims: [undefined, 7] },
      { name: 'z', dims: [3] },
    ]);
  });

  it('refuses damaged bytes', () => {
    const bytes = readFileSync(defaultModelPath({}));
    expect(() => readModelHeader(bytes.subarray(0, 1000))).toThrow(/runs past the end/);
    expect(() => readModelHeader(Buffer.from('not a model at all'))).toThrow(/wire type|field number|varint|past the end/);
  });
});
