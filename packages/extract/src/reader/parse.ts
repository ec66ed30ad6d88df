/**
 * Header parsing: Part-10 preamble and file meta, then the dataset's top-level elements up to
 * (7FE0,0010), never the pixel data. Sequences are skipped whole (defined or undefined length),
 * except those the options name, whose items are read for the elements asked for (the functional
 * groups of enhanced multi-frame files); values stay raw bytes until a converter reads them
 * (pydicom's reader/converter split). A damaged file keeps what it gave before the damage and says
 * where it broke (`ParsedHeader.damage`); the caller decides whether that is enough.
 */
import { TextDecoder } from 'node:util';
import { constants as zlibConstants, inflateRawSync } from 'node:zlib';
import { ByteReader, DamagedData, NeedMoreBytes } from './byte-reader.js';
import { ElementList } from './element-list.js';
import { LONG_LENGTH_VRS, encodingOf, encodingWith, type Encoding } from './transfer-syntax.js';

export interface RawElement {
  readonly tag: number;
  /** Explicit VR as written, or the dictionary's for implicit VR (UN when unknown). */
  readonly vr: string;
  readonly value: Uint8Array;
  readonly littleEndian: boolean;
  /** For a sequence the options asked to read: each item's kept elements, by tag. */
  readonly items?: readonly ReadonlyMap<number, RawElement>[];
}

/** Where (7FE0,0010) starts, for the readers of pixel values (image/). */
export interface PixelDataLocation {
  /** The dataset's bytes (the inflated ones for a deflated file). */
  readonly dataset: Uint8Array;
  /** Offset of the value in `dataset` (the first item tag when encapsulated). */
  readonly valueOffset: number;
  /** Value length; 0xFFFFFFFF when encapsulated. */
  readonly length: number;
  readonly littleEndian: boolean;
}

/** Where a damaged file stopped being readable, and what broke there. */
export interface Damage {
  readonly what: string;
  /** Byte offset in the file (in the inflated dataset for a deflated file). */
  readonly offset: number;
}

export interface ParsedHeader {
  readonly transferSyntaxUid: string | undefined;
  readonly hasPreamble: boolean;
  /** The elements read; for a damaged file, those before the damage. */
  readonly elements: ReadonlyMap<number, RawElement>;
  /** Set when the bytes reached the top-level Pixel Data element. */
  readonly pixelData?: PixelDataLocation;
  /** Set when parsing stopped at damage before reaching Pixel Data or the end of the file. */
  readonly damage?: Damage;
}

/** What to keep of a dataset, or of the items of a sequence. */
export interface KeepOptions {
  /** Which (non-sequence) elements to keep. */
  keep(tag: number): boolean;
  /** Sequences whose items are read (keeping what the nested options say) instead of skipped. */
  readonly sequences?: ReadonlyMap<number, KeepOptions>;
}

export interface ParseOptions extends KeepOptions {
  /** VR of a tag for implicit-VR datasets (undefined when unknown), at any nesting depth. */
  vrOf(tag: number): string | undefined;
  /**
   * Stop at the first top-level element whose tag is greater (a caller that wants only the first
   * elements, e.g. the study UID to pick a shard): the rest of the bytes are not looked at, and the
   * result has no pixel data location.
   */
  readonly stopAfter?: number;
}

/**
 * The bytes a dataset was parsed from, shared by the elements read straight from them: their text
 * is decoded once, as one latin1 string up to the end of the last such element, and each value
 * is a slice of it (a value's byte offsets are its character offsets).
 */
export class HeaderBytes {
  /** End of the last element that points into these bytes. */
  end = 0;
  private text: string | undefined;
  constructor(
    readonly bytes: Uint8Array,
    readonly view: DataView,
  ) {}

  /** Bytes [start, end) as ISO 8859-1 text, byte for byte. */
  latin1(start: number, end: number): string {
    this.text ??= Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.end).toString('latin1');
    return this.text.slice(start, end);
  }
}

/** An element whose value is a span of its dataset's bytes: no view is made unless `value` is asked for. */
export class SpanElement implements RawElement {
  private view: Uint8Array | undefined;
  constructor(
    readonly tag: number,
    readonly vr: string,
    readonly source: HeaderBytes,
    readonly offset: number,
    readonly length: number,
    readonly littleEndian: boolean,
    /** A sequence's items (every element has the slot: one object shape keeps the readers' code monomorphic). */
    readonly items: readonly ReadonlyMap<number, RawElement>[] | undefined = undefined,
  ) {
    if (offset + length > source.end) source.end = offset + length;
  }

