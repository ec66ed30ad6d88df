/**
 * First frame of a DICOM file's Pixel Data (7FE0,0010) as stored values (what pydicom 2.x's
 * `pixel_array` gives: no rescale, no BitsStored masking, no MONOCHROME1 inversion).
 *
 * The header is read by the shared reader (reader/parse.ts), which reports where Pixel Data starts.
 */
import { parseHeader, type ParseOptions, type ParsedHeader } from '../reader/parse.js';
import { decodeRleFrame } from './rle.js';
import { errorMessage } from '@msc/core/lean';

export type FirstFrame = { kind: 'pixels'; pixels: Float64Array; rows: number; columns: number } | { kind: 'skipped'; reason: string };

const IMPLICIT_LITTLE = '1.2.840.10008.1.2';
const EXPLICIT_LITTLE = '1.2.840.10008.1.2.1';
const EXPLICIT_BIG = '1.2.840.10008.1.2.2';
const DEFLATED = '1.2.840.10008.1.2.1.99';
const RLE = '1.2.840.10008.1.2.5';

const UNDEFINED_LENGTH = 0xffffffff;
const ITEM = 0xfffee000;

const ROWS = 0x00280010;
const COLUMNS = 0x00280011;
const SAMPLES_PER_PIXEL = 0x00280002;
const BITS_ALLOCATED = 0x00280100;
const PIXEL_REPRESENTATION = 0x00280103;
/** US attributes; frame 1 starts the value, so NumberOfFrames is not needed. */
const US_TAGS = new Set([ROWS, COLUMNS, SAMPLES_PER_PIXEL, BITS_ALLOCATED, PIXEL_REPRESENTATION]);

const PIXEL_ATTRIBUTES: ParseOptions = { keep: (tag) => US_TAGS.has(tag), vrOf: (tag) => (US_TAGS.has(tag) ? 'US' : undefined) };

class Truncated extends Error {}

/** Bounds-checked reads over the dataset that holds the pixel data. */
class Cursor {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(offset: number, length: number): void {
    if (offset + length > this.bytes.length) throw new Truncated(`truncated at byte ${offset}`);
  }
  u32(offset: number): number {
    this.need(offset, 4);
    return this.view.getUint32(offset, true);
  }
  tag(offset: number): number {
    this.need(offset, 4);
    return ((this.view.getUint16(offset, true) << 16) | this.view.getUint16(offset + 2, true)) >>> 0;
  }
}

/** The whole file's header through the shared reader (reader/parse.ts), which reports where Pixel Data starts. */
function locatePixelData(bytes: Uint8Array): ParsedHeader {
  const header = parseHeader(bytes, true, PIXEL_ATTRIBUTES);
  const { damage } = header;
  if (damage) throw damage.what.startsWith('file truncated') ? new Truncated(damage.what) : new Error(`${damage.what} at byte ${damage.offset}`);
  return header;
}

function usValue(header: ParsedHeader, tag: number): number | undefined {
  const element = header.elements.get(tag);
  if (!element || element.value.length < 2) return undefined;
  return new DataView(element.value.buffer, element.value.byteOffset, 2).getUint16(0, element.littleEndian);
}

/** `count` integer samples of `bitsAllocated` bits from `data` at `offset`, as float64. */
function samplesToFloat(data: Uint8Array, offset: number, count: number, bitsAllocated: number, signed: boolean, littleEndian: boolean): Float64Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Float64Array(count);
  if (bitsAllocated === 8) {
    for (let i = 0; i < count; i++) out[i] = signed ? view.getInt8(offset + i) : data[offset + i]!;
  } else if (bitsAllocated === 16) {
    for (let i = 0; i < count; i++) out[i] = signed ? view.getInt16(offset + 2 * i, littleEndian) : view.getUint16(offset + 2 * i, littleEndian);
  } else {
    for (let i = 0; i < count; i++) out[i] = signed ? view.getInt32(offset + 4 * i, littleEndian) : view.getUint32(offset + 4 * i, littleEndian);
  }
  return out;
}

