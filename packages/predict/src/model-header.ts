/**
 * What the predictor reads of a model file before scoring: its metadata (feature spec, class
 * names, task) and the graph's declared outputs, found by walking the protobuf wire format
 * without decoding the graph's nodes. Decoding the whole ModelProto built an object per tree-node
 * attribute value (80K nodes × 10 attributes in the default model): ≈ 0.3 s of CPU and most of
 * startup's garbage collection, for three strings (and loading onnx-proto's generated decoders
 * another 0.08 s).
 */

/** A graph output's name and declared dimensions (undefined: symbolic or not given). */
export interface ModelOutput {
  name: string;
  dims: (number | undefined)[];
}

export interface ModelHeader {
  metadata: Record<string, string>;
  outputs: ModelOutput[];
}

/** onnx.proto field numbers (ModelProto, GraphProto, StringStringEntryProto, ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, Dimension). */
const MODEL_GRAPH = 7;
const MODEL_METADATA_PROPS = 14;
const GRAPH_OUTPUT = 12;
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;
const VALUE_NAME = 1;
const VALUE_TYPE = 2;
const TYPE_TENSOR = 1;
const TENSOR_SHAPE = 2;
const SHAPE_DIM = 1;
const DIM_VALUE = 1;

const utf8 = new TextDecoder();

/** Reads the header; throws (a plain Error) when the bytes are not a well-formed protobuf message. */
export function readModelHeader(bytes: Uint8Array): ModelHeader {
  const metadata: Record<string, string> = {};
  const outputs: ModelOutput[] = [];
  const text = (field: WireField) => utf8.decode(bytes.subarray(field.start, field.end));
  /** The length-delimited fields numbered `number` of the message in `field`. */
  const children = (field: WireField, number: number) => fieldsOf(bytes, field.start, field.end).filter((inner) => inner.wire === 2 && inner.number === number);
  for (const field of fieldsOf(bytes, 0, bytes.length)) {
    if (field.wire !== 2) continue;
    if (field.number === MODEL_METADATA_PROPS) {
      let key = '';
      let value = '';
      for (const inner of fieldsOf(bytes, field.start, field.end)) {
        if (inner.wire === 2 && inner.number === ENTRY_KEY) key = text(inner);
        if (inner.wire === 2 && inner.number === ENTRY_VALUE) value = text(inner);
      }
      metadata[key] = value;
    } else if (field.number === MODEL_GRAPH) {
      for (const output of children(field, GRAPH_OUTPUT)) {
        const name = children(output, VALUE_NAME).map(text).at(-1) ?? '';
        const dims = children(output, VALUE_TYPE)
          .flatMap((type) => children(type, TYPE_TENSOR))
          .flatMap((tensor) => children(tensor, TENSOR_SHAPE))
          .flatMap((shape) => children(shape, SHAPE_DIM))
          .map((dim) => fieldsOf(bytes, dim.start, dim.end).find((inner) => inner.wire === 0 && inner.number === DIM_VALUE)?.value);
        outputs.push({ name, dims });
      }
    }
  }
  return { metadata, outputs };
}

export interface WireField {
  number: number;
  wire: number;
  /** The value's bytes (length-delimited fields: the payload). */
  start: number;
  end: number;
  /** A varint field's value. */
  value?: number;
}

/** The fields of one message, `bytes[start, end)`, in order; values are skipped, not decoded. */
export function fieldsOf(bytes: Uint8Array, start: number, end: number): WireField[] {
  const fields: WireField[] = [];
  scanFields(bytes, start, end, (field) => void fields.push(field));
  return fields;
}

/**
 * Calls `visit` with each field of the message `bytes[start, end)` in order until it returns false
 * (nothing is kept: a message's fields need not all be read). Throws when the bytes are not well-formed.
 */
export function scanFields(bytes: Uint8Array, start: number, end: number, visit: (field: Readonly<WireField>) => boolean | void): void {
  let at = start;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (at >= end) throw new Error(`truncated varint at byte ${at}`);
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    throw new Error(`malformed varint at byte ${at}`);
  };
  while (at < end) {
    const key = varint();
    const number = Math.floor(key / 8);
    const wire = key % 8;
    if (number === 0) throw new Error(`invalid field number 0 at byte ${at}`);
    let valueStart = at;
    let value: number | undefined;
    if (wire === 0) value = varint();
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const length = varint();
      valueStart = at;
      at += length;
    } else throw new Error(`unsupported wire type ${wire} at byte ${at}`);
    if (at > end) throw new Error(`field ${number} runs past the end of its message`);
    if (visit(value === undefined ? { number, wire, start: valueStart, end: at } : { number, wire, start: valueStart, end: at, value }) === false) return;
  }
}