  get value(): Uint8Array {
    return (this.view ??= this.source.bytes.subarray(this.offset, this.offset + this.length));
  }
}

/** A reader over a dataset's bytes with the `HeaderBytes` its kept elements share. */
class DatasetReader extends ByteReader {
  readonly source = new HeaderBytes(this.bytes, this.view);
}

/** A kept element of `reader`'s bytes (bounds checked as `slice` checks them). */
function spanOf(reader: DatasetReader, tag: number, vr: string, offset: number, length: number): SpanElement {
  reader.ensure(offset, length);
  return new SpanElement(tag, vr, reader.source, offset, length, reader.littleEndian);
}

const UNDEFINED_LENGTH = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;
const PIXEL_DATA = 0x7fe00010;
/** Nesting of the sequences read item by item (skipped ones may nest at any depth). */
const MAX_SEQUENCE_DEPTH = 32;
const LATIN1_DECODER = new TextDecoder('latin1');

function readTag(reader: ByteReader, offset: number): number {
  return ((reader.uint16(offset) << 16) | reader.uint16(offset + 2)) >>> 0;
}

const hexTag = (tag: number) => `(${(tag >>> 16).toString(16).padStart(4, '0')},${(tag & 0xffff).toString(16).padStart(4, '0')})`;

interface Header {
  tag: number;
  vr: string;
  length: number;
  valueOffset: number;
  /** The VR was written in the element (explicit), not looked up. */
  vrWritten: boolean;
}

/**
 * One element header. Explicit VR bytes outside 'AA'..'ZZ' are read as an implicit-VR header, as
 * pydicom does (writers that switch encoding mid-dataset exist).
 */
function readElementHeader(reader: ByteReader, offset: number, explicitVR: boolean, options: ParseOptions): Header {
  const tag = readTag(reader, offset);
  if (tag >>> 16 === 0xfffe) return { tag, vr: '', length: reader.uint32(offset + 4), valueOffset: offset + 8, vrWritten: false };
  if (explicitVR) {
    // The two bytes read in place (no view made per element), their VR from the tables (no string made per element).
    reader.ensure(offset + 4, 2);
    const code = (reader.bytes[offset + 4]! << 8) | reader.bytes[offset + 5]!;
    const kind = VR_KINDS[code]!;
    if (kind === 2) return { tag, vr: vrName(code), length: reader.uint32(offset + 8), valueOffset: offset + 12, vrWritten: true };
    if (kind === 1) return { tag, vr: vrName(code), length: reader.uint16(offset + 6), valueOffset: offset + 8, vrWritten: true };
  }
  return { tag, vr: options.vrOf(tag) ?? 'UN', length: reader.uint32(offset + 4), valueOffset: offset + 8, vrWritten: false };
}

/**
 * Skips the items of an undefined-length sequence; returns the offset after its delimiter. As
 * pydicom does, a tag other than Item where an item starts is read as an item, and an item whose
 * length runs past the end of the file is read up to its delimiter. Iterative, so that however
 * deep sequences nest (a damaged or hostile file), skipping them costs no stack.
 */
function skipSequence(reader: ByteReader, offset: number, explicitVR: boolean, options: ParseOptions): number {
  // Per open sequence, whether its items are explicit VR; the last is the innermost.
  const open: boolean[] = [explicitVR];
  let position = offset;
  let inItem = false;
  for (;;) {
    if (!inItem) {
      const tag = readTag(reader, position);
      const length = reader.uint32(position + 4);
      position += 8;
      if (tag === SEQUENCE_END) {
        open.pop();
        if (open.length === 0) return position;
        inItem = true; // back in the enclosing item
      } else if (length === UNDEFINED_LENGTH || (reader.complete && position + length > reader.bytes.length)) inItem = true;
      else position += length;
      continue;
    }
    // Inside an item of undefined length: its elements, up to the item delimiter.
    const explicit = open[open.length - 1]!;
    const header = readElementHeader(reader, position, explicit, options);
    if (header.tag === ITEM_END) {
      position = header.valueOffset;
      inItem = false;
    } else if (header.length === UNDEFINED_LENGTH) {
      open.push(itemsExplicit(header, explicit));
      position = header.valueOffset;
      inItem = false;
    } else position = header.valueOffset + header.length;
  }
}

