/**
 * One encoded frame → its stored values (what pydicom's `pixel_array` gives: no rescale, no
 * windowing; colour stays in the file's colour space except where the codec converts it).
 *
 * Native and deflated data and RLE are read here, 12-bit JPEG by jpeg-extended.ts; JPEG, JPEG-LS, JPEG 2000 and HTJ2K go to
 * WebAssembly builds of libjpeg-turbo, CharLS, OpenJPEG and OpenJPH (the `@cornerstonejs/codec-*`
 * packages), JPEG lossless (process 14) to jpeg-lossless-decoder-js. Each codec's .wasm is read
 * from node_modules and handed to its module (`wasmBinary`), so nothing is fetched; a codec is
 * loaded the first time a frame needs it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { decodeRleFrame } from '../image/rle.js';
import { PixelDataError, type EncodedFrame, type ImageDescription } from './image-file.js';
import { decodeExtendedJpeg } from './jpeg-extended.js';

export interface DecodedFrame {
  readonly rows: number;
  readonly columns: number;
  /** 1 (grey) or 3 (colour). */
  readonly samples: number;
  /** Stored values, samples interleaved (RGBRGB…). */
  readonly values: Float64Array;
  /**
   * The colour space of `values` for colour frames: the file's photometric interpretation, except
   * after a codec that converts YCbCr to RGB itself (JPEG baseline/extended).
   */
  readonly photometric: string;
}

const require = createRequire(import.meta.url);

/** The part of an Emscripten codec module these decoders use. */
interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean };
  getInterleaveMode?(): number;
  delete?(): void;
}
type WasmModule = Record<string, new () => WasmDecoder>;
type ModuleFactory = (options: { wasmBinary: Uint8Array; print: (line: string) => void; printErr: (line: string) => void }) => Promise<WasmModule>;

interface WasmCodec {
  readonly script: string;
  readonly wasm: string;
  readonly decoderClass: string;
}

const LIBJPEG_TURBO: WasmCodec = {
  script: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
  wasm: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm',
  decoderClass: 'JPEGDecoder',
};
const CHARLS: WasmCodec = { script: '@cornerstonejs/codec-charls/decodewasmjs', wasm: '@cornerstonejs/codec-charls/decodewasm', decoderClass: 'JpegLSDecoder' };
const OPENJPEG: WasmCodec = {
  script: '@cornerstonejs/codec-openjpeg/decodewasmjs',
  wasm: '@cornerstonejs/codec-openjpeg/decodewasm',
  decoderClass: 'J2KDecoder',
};
const OPENJPH: WasmCodec = { script: '@cornerstonejs/codec-openjph/wasmjs', wasm: '@cornerstonejs/codec-openjph/wasm', decoderClass: 'HTJ2KDecoder' };

/** One decoder object per codec and thread, made on first use (a module instance holds its own memory). */
const decoders = new Map<WasmCodec, Promise<WasmDecoder>>();
/**
 * What the codecs print (OpenJPEG logs every tile, and reports some failures only as an `[ERROR]`
 * line): kept for the failure reason instead of reaching the terminal.
 */
let codecMessages: string[] = [];
const keepMessage = (line: string) => {
  if (codecMessages.length < 20) codecMessages.push(line);
};

function decoderFor(codec: WasmCodec): Promise<WasmDecoder> {
  let decoder = decoders.get(codec);
  if (!decoder) {
    decoder = (async () => {
      const factory = require(codec.script) as ModuleFactory;
      const module = await factory({ wasmBinary: readFileSync(require.resolve(codec.wasm)), print: keepMessage, printErr: keepMessage });
      return new module[codec.decoderClass]!();
    })();
    decoders.set(codec, decoder);
  }
  return decoder;
}

