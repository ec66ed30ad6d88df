/**
 * A whole DICOM file → what it says about its pixels (the Image Pixel module, the display
 * attributes and, for enhanced multi-frame files, the functional groups that carry them) and the
 * encoded bytes of one of its frames. Decoding those bytes is codecs.ts's job.
 *
 * The header is read by the shared reader (reader/parse.ts), which reports where Pixel Data starts.
 */
import { parseHeader, type KeepOptions, type ParseOptions, type ParsedHeader, type RawElement } from '../reader/parse.js';
import { elementValues } from '../values/convert.js';

const UNDEFINED_LENGTH = 0xffffffff;
const ITEM = 0xfffee000;
const SEQUENCE_END = 0xfffee0dd;

const SAMPLES_PER_PIXEL = 0x00280002;
const PHOTOMETRIC = 0x00280004;
const PLANAR_CONFIGURATION = 0x00280006;
const NUMBER_OF_FRAMES = 0x00280008;
const ROWS = 0x00280010;
const COLUMNS = 0x00280011;
const BITS_ALLOCATED = 0x00280100;
const BITS_STORED = 0x00280101;
const PIXEL_REPRESENTATION = 0x00280103;
const WINDOW_CENTER = 0x00281050;
const WINDOW_WIDTH = 0x00281051;
const RESCALE_INTERCEPT = 0x00281052;
const RESCALE_SLOPE = 0x00281053;
const SHARED_FUNCTIONAL_GROUPS = 0x52009229;
const PER_FRAME_FUNCTIONAL_GROUPS = 0x52009230;
const FRAME_VOI_LUT = 0x00289132;
const PIXEL_VALUE_TRANSFORMATION = 0x00289145;

const VRS = new Map<number, string>([
  [SAMPLES_PER_PIXEL, 'US'],
  [PHOTOMETRIC, 'CS'],
  [PLANAR_CONFIGURATION, 'US'],
  [NUMBER_OF_FRAMES, 'IS'],
  [ROWS, 'US'],
  [COLUMNS, 'US'],
  [BITS_ALLOCATED, 'US'],
  [BITS_STORED, 'US'],
  [PIXEL_REPRESENTATION, 'US'],
  [WINDOW_CENTER, 'DS'],
  [WINDOW_WIDTH, 'DS'],
  [RESCALE_INTERCEPT, 'DS'],
  [RESCALE_SLOPE, 'DS'],
  [SHARED_FUNCTIONAL_GROUPS, 'SQ'],
  [PER_FRAME_FUNCTIONAL_GROUPS, 'SQ'],
  [FRAME_VOI_LUT, 'SQ'],
  [PIXEL_VALUE_TRANSFORMATION, 'SQ'],
]);

const DISPLAY_TAGS = new Set([WINDOW_CENTER, WINDOW_WIDTH, RESCALE_INTERCEPT, RESCALE_SLOPE]);
/** A functional group item: the two macros that carry a frame's window and rescale. */
const GROUP_ITEM: KeepOptions = {
  keep: () => false,
  sequences: new Map([
    [FRAME_VOI_LUT, { keep: (tag) => DISPLAY_TAGS.has(tag) }],
    [PIXEL_VALUE_TRANSFORMATION, { keep: (tag) => DISPLAY_TAGS.has(tag) }],
  ]),
};
const PIXEL_OPTIONS: ParseOptions = {
  keep: (tag) => VRS.has(tag),
  sequences: new Map([
    [SHARED_FUNCTIONAL_GROUPS, GROUP_ITEM],
    [PER_FRAME_FUNCTIONAL_GROUPS, GROUP_ITEM],
  ]),
  vrOf: (tag) => VRS.get(tag),
};

/** Why a file gives no thumbnail: said in the thumbnails table and the skipped-files report. */
export class PixelDataError extends Error {}

export interface ImageDescription {
  readonly transferSyntaxUid: string;
  readonly rows: number;
  readonly columns: number;
  readonly samplesPerPixel: number;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  readonly signed: boolean;
  readonly photometric: string;
  /** 1: colour planes one after the other (R…G…B…), 0: interleaved (RGBRGB…). */
  readonly planarConfiguration: number;
  readonly numberOfFrames: number;
}

/** What turns stored values into displayed grey levels, for one frame. */
export interface Display {
  readonly slope: number;
  readonly intercept: number;
  /** The file's own window (first one when several), in rescaled units. */
  readonly window?: { center: number; width: number };
}

export interface EncodedFrame {
  readonly image: ImageDescription;
  readonly display: Display;
  /** 0-based index of the frame in the file. */
  readonly index: number;
  /** Native: the frame's bytes (little endian unless `bigEndian`); encapsulated: the frame's fragments joined. */
  readonly bytes: Uint8Array;
  readonly encapsulated: boolean;
  readonly bigEndian: boolean;
  /** For 1-bit native data: the frame's first bit within `bytes` (frames need not start on a byte). */
  readonly bitOffset: number;
}