/**
 * Whether a top-level element of undefined length is a sequence, as pydicom decides: SQ, or UN, as
 * written; a looked-up VR (implicit, or VR bytes that are no letters) when the dictionary says SQ or,
 * unknown, when an Item tag follows. Item and delimiter tags (a sequence whose length was damaged
 * to 0 leaves its items at the top level) never are. The others hold raw bytes up to a sequence
 * delimiter.
 */
function holdsItems(reader: ByteReader, header: Header): boolean {
  if (header.tag >>> 16 === 0xfffe) return false;
  if (header.vr === 'SQ') return true;
  if (header.vrWritten) return header.vr === 'UN';
  return readTag(reader, header.valueOffset) === ITEM;
}

/**
 * The offset after the first sequence delimiter tag from `offset` on, and its 4-byte length field
 * (pydicom's read_undefined_length_value for a non-sequence of undefined length).
 */
function afterSequenceDelimiter(reader: ByteReader, offset: number): number {
  const { bytes } = reader;
  const [first, second, third, fourth] = reader.littleEndian ? [0xfe, 0xff, 0xdd, 0xe0] : [0xff, 0xfe, 0xe0, 0xdd];
  for (let at = bytes.indexOf(first, offset); at >= 0 && at + 4 <= bytes.length; at = bytes.indexOf(first, at + 1)) {
    if (bytes[at + 1] === second && bytes[at + 2] === third && bytes[at + 3] === fourth) return at + 8;
  }
  if (!reader.complete) throw new NeedMoreBytes(bytes.length + 1);
  throw new DamagedData('file truncated (element of undefined length has no sequence delimiter)', offset);
}

/** UN of undefined length holds implicit-VR items (as pydicom reads it). */
const itemsExplicit = (header: Header, explicitVR: boolean) => (header.vr === 'UN' ? false : explicitVR);

/**
 * Reads one element after its header into `into` (kept, a sequence read item by item, or skipped);
 * returns the offset after it.
 */
function readElement(
  reader: DatasetReader,
  header: Header,
  explicitVR: boolean,
  keep: KeepOptions,
  options: ParseOptions,
  into: ElementList<RawElement>,
  depth: number,
): number {
  const nested = header.vr === 'SQ' || header.vr === 'UN' || header.length === UNDEFINED_LENGTH ? keep.sequences?.get(header.tag) : undefined;
  if (nested) {
    const { items, end } = readItems(reader, header.valueOffset, header.length, itemsExplicit(header, explicitVR), nested, options, depth + 1);
    into.set(header.tag, new SpanElement(header.tag, 'SQ', reader.source, header.valueOffset, 0, reader.littleEndian, items));
    return end;
  }
  if (header.length === UNDEFINED_LENGTH) {
    if (depth === 0 && !holdsItems(reader, header)) return afterSequenceDelimiter(reader, header.valueOffset);
    return skipSequence(reader, header.valueOffset, header.vrWritten ? itemsExplicit(header, explicitVR) : explicitVR, options);
  }
  if (keep.keep(header.tag) && header.vr !== 'SQ') {
    into.set(header.tag, spanOf(reader, header.tag, header.vr, header.valueOffset, header.length));
  }
  return header.valueOffset + header.length;
}

/** The items of a sequence being read (defined or undefined length), and the offset after it. */
function readItems(
  reader: DatasetReader,
  offset: number,
  length: number,
  explicitVR: boolean,
  keep: KeepOptions,
  options: ParseOptions,
  depth: number,
): { items: ElementList<RawElement>[]; end: number } {
  if (depth > MAX_SEQUENCE_DEPTH) throw new DamagedData(`sequences nested more than ${MAX_SEQUENCE_DEPTH} deep`, offset);
  const items: ElementList<RawElement>[] = [];
  const end = length === UNDEFINED_LENGTH ? Number.POSITIVE_INFINITY : offset + length;
  let position = offset;
  while (position < end) {
    const tag = readTag(reader, position);
    const itemLength = reader.uint32(position + 4);
    position += 8;
    if (tag === SEQUENCE_END) break;
    const item = new ElementList<RawElement>();
    const itemEnd = itemLength === UNDEFINED_LENGTH ? Number.POSITIVE_INFINITY : position + itemLength;
    while (position < itemEnd) {
      const header = readElementHeader(reader, position, explicitVR, options);
      if (header.tag === ITEM_END) {
        position = header.valueOffset;
        break;
      }
      position = readElement(reader, header, explicitVR, keep, options, item, depth);
    }
    if (position > itemEnd) throw new DamagedData('sequence item overruns its length', itemEnd);
    items.push(item);
  }
  if (position > end) throw new DamagedData('sequence items overrun its length', end);
  return { items, end: length === UNDEFINED_LENGTH ? position : end };
}

