/**
 * The onnx-proto package (protobufjs code generated from onnx.proto) and small builders for the
 * messages the exporter writes.
 */
// onnx-proto is CommonJS that assigns module.exports, so only its default import is visible from ESM.
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

const AttributeType = onnx.AttributeProto.AttributeType;
export const TensorType = { FLOAT: onnx.TensorProto.DataType.FLOAT, INT64: onnx.TensorProto.DataType.INT64, STRING: onnx.TensorProto.DataType.STRING };

const utf8 = new TextEncoder();

export const attr = {
  int: (name: string, i: number): AttributeProto => ({ name, type: AttributeType.INT, i }),
  ints: (name: string, ints: ArrayLike<number>): AttributeProto => ({ name, type: AttributeType.INTS, ints: Array.from(ints) }),
  // floats are written as float32 by protobuf, so float32 thresholds travel exactly
  floats: (name: string, floats: ArrayLike<number>): AttributeProto => ({ name, type: AttributeType.FLOATS, floats: Array.from(floats) }),
  string: (name: string, s: string): AttributeProto => ({ name, type: AttributeType.STRING, s: utf8.encode(s) }),
  strings: (name: string, strings: readonly string[]): AttributeProto => ({ name, type: AttributeType.STRINGS, strings: strings.map((s) => utf8.encode(s)) }),
};

export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: AttributeProto[] = [],
  domain = '',
  name = outputs[0] ?? opType,
): NodeProto {
  return { opType, input: inputs, output: outputs, attribute: attributes, domain, name };
}

/** A tensor value with a symbolic batch dimension `N` followed by fixed dimensions. */
export function tensorValue(name: string, elemType: number, dims: number[]): ValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'N' }, ...dims.map((dimValue) => ({ dimValue }))] } } },
  };
}