/** Runs a WebAssembly decoder on one codestream; the output is copied out of the module's memory. */
async function decodeWasm(
  codec: WasmCodec,
  bytes: Uint8Array,
  image: ImageDescription,
): Promise<{ values: Float64Array; samples: number; rows: number; columns: number }> {
  const decoder = await decoderFor(codec);
  codecMessages = [];
  // A codec that calls C's exit() sets process.exitCode on its way out (Emscripten's quit_): a bad
  // file must not change how the run exits.
  const exitCode = process.exitCode;
  try {
    decoder.getEncodedBuffer(bytes.length).set(bytes);
    decoder.decode();
  } catch (error) {
    // After a trap the module's state is unknown: the next frame gets a fresh one.
    decoders.delete(codec);
    // Emscripten throws C++ exceptions as numbers (a pointer): say which codec failed, not the number.
    const said = codecMessages.find((line) => line.includes('ERROR')) ?? (error instanceof Error ? error.message : undefined);
    throw new PixelDataError(`${codec.decoderClass} could not decode the frame${said ? `: ${said}` : ''}`);
  } finally {
    process.exitCode = exitCode;
  }
  const error = codecMessages.find((line) => line.startsWith('[ERROR]'));
  if (error) throw new PixelDataError(`${codec.decoderClass} could not decode the frame: ${error.replace('[ERROR] ', '').trim()}`);
  const info = decoder.getFrameInfo();
  const decoded = decoder.getDecodedBuffer();
  const count = info.width * info.height * info.componentCount;
  const bytesPerSample = info.bitsPerSample <= 8 ? 1 : 2;
  if (decoded.length < count * bytesPerSample) throw new PixelDataError(`${codec.decoderClass} gave ${decoded.length} bytes for ${count} samples`);
  const values = new Float64Array(count);
  const view = new DataView(decoded.buffer, decoded.byteOffset, count * bytesPerSample);
  if (bytesPerSample === 1) for (let i = 0; i < count; i++) values[i] = info.isSigned ? view.getInt8(i) : view.getUint8(i);
  else for (let i = 0; i < count; i++) values[i] = info.isSigned ? view.getInt16(2 * i, true) : view.getUint16(2 * i, true);
  if (image.signed && !info.isSigned) signExtend(values, image.bitsStored);
  // CharLS gives colour planes one after the other when the codestream is not interleaved.
  const planar = info.componentCount > 1 && decoder.getInterleaveMode?.() === 0;
  return { values: planar ? interleave(values, info.componentCount) : values, samples: info.componentCount, rows: info.height, columns: info.width };
}

/**
 * Values a codec gave as unsigned whose header says signed (PixelRepresentation 1): read as
 * BitsStored-bit two's complement, as pydicom (GDCM) gives them.
 */
function signExtend(values: Float64Array, bitsStored: number): void {
  const range = 2 ** bitsStored;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]! % range;
    values[i] = value >= range / 2 ? value - range : value;
  }
}

function interleave(planes: Float64Array, samples: number): Float64Array {
  const pixels = planes.length / samples;
  const out = new Float64Array(planes.length);
  for (let s = 0; s < samples; s++) for (let i = 0; i < pixels; i++) out[i * samples + s] = planes[s * pixels + i]!;
  return out;
}

interface LosslessDecoder {
  decode(buffer: ArrayBuffer, offset: number, length: number, numBytes?: number): Uint8Array | Uint16Array;
}