/** Per 16-bit VR code (first byte high): 0 not a VR, 1 a 16-bit length, 2 a 32-bit length. */
const VR_KINDS = (() => {
  const kinds = new Uint8Array(1 << 16);
  // pydicom's test: b'AA' <= vr <= b'ZZ', compared as byte strings.
  kinds.fill(1, 0x4141, 0x5a5b);
  for (const vr of LONG_LENGTH_VRS) kinds[(vr.charCodeAt(0) << 8) | vr.charCodeAt(1)] = 2;
  return kinds;
})();
/** The codes a VR can have ('AA'..'ZZ' compared as bytes), from the first. */
const FIRST_VR_CODE = 0x4141;
/**
 * VR code − FIRST_VR_CODE → its two letters, made once per code seen. Filled in advance with '' so
 * the array stays packed: indexing a sparse one by codes in the tens of thousands is a dictionary lookup.
 */
const VR_NAMES: string[] = new Array<string>(0x5a5b - FIRST_VR_CODE).fill('');
function vrName(code: number): string {
  const name = VR_NAMES[code - FIRST_VR_CODE]!;
  return name !== '' ? name : (VR_NAMES[code - FIRST_VR_CODE] = String.fromCharCode(code >>> 8, code & 0xff));
}
const VR_SQ = 0x5351;
const VR_UN = 0x554e;

/**
 * The common element — defined length, not a sequence, wholly in the bytes — read straight from
 * the bytes, no header object: returns the offset after it, or -1 for the general path (sequences,
 * undefined lengths, item tags, odd VR bytes, the end of the bytes, Pixel Data).
 */
function readPlainElement(source: HeaderBytes, position: number, encoding: Encoding, options: ParseOptions, elements: ElementList<RawElement>): number {
  const { bytes, view } = source;
  const littleEndian = encoding.littleEndian;
  const tag = ((view.getUint16(position, littleEndian) << 16) | view.getUint16(position + 2, littleEndian)) >>> 0;
  if (tag >>> 16 === 0xfffe || tag === PIXEL_DATA) return -1;
  let vr: string | undefined;
  let length: number;
  let valueOffset: number;
  if (encoding.explicitVR) {
    const code = (bytes[position + 4]! << 8) | bytes[position + 5]!;
    const kind = VR_KINDS[code]!;
    if (kind === 0 || code === VR_SQ || code === VR_UN) return -1;
    // Both length fields read, whatever the VR (the caller leaves 12 bytes), and the value's offset
    // computed, not branched on: the first 32-bit length (OB, OW, UT…) can come long after this was
    // optimized, and an operation first run then would throw the optimized code away.
    const shortLength = view.getUint16(position + 6, littleEndian);
    const longLength = view.getUint32(position + 8, littleEndian);
    length = kind === 1 ? shortLength : longLength;
    valueOffset = position + 4 + 4 * kind;
    if (length === UNDEFINED_LENGTH || valueOffset + length > bytes.length) return -1;
    if (options.keep(tag)) vr = vrName(code);
  } else {
    length = view.getUint32(position + 4, littleEndian);
    valueOffset = position + 8;
    if (length === UNDEFINED_LENGTH || valueOffset + length > bytes.length || options.sequences?.has(tag)) return -1;
    if (options.keep(tag)) {
      vr = options.vrOf(tag) ?? 'UN';
      if (vr === 'SQ') vr = undefined;
    }
  }
  if (vr !== undefined) elements.set(tag, new SpanElement(tag, vr, source, valueOffset, length, littleEndian));
  return valueOffset + length;
}