function firstNumber(element: RawElement | undefined): number | undefined {
  if (!element) return undefined;
  const [text] = elementValues(element);
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function us(header: ParsedHeader, tag: number): number | undefined {
  const element = header.elements.get(tag);
  if (!element || element.value.length < 2) return undefined;
  return new DataView(element.value.buffer, element.value.byteOffset, 2).getUint16(0, element.littleEndian);
}

/** A macro's element, from one functional group item. */
function fromGroup(item: ReadonlyMap<number, RawElement> | undefined, macro: number, tag: number): RawElement | undefined {
  return item?.get(macro)?.items?.[0]?.get(tag);
}

/** Window and rescale of frame `index`: top level first, then the shared groups, then the frame's own. */
function displayOf(header: ParsedHeader, index: number): Display {
  const shared = header.elements.get(SHARED_FUNCTIONAL_GROUPS)?.items?.[0];
  const frame = header.elements.get(PER_FRAME_FUNCTIONAL_GROUPS)?.items?.[index];
  const find = (macro: number, tag: number) =>
    firstNumber(header.elements.get(tag)) ?? firstNumber(fromGroup(shared, macro, tag)) ?? firstNumber(fromGroup(frame, macro, tag));
  const center = find(FRAME_VOI_LUT, WINDOW_CENTER);
  const width = find(FRAME_VOI_LUT, WINDOW_WIDTH);
  return {
    slope: find(PIXEL_VALUE_TRANSFORMATION, RESCALE_SLOPE) ?? 1,
    intercept: find(PIXEL_VALUE_TRANSFORMATION, RESCALE_INTERCEPT) ?? 0,
    ...(center !== undefined && width !== undefined && width > 0 ? { window: { center, width } } : {}),
  };
}

function describe(header: ParsedHeader): ImageDescription {
  const rows = us(header, ROWS);
  const columns = us(header, COLUMNS);
  const bitsAllocated = us(header, BITS_ALLOCATED);
  if (!rows || !columns || !bitsAllocated) throw new PixelDataError('Rows, Columns or BitsAllocated missing');
  const photometricElement = header.elements.get(PHOTOMETRIC);
  return {
    transferSyntaxUid: header.transferSyntaxUid ?? '1.2.840.10008.1.2',
    rows,
    columns,
    samplesPerPixel: us(header, SAMPLES_PER_PIXEL) ?? 1,
    bitsAllocated,
    bitsStored: us(header, BITS_STORED) ?? bitsAllocated,
    signed: us(header, PIXEL_REPRESENTATION) === 1,
    photometric: (photometricElement ? elementValues(photometricElement)[0] : undefined)?.trim() ?? 'MONOCHROME2',
    planarConfiguration: us(header, PLANAR_CONFIGURATION) ?? 0,
    numberOfFrames: Math.max(1, Math.trunc(firstNumber(header.elements.get(NUMBER_OF_FRAMES)) ?? 1)),
  };
}

interface Fragment {
  readonly start: number;
  readonly end: number;
}

/** Items of encapsulated pixel data: the Basic Offset Table's offsets and every fragment. */
function fragmentsOf(dataset: Uint8Array, offset: number): { offsets: number[]; fragments: Fragment[]; firstFragmentAt: number } {
  const view = new DataView(dataset.buffer, dataset.byteOffset, dataset.byteLength);
  const tagAt = (at: number) => ((view.getUint16(at, true) << 16) | view.getUint16(at + 2, true)) >>> 0;
  if (offset + 8 > dataset.length || tagAt(offset) !== ITEM) throw new PixelDataError('encapsulated pixel data has no offset table item');
  const tableLength = view.getUint32(offset + 4, true);
  const offsets: number[] = [];
  for (let at = offset + 8; at + 4 <= offset + 8 + tableLength && at + 4 <= dataset.length; at += 4) offsets.push(view.getUint32(at, true));
  const fragments: Fragment[] = [];
  const firstFragmentAt = offset + 8 + tableLength;
  let position = firstFragmentAt;
  while (position + 8 <= dataset.length) {
    const tag = tagAt(position);
    if (tag === SEQUENCE_END) break;
    if (tag !== ITEM) throw new PixelDataError(`encapsulated pixel data: no item at byte ${position}`);
    const length = view.getUint32(position + 4, true);
    if (length === UNDEFINED_LENGTH || position + 8 + length > dataset.length)
      throw new PixelDataError('truncated: a pixel data fragment runs past the end of the file');
    fragments.push({ start: position + 8, end: position + 8 + length });
    position += 8 + length;
  }
  if (fragments.length === 0) throw new PixelDataError('encapsulated pixel data holds no fragment');
  return { offsets, fragments, firstFragmentAt };
}

/** A fragment that starts a codestream: JPEG SOI, a JPEG 2000 codestream (SOC) or JP2 file. */
function startsFrame(dataset: Uint8Array, fragment: Fragment): boolean {
  const a = dataset[fragment.start];
  const b = dataset[fragment.start + 1];
  return a === 0xff && (b === 0xd8 || b === 0x4f);
}

function join(dataset: Uint8Array, fragments: readonly Fragment[]): Uint8Array {
  if (fragments.length === 1) return dataset.subarray(fragments[0]!.start, fragments[0]!.end);
  const out = new Uint8Array(fragments.reduce((sum, f) => sum + f.end - f.start, 0));
  let at = 0;
  for (const f of fragments) {
    out.set(dataset.subarray(f.start, f.end), at);
    at += f.end - f.start;
  }
  return out;
}

/**
 * The fragments of frame `index`: by the Basic Offset Table when it has one, else one fragment a
 * frame when the counts match, else where codestreams start (pydicom's fallbacks).
 */
function encapsulatedFrame(dataset: Uint8Array, offset: number, index: number, frames: number): Uint8Array {
  const { offsets, fragments, firstFragmentAt } = fragmentsOf(dataset, offset);
  if (frames === 1) return join(dataset, fragments);
  if (offsets.length === frames) {
    const from = firstFragmentAt + offsets[index]!;
    const to = index + 1 < frames ? firstFragmentAt + offsets[index + 1]! : Infinity;
    const picked = fragments.filter((f) => f.start - 8 >= from && f.start - 8 < to);
    if (picked.length === 0) throw new PixelDataError(`the offset table points frame ${index + 1} at no fragment`);
    return join(dataset, picked);
  }
  if (fragments.length === frames) return join(dataset, [fragments[index]!]);
  const starts = fragments.map((f, k) => (startsFrame(dataset, f) ? k : -1)).filter((k) => k >= 0);
  if (starts.length !== frames) throw new PixelDataError(`cannot tell the ${frames} frames apart among ${fragments.length} fragments (no offset table)`);
  return join(dataset, fragments.slice(starts[index], starts[index + 1] ?? fragments.length));
}

/** Native (uncompressed) transfer syntaxes; deflated ones are inflated by the reader. */
const NATIVE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.8.1']);

/** Frame `index` (0-based; the middle one when undefined) of a whole file's bytes. */
export function readEncodedFrame(file: Uint8Array, index?: number): EncodedFrame {
  const header = parseHeader(file, true, PIXEL_OPTIONS);
  if (header.damage)
    throw new PixelDataError(header.damage.what.startsWith('file truncated') ? 'truncated' : `${header.damage.what} at byte ${header.damage.offset}`);
  const pixel = header.pixelData;
  if (!pixel) throw new PixelDataError('no pixel data');
  const image = describe(header);
  const frame = index ?? Math.floor(image.numberOfFrames / 2);
  if (frame < 0 || frame >= image.numberOfFrames) throw new PixelDataError(`frame ${frame + 1} of ${image.numberOfFrames}`);
  const display = displayOf(header, frame);
  const encapsulated = pixel.length === UNDEFINED_LENGTH;
  if (encapsulated) {
    if (NATIVE.has(image.transferSyntaxUid)) throw new PixelDataError('encapsulated pixel data with a native transfer syntax');
    const bytes = encapsulatedFrame(pixel.dataset, pixel.valueOffset, frame, image.numberOfFrames);
    return { image, display, index: frame, bytes, encapsulated, bigEndian: false, bitOffset: 0 };
  }
  if (!NATIVE.has(image.transferSyntaxUid)) throw new PixelDataError(`native pixel data with the compressed transfer syntax ${image.transferSyntaxUid}`);
  // Native YBR_FULL_422 keeps two luminance samples and one pair of chroma samples per two pixels.
  const samplesPerPixel = image.photometric === 'YBR_FULL_422' && image.samplesPerPixel === 3 ? 2 : image.samplesPerPixel;
  const frameBits = image.rows * image.columns * samplesPerPixel * image.bitsAllocated;
  const startBit = frame * frameBits;
  const start = Math.floor(startBit / 8);
  const length = Math.ceil((startBit + frameBits) / 8) - start;
  const available = Math.min(pixel.length, pixel.dataset.length - pixel.valueOffset);
  if (start + length > available) throw new PixelDataError(`truncated: pixel data holds ${available} bytes, frame ${frame + 1} needs ${start + length}`);
  const bytes = pixel.dataset.subarray(pixel.valueOffset + start, pixel.valueOffset + start + length);
  return { image, display, index: frame, bytes, encapsulated, bigEndian: !pixel.littleEndian, bitOffset: startBit % 8 };
}