function decodeJpegLossless(bytes: Uint8Array, image: ImageDescription): Float64Array {
  const { Decoder } = require('jpeg-lossless-decoder-js') as { Decoder: new () => LosslessDecoder };
  // A copy: the decoder reads an ArrayBuffer from its start (a Buffer's `slice` would share the file's pool).
  const copy = new Uint8Array(bytes);
  let output: Uint8Array | Uint16Array;
  try {
    output = new Decoder().decode(copy.buffer, 0, copy.length, image.bitsAllocated <= 8 ? 1 : 2);
  } catch (error) {
    throw new PixelDataError(`JPEG lossless: ${error instanceof Error ? error.message : String(error)}`);
  }
  const values = Float64Array.from(output);
  if (image.signed) signExtend(values, image.bitsStored);
  return values;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Native samples (any byte order, 1 to 32 bits) as numbers. */
function nativeValues(frame: EncodedFrame, count: number): Float64Array {
  const { image, bytes, bigEndian } = frame;
  const values = new Float64Array(count);
  if (image.bitsAllocated === 1) {
    for (let i = 0; i < count; i++) {
      const bit = frame.bitOffset + i;
      values[i] = (bytes[bit >> 3]! >> (bit & 7)) & 1;
    }
    return values;
  }
  const little = !bigEndian;
  const { signed } = image;
  // Aligned little-endian data (this machine's order) is read through a typed array at once.
  const width = image.bitsAllocated / 8;
  if (little && LITTLE_ENDIAN_HOST && (width === 1 || width === 2 || width === 4) && bytes.byteOffset % width === 0) {
    const { buffer, byteOffset } = bytes;
    if (width === 1) return Float64Array.from(signed ? new Int8Array(buffer, byteOffset, count) : new Uint8Array(buffer, byteOffset, count));
    if (width === 2) return Float64Array.from(signed ? new Int16Array(buffer, byteOffset, count) : new Uint16Array(buffer, byteOffset, count));
    return Float64Array.from(signed ? new Int32Array(buffer, byteOffset, count) : new Uint32Array(buffer, byteOffset, count));
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (image.bitsAllocated) {
    case 8:
      for (let i = 0; i < count; i++) values[i] = signed ? view.getInt8(i) : view.getUint8(i);
      break;
    case 16:
      for (let i = 0; i < count; i++) values[i] = signed ? view.getInt16(2 * i, little) : view.getUint16(2 * i, little);
      break;
    case 32:
      for (let i = 0; i < count; i++) values[i] = signed ? view.getInt32(4 * i, little) : view.getUint32(4 * i, little);
      break;
    default:
      throw new PixelDataError(`BitsAllocated ${image.bitsAllocated} is not supported`);
  }
  return values;
}

function decodeRle(frame: EncodedFrame, pixels: number): Float64Array {
  const { image } = frame;
  const bytesPerSample = image.bitsAllocated / 8;
  if (![1, 2, 4].includes(bytesPerSample)) throw new PixelDataError(`RLE with BitsAllocated ${image.bitsAllocated} is not supported`);
  // Segments come sample by sample, most significant byte first: decoded as one wide sample per pixel.
  const planes = image.samplesPerPixel * bytesPerSample;
  let decoded: Uint8Array;
  try {
    decoded = decodeRleFrame(frame.bytes, pixels, planes);
  } catch (error) {
    throw new PixelDataError(error instanceof Error ? error.message : String(error));
  }
  const view = new DataView(decoded.buffer, decoded.byteOffset, decoded.byteLength);
  const count = pixels * image.samplesPerPixel;
  const values = new Float64Array(count);
  const { signed } = image;
  for (let i = 0; i < count; i++) {
    const at = i * bytesPerSample;
    if (bytesPerSample === 1) values[i] = signed ? view.getInt8(at) : view.getUint8(at);
    else if (bytesPerSample === 2) values[i] = signed ? view.getInt16(at, false) : view.getUint16(at, false);
    else values[i] = signed ? view.getInt32(at, false) : view.getUint32(at, false);
  }
  return values;
}

/** Transfer syntaxes by codec. */
const JPEG_BASELINE = new Set(['1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.51']);
const JPEG_LOSSLESS = new Set(['1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.70']);
const JPEG_LS = new Set(['1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81']);
const JPEG_2000 = new Set(['1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91']);
const HTJ2K = new Set(['1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.202', '1.2.840.10008.1.2.4.203']);
const RLE = '1.2.840.10008.1.2.5';

export async function decodeFrame(frame: EncodedFrame): Promise<DecodedFrame> {
  const { image } = frame;
  const ts = image.transferSyntaxUid;
  const pixels = image.rows * image.columns;
  const samples = image.samplesPerPixel;
  if (samples !== 1 && samples !== 3) throw new PixelDataError(`SamplesPerPixel ${samples} is not supported`);
  const expect = (decoded: { values: Float64Array; rows: number; columns: number; samples: number }, photometric = image.photometric): DecodedFrame => {
    if (decoded.rows !== image.rows || decoded.columns !== image.columns || decoded.samples !== samples)
      throw new PixelDataError(
        `the codestream is ${decoded.columns}×${decoded.rows}×${decoded.samples}, the header says ${image.columns}×${image.rows}×${samples}`,
      );
    return { rows: image.rows, columns: image.columns, samples, values: decoded.values, photometric };
  };
  if (!frame.encapsulated) {
    if (image.photometric === 'YBR_FULL_422' && samples === 3)
      return { rows: image.rows, columns: image.columns, samples, values: expandYbr422(frame, pixels), photometric: 'YBR_FULL' };
    let values = nativeValues(frame, pixels * samples);
    if (samples === 3 && image.planarConfiguration === 1) values = interleave(values, 3);
    return { rows: image.rows, columns: image.columns, samples, values, photometric: image.photometric };
  }
  if (ts === RLE) return expect({ values: decodeRle(frame, pixels), rows: image.rows, columns: image.columns, samples });
  if (JPEG_BASELINE.has(ts)) {
    if (image.bitsAllocated > 8) {
      // 12-bit JPEG (extended, process 4): libjpeg-turbo's WebAssembly build is 8-bit only.
      const jpeg = decodeExtendedJpeg(frame.bytes);
      const values = Float64Array.from(jpeg.samples);
      if (image.signed) signExtend(values, image.bitsStored);
      return expect(
        { values, rows: jpeg.height, columns: jpeg.width, samples: jpeg.components },
        samples === 3 ? (image.photometric === 'YBR_FULL_422' ? 'YBR_FULL' : image.photometric) : image.photometric,
      );
    }
    if (samples === 1) return expect(await decodeWasm(LIBJPEG_TURBO, frame.bytes, image));
    // The header, not libjpeg's guess, says what the components are (pydicom's and GDCM's rule):
    // decoded untransformed, then YCbCr is converted where the thumbnail is drawn. Chroma
    // subsampling is undone by the decoder, hence YBR_FULL for YBR_FULL_422.
    const photometric = image.photometric === 'YBR_FULL_422' ? 'YBR_FULL' : image.photometric;
    return expect(await decodeWasm(LIBJPEG_TURBO, withoutColourTransform(frame.bytes), image), photometric);
  }
  if (JPEG_LOSSLESS.has(ts)) return expect({ values: decodeJpegLossless(frame.bytes, image), rows: image.rows, columns: image.columns, samples });
  if (JPEG_LS.has(ts)) return expect(await decodeWasm(CHARLS, frame.bytes, image));
  // OpenJPEG and OpenJPH undo the codestream's colour transform (YBR_RCT/ICT → RGB).
  if (JPEG_2000.has(ts)) return expect(await decodeWasm(OPENJPEG, frame.bytes, image), samples === 3 ? 'RGB' : image.photometric);
  if (HTJ2K.has(ts)) return expect(await decodeWasm(OPENJPH, frame.bytes, image), samples === 3 ? 'RGB' : image.photometric);
  throw new PixelDataError(`transfer syntax ${ts} is not supported`);
}

/**
 * A copy of a 3-component JPEG codestream that libjpeg decodes without converting colour: the
 * JFIF marker renamed, an Adobe marker's transform set to 0 and the component ids (in the frame
 * header and the scan headers) set to 'R', 'G', 'B' — libjpeg's own signs of untransformed data.
 */
export function withoutColourTransform(codestream: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(codestream);
  const ids = new Map<number, number>();
  const RGB = [0x52, 0x47, 0x42];
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const data = at + 4;
    if (marker === 0xe0 && bytes[data] === 0x4a && bytes[data + 1] === 0x46 && bytes[data + 2] === 0x49 && bytes[data + 3] === 0x46) bytes[data] = 0x58;
    else if (marker === 0xee && length >= 14 && String.fromCharCode(...bytes.subarray(data, data + 5)) === 'Adobe') bytes[data + 11] = 0;
    else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc && bytes[data + 5] === 3) {
      for (let c = 0; c < 3; c++) {
        ids.set(bytes[data + 6 + 3 * c]!, RGB[c]!);
        bytes[data + 6 + 3 * c] = RGB[c]!;
      }
    } else if (marker === 0xda) {
      const components = bytes[data]!;
      for (let c = 0; c < components; c++) bytes[data + 1 + 2 * c] = ids.get(bytes[data + 1 + 2 * c]!) ?? bytes[data + 1 + 2 * c]!;
      break; // entropy-coded data follows; DICOM's sequential JPEG has one scan
    }
    at += 2 + length;
  }
  return bytes;
}

/** Native YBR_FULL_422: Y0 Y1 Cb Cr per pair of pixels → full YCbCr per pixel (as pydicom expands it). */
function expandYbr422(frame: EncodedFrame, pixels: number): Float64Array {
  const { bytes } = frame;
  if (frame.image.bitsAllocated !== 8) throw new PixelDataError('YBR_FULL_422 with more than 8 bits is not supported');
  if (bytes.length < pixels * 2) throw new PixelDataError('truncated: YBR_FULL_422 frame too short');
  const out = new Float64Array(pixels * 3);
  for (let pair = 0; pair < pixels / 2; pair++) {
    const at = pair * 4;
    const cb = bytes[at + 2]!;
    const cr = bytes[at + 3]!;
    out.set([bytes[at]!, cb, cr, bytes[at + 1]!, cb, cr], pair * 6);
  }
  return out;
}