function parseDataset(
  reader: DatasetReader,
  start: number,
  encoding: Encoding,
  options: ParseOptions,
  elements: ElementList<RawElement>,
): PixelDataLocation | undefined {
  reader.littleEndian = encoding.littleEndian;
  const { bytes, source } = reader;
  let position = start;
  const { stopAfter } = options;
  while (position < bytes.length) {
    if (stopAfter !== undefined && position + 4 <= bytes.length && readTag(reader, position) > stopAfter) return undefined;
    if (position + 12 <= bytes.length) {
      const next = readPlainElement(source, position, encoding, options, elements);
      if (next >= 0) {
        position = next;
        continue;
      }
    }
    if (position + 8 > reader.bytes.length && reader.complete) break; // trailing padding
    const header = readElementHeader(reader, position, encoding.explicitVR, options);
    if (header.tag === PIXEL_DATA)
      return { dataset: reader.bytes, valueOffset: header.valueOffset, length: header.length, littleEndian: encoding.littleEndian };
    // Tags past Pixel Data (padding, signatures, or a damaged tag) are read over, never kept.
    const start = position;
    try {
      position = readElement(reader, header, encoding.explicitVR, options, options, elements, 0);
    } catch (error) {
      if (!(error instanceof DamagedData)) throw error;
      // Name the top-level element it broke in; an offset past the end of the file says little.
      throw new DamagedData(`${error.what} in ${hexTag(header.tag)}`, error.offset <= reader.bytes.length ? error.offset : start);
    }
    if (position > reader.bytes.length) {
      if (!reader.complete) throw new NeedMoreBytes(position);
      throw new DamagedData(`file truncated (element ${hexTag(header.tag)} runs past the end)`, header.valueOffset);
    }
  }
  // The prefix ended before pixel data: the rest of the header may follow in the file.
  if (!reader.complete) throw new NeedMoreBytes(position + 8);
  return undefined;
}

/**
 * Parses a file prefix (`complete` false) or a whole file. Throws `NeedMoreBytes` when the header
 * runs past a prefix, `NotDicomError` when the bytes are no DICOM at all; damage after the start
 * is reported in the result, with the elements before it.
 */
export class NotDicomError extends Error {}

export function parseHeader(bytes: Uint8Array, complete: boolean, options: ParseOptions): ParsedHeader {
  const reader = new DatasetReader(bytes, complete);
  if (bytes.length < 8) throw new NotDicomError('too short to be DICOM');
  const elements = new ElementList<RawElement>();
  const hasPreamble = bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
  let position = hasPreamble ? 132 : 0;
  // A zeroed preamble whose DICM was damaged or cut reads, as pydicom reads it, as empty (0000,0000)
  // elements: up to 128 zero bytes are passed over before the dataset start.
  if (!hasPreamble) while (position < 128 && position + 8 <= bytes.length && bytes.subarray(position, position + 8).every((byte) => byte === 0)) position += 8;
  // Without a preamble a dataset starts with file meta (0002) or identifying elements (0008).
  if (!hasPreamble && ![0x0002, 0x0008].includes(bytes[position]! | (bytes[position + 1]! << 8)))
    throw new NotDicomError('no DICM preamble and no dataset start');
  let transferSyntaxUid: string | undefined;
  // File meta (group 0002) is always explicit VR little endian.
  // File meta goes first into the elements (its tags are the lowest), the dataset's after it.
  const meta: RawElement[] = [];
  let pixelData: PixelDataLocation | undefined;
  let damage: Damage | undefined;
  try {
    while (position + 6 <= bytes.length && reader.uint16(position) === 0x0002) {
      const header = readElementHeader(reader, position, true, options);
      const element = spanOf(reader, header.tag, header.vr, header.valueOffset, header.length);
      meta.push(element);
      elements.set(header.tag, element);
      position = header.valueOffset + header.length;
    }
    const syntax = elements.get(0x00020010);
    // Read in place (no view of the value made per file).
    if (syntax instanceof SpanElement) transferSyntaxUid = transferSyntaxText(syntax.source.bytes, syntax.offset, syntax.length);
    let encoding = encodingOf(transferSyntaxUid);
    // Files whose meta says one VR encoding but whose dataset uses the other exist (pydicom warns and
    // follows the data); so does this reader, judging by the first element.
    if (!encoding.deflated && position + 6 <= bytes.length) encoding = encodingWith(looksExplicit(reader, position), encoding.littleEndian, false);
    if (encoding.deflated) {
      if (!complete) throw new NeedMoreBytes(Number.POSITIVE_INFINITY);
      pixelData = parseDeflated(bytes.subarray(position), encodingWith(encoding.explicitVR, encoding.littleEndian, false), options, elements, position);
    } else {
      pixelData = parseDataset(reader, position, encoding, options, elements);
    }
  } catch (error) {
    if (!(error instanceof DamagedData)) throw error;
    damage = { what: error.what, offset: error.offset };
  }
  // File meta wins any tag the dataset repeats.
  for (const element of meta) elements.set(element.tag, element);
  // Every header has the same fields (undefined when absent): one object shape for the readers of headers.
  return { transferSyntaxUid, hasPreamble, elements, pixelData, damage };
}