/** Frame 1 of encapsulated data: item 1 is the Basic Offset Table, item 2 the frame's one fragment (RLE). */
function firstFragment(cursor: Cursor, offset: number): Uint8Array {
  if (cursor.tag(offset) !== ITEM) throw new Error('encapsulated pixel data has no offset table item');
  const position = offset + 8 + cursor.u32(offset + 4);
  if (cursor.tag(position) !== ITEM) throw new Error('encapsulated pixel data holds no frame fragment');
  const length = cursor.u32(position + 4);
  cursor.need(position + 8, length);
  return cursor.bytes.subarray(position + 8, position + 8 + length);
}

export function readFirstFrame(bytes: Uint8Array): FirstFrame {
  let header: ParsedHeader;
  try {
    header = locatePixelData(bytes);
  } catch (error) {
    return { kind: 'skipped', reason: error instanceof Truncated ? 'truncated' : `unparseable: ${errorMessage(error)}` };
  }
  const { pixelData: pixel, transferSyntaxUid: ts } = header;
  if (!pixel) return { kind: 'skipped', reason: 'no pixel data' };
  const cursor = new Cursor(pixel.dataset);
  const supported = ts === undefined || [IMPLICIT_LITTLE, EXPLICIT_LITTLE, EXPLICIT_BIG, DEFLATED, RLE].includes(ts);
  if (!supported) return { kind: 'skipped', reason: `unsupported transfer syntax ${ts} for image features` };
  const get = (tag: number) => usValue(header, tag);
  const rows = get(ROWS);
  const columns = get(COLUMNS);
  const bitsAllocated = get(BITS_ALLOCATED);
  const samplesPerPixel = get(SAMPLES_PER_PIXEL) ?? 1;
  const signed = get(PIXEL_REPRESENTATION) === 1;
  if (!rows || !columns || bitsAllocated === undefined) return { kind: 'skipped', reason: 'Rows, Columns or BitsAllocated missing' };
  // skimage's 2-D moments are undefined for colour arrays, so colour images are skipped, not converted.
  if (samplesPerPixel !== 1) return { kind: 'skipped', reason: `SamplesPerPixel ${samplesPerPixel} (colour) not supported for image features` };
  if (![8, 16, 32].includes(bitsAllocated)) return { kind: 'skipped', reason: `BitsAllocated ${bitsAllocated} not supported for image features` };
  const count = rows * columns;
  const frameBytes = (count * bitsAllocated) / 8;
  try {
    if (ts === RLE) {
      if (pixel.length !== UNDEFINED_LENGTH) return { kind: 'skipped', reason: 'RLE pixel data is not encapsulated' };
      const decoded = decodeRleFrame(firstFragment(cursor, pixel.valueOffset), count, bitsAllocated / 8);
      // Decoded samples are big endian (segment 0 holds the most significant bytes).
      return { kind: 'pixels', pixels: samplesToFloat(decoded, 0, count, bitsAllocated, signed, false), rows, columns };
    }
    if (pixel.length === UNDEFINED_LENGTH) return { kind: 'skipped', reason: 'encapsulated pixel data with a native transfer syntax' };
    if (pixel.length < frameBytes) return { kind: 'skipped', reason: `pixel data holds ${pixel.length} bytes, one frame needs ${frameBytes}` };
    cursor.need(pixel.valueOffset, frameBytes);
    const pixels = samplesToFloat(pixel.dataset, pixel.valueOffset, count, bitsAllocated, signed, pixel.littleEndian);
    return { kind: 'pixels', pixels, rows, columns };
  } catch (error) {
    return { kind: 'skipped', reason: error instanceof Truncated ? 'truncated' : `undecodable pixel data: ${errorMessage(error)}` };
  }
}