/** The last transfer syntax read: an archive repeats one or two, and matching bytes costs less than decoding them. */
let lastTransferSyntax = '';

/** A transfer syntax UID's bytes [start, start + length) as text, trailing NUL and space padding stripped. */
function transferSyntaxText(bytes: Uint8Array, start: number, length: number): string {
  let end = start + length;
  while (end > start && (bytes[end - 1] === 0 || bytes[end - 1] === 0x20)) end--;
  let same = end - start === lastTransferSyntax.length;
  for (let i = 0; same && i < end - start; i++) same = bytes[start + i] === lastTransferSyntax.charCodeAt(i);
  if (same) return lastTransferSyntax;
  // Bytes past ASCII (a damaged element) as the decoder reads them; ASCII the same either way.
  return (lastTransferSyntax = LATIN1_DECODER.decode(bytes.subarray(start, end)));
}

/** Largest inflated dataset read for its header: a deflate bomb stops here (finding F5). */
export const MAX_INFLATED_HEADER_BYTES = 64 * 2 ** 20;

/**
 * A deflated dataset's header, inflating only as much as it needs: a growing prefix of the
 * compressed bytes is inflated (a truncated stream is fine with Z_SYNC_FLUSH) and parsed until the
 * header ends (pixel data reached, or the stream's end), the output bounded by
 * MAX_INFLATED_HEADER_BYTES — a 1 MB file that inflates to 1 GB costs at most that.
 */
function parseDeflated(
  compressed: Uint8Array,
  encoding: Encoding,
  options: ParseOptions,
  elements: ElementList<RawElement>,
  offset: number,
): PixelDataLocation | undefined {
  // What the elements held before (file meta) stays; each try's dataset elements go after it.
  const kept = elements.size;
  // From 4 KB of compressed bytes: deflate expands at most ~1,032×, so the first step stays under the bound.
  for (let length = Math.min(compressed.length, 4 * 1024); ; length = Math.min(compressed.length, length * 4)) {
    const whole = length >= compressed.length;
    let inflated: Uint8Array;
    try {
      inflated = inflateRawSync(compressed.subarray(0, length), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: MAX_INFLATED_HEADER_BYTES });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        throw new DamagedData(`deflated dataset inflates past ${MAX_INFLATED_HEADER_BYTES} bytes before its header ends`, offset);
      throw new DamagedData(`deflated data cannot be inflated (${(error as Error).message})`, offset);
    }
    elements.truncate(kept);
    try {
      const location = parseDataset(new DatasetReader(inflated, whole), 0, encoding, options, elements);
      return location && !whole ? wholePixelData(location, compressed, offset) : location;
    } catch (error) {
      if (!(error instanceof NeedMoreBytes) || whole) throw error;
      if (inflated.length >= MAX_INFLATED_HEADER_BYTES)
        throw new DamagedData(`deflated dataset inflates past ${MAX_INFLATED_HEADER_BYTES} bytes before its header ends`, offset);
    }
  }
}

/**
 * Pixel data found in a partly inflated dataset: its bytes are inflated in full only when an image
 * reader asks for them (`dataset`), bounded by what the element announces; header reads never do.
 */
function wholePixelData(found: PixelDataLocation, compressed: Uint8Array, offset: number): PixelDataLocation {
  let dataset: Uint8Array | undefined;
  const announced = found.length === 0xffffffff ? Number.POSITIVE_INFINITY : found.valueOffset + found.length;
  return {
    valueOffset: found.valueOffset,
    length: found.length,
    littleEndian: found.littleEndian,
    get dataset(): Uint8Array {
      if (dataset) return dataset;
      try {
        dataset = inflateRawSync(compressed, { maxOutputLength: Math.min(announced + (1 << 20), MAX_INFLATED_PIXEL_BYTES) });
      } catch (error) {
        throw new DamagedData(`deflated pixel data cannot be inflated (${(error as Error).message})`, offset);
      }
      return dataset;
    },
  };
}

/** Largest deflated dataset inflated for its pixels (image features). */
const MAX_INFLATED_PIXEL_BYTES = 2 ** 30;

const isCapital = (byte: number) => byte >= 0x41 && byte <= 0x5a;

/** Whether a plausible VR (two capitals) follows the first tag of the dataset. */
function looksExplicit(reader: ByteReader, offset: number): boolean {
  reader.ensure(offset + 4, 2);
  return isCapital(reader.bytes[offset + 4]!) && isCapital(reader.bytes[offset + 5]!);
}
