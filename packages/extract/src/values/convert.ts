/**
 * Raw element → its values as text, one converter per VR kind (pydicom's `values.py` table).
 * Text keeps what the file says (`4.32` stays `4.32`); binary numbers are written as pydicom
 * prints them (floats with a decimal point: `800.0`).
 */
import { TextDecoder } from 'node:util';
import { SpanElement, type RawElement } from '../reader/parse.js';
import { LATIN1 } from './charset.js';

const TEXT_VRS = ['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT'];
/** VRs that are one value whatever backslashes they contain. */
const SINGLE_VALUE_TEXT = ['LT', 'ST', 'UT', 'UR'];
/** VRs whose text may be in the dataset's character set; UIDs, codes and numbers are ASCII. */
const CHARSET_VRS = ['LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT'];
const TEXT = 1;
const SINGLE_VALUE = 2;
const CHARSET = 4;
/**
 * Per VR by its two character codes (first high), what it is (TEXT, SINGLE_VALUE, CHARSET bits; 0 for
 * the others): one array read per value, no hashing of the VR string.
 */
const TEXT_VR_KINDS = new Uint8Array(1 << 16);
for (const vr of TEXT_VRS)
  TEXT_VR_KINDS[(vr.charCodeAt(0) << 8) | vr.charCodeAt(1)] =
    TEXT | (SINGLE_VALUE_TEXT.includes(vr) ? SINGLE_VALUE : 0) | (CHARSET_VRS.includes(vr) ? CHARSET : 0);

/** What a text VR is (TEXT, SINGLE_VALUE, CHARSET bits), 0 for any other VR (UN included). */
const textKind = (vr: string): number => (vr.length === 2 ? TEXT_VR_KINDS[(vr.charCodeAt(0) << 8) | vr.charCodeAt(1)]! : 0);

/** Python's float repr for the common cases: integers keep `.0`. */
export function formatFloat(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return `${value}.0`;
  return String(value);
}

/**
 * No values, as an array of the kind the others are: an empty literal is another kind of array, and
 * the code handling values would meet one more shape (and be compiled again when it turns up).
 */
export function noValues(): string[] {
  const values = [''];
  values.length = 0;
  return values;
}

type BinaryReader = (view: DataView, offset: number, littleEndian: boolean) => string;

const BINARY_READERS: Record<string, [number, BinaryReader]> = {
  US: [2, (view, o, le) => String(view.getUint16(o, le))],
  SS: [2, (view, o, le) => String(view.getInt16(o, le))],
  UL: [4, (view, o, le) => String(view.getUint32(o, le))],
  SL: [4, (view, o, le) => String(view.getInt32(o, le))],
  FL: [4, (view, o, le) => formatFloat(Math.fround(view.getFloat32(o, le)))],
  FD: [8, (view, o, le) => formatFloat(view.getFloat64(o, le))],
};

function binaryValues(element: RawElement, vr: string): string[] {
  const reader = BINARY_READERS[vr];
  if (!reader) return noValues();
  const { littleEndian } = element;
  let view: DataView;
  let start = 0;
  if (element instanceof SpanElement) {
    view = element.source.view;
    start = element.offset;
  } else view = new DataView(element.value.buffer, element.value.byteOffset, element.value.byteLength);
  const end = start + byteLength(element);
  const [size, read] = reader;
  const values: string[] = [];
  for (let offset = start; offset + size <= end; offset += size) values.push(read(view, offset, littleEndian));
  return values;
}

/** The value's length, without making a view of it. */
const byteLength = (element: RawElement) => (element instanceof SpanElement ? element.length : element.value.length);

/**
 * An element's bytes → text, trailing NUL and space padding stripped (as pydicom strips it).
 * Latin-1 text is mapped byte for byte (ISO 8859-1, as Python decodes it; WHATWG's "latin1" label
 * would be windows-1252), as are ASCII bytes of any set; other sets' text goes through the decoder.
 * An element read straight from a file's bytes is a slice of their one decoded string.
 */
function decodeText(element: RawElement, decoder: TextDecoder): string {
  const span = element instanceof SpanElement ? element : undefined;
  const bytes = span ? span.source.bytes : element.value;
  const start = span ? span.offset : 0;
  let end = span ? start + span.length : bytes.length;
  while (end > start && (bytes[end - 1] === 0 || bytes[end - 1] === 0x20)) end--;
  if (decoder !== LATIN1 && !isAscii(bytes, start, end)) return decoder.decode(bytes.subarray(start, end));
  if (span) return span.source.latin1(start, end);
  if (end > 64) return Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1');
  let text = '';
  for (let i = 0; i < end; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

/**
 * The values of an element. `vr` overrides the element's own (the dictionary VR for UN private
 * tags); `decoder` decodes text of the dataset's character set.
 */
export function elementValues(element: RawElement, decoder: TextDecoder = LATIN1, vr = element.vr === 'UN' ? 'UN' : element.vr): string[] {
  if (byteLength(element) === 0) return noValues();
  const kind = textKind(vr) || (vr === 'UN' ? TEXT : 0);
  if (kind !== 0) {
    const cleaned = decodeText(element, kind & CHARSET ? decoder : LATIN1);
    if (kind & SINGLE_VALUE) return [cleaned.trim()];
    if (!cleaned.includes('\\')) return [cleaned.trim()];
    // Trimmed in place, not by `map`: optimized code's `map` makes a holey array, and the readers of
    // values would meet a second array shape (and be compiled again) when it first turns up.
    const values = cleaned.split('\\');
    for (let i = 0; i < values.length; i++) values[i] = values[i]!.trim();
    return values;
  }
  return binaryValues(element, vr);
}

/** Scratch bytes of `spacedLatin1`, grown to the longest value met. */
let spacedBytes = Buffer.allocUnsafe(256);

/** Bytes [start, end) as ISO 8859-1 text with each backslash (value separator) made a space. */
function spacedLatin1(bytes: Uint8Array, start: number, end: number): string {
  const length = end - start;
  if (length > spacedBytes.length) spacedBytes = Buffer.allocUnsafe(length * 2);
  for (let i = 0; i < length; i++) {
    const byte = bytes[start + i]!;
    spacedBytes[i] = byte === 0x5c ? 0x20 : byte;
  }
  return spacedBytes.toString('latin1', 0, length);
}

/**
 * Multi-valued text with a value that trimming would empty or change at its backslash side (a
 * leading or trailing empty value, two backslashes together, blanks next to a backslash): `\s` is
 * the set `trim` takes off.
 */
const EMPTY_OR_BLANK_EDGED_VALUE = /^\s*\\|\\\s*$|\s\\|\\\s|\\\\/;

/**
 * An element's values joined by a space, as a table cell holds them, when it is text in a VR that
 * states its form (not OB, OW, UN): each value trimmed, empty ones left out (`''` when none).
 * Undefined otherwise (binary numbers, opaque VRs: `elementValuesAs` reads those). The values
 * `elementValuesAs` gives, joined, without an array for the common one-value case.
 */
export function joinedTextValues(element: RawElement, decoder: TextDecoder): string | undefined {
  const { vr } = element;
  const kind = textKind(vr);
  if (kind === 0) return undefined;
  if (byteLength(element) === 0) return '';
  const textDecoder = kind & CHARSET ? decoder : LATIN1;
  const text = decodeText(element, textDecoder);
  if (kind & SINGLE_VALUE || !text.includes('\\')) return text.trim();
  // No value empty or blank-edged: trimming the whole and spacing the backslashes gives the same.
  if (!EMPTY_OR_BLANK_EDGED_VALUE.test(text)) {
    // Text read byte for byte: spaced from its bytes (a third of `replaceAll`'s time on these short strings).
    if (element instanceof SpanElement && textDecoder === LATIN1)
      return spacedLatin1(element.source.bytes, element.offset, element.offset + text.length).trim();
    return text.trim().replaceAll('\\', ' ');
  }
  let joined = '';
  for (const part of text.split('\\')) {
    const value = part.trim();
    if (value !== '') joined = joined === '' ? value : `${joined} ${value}`;
  }
  return joined;
}

/** Longest value a `LastValue` keeps (longer ones are read each time). */
const MAX_MEMO_BYTES = 256;

/**
 * What the row code last made of the element at one place (a column, a key): the element's bytes,
 * VR, byte order and the context the result depends on (a decoder, a check), and the result. Files of a series
 * repeat most values byte for byte, and comparing a value's few bytes costs less than decoding,
 * trimming and checking them again (and the result is one string, not a slice of each header's text).
 */
export class LastValue<T, C = unknown> {
  private bytes = new Uint8Array(16);
  private view = new DataView(this.bytes.buffer);
  private length = -1;
  private vr = '';
  /** Binary numbers read differently in the other byte order. */
  private littleEndian = true;
  private context: C | undefined = undefined;
  private result: T | undefined = undefined;

  /** `make(element, context)`, or the last result when `element` has the last element's bytes, VR, byte order and `context`. */
  of(element: RawElement, context: C, make: (element: RawElement, context: C) => T): T {
    if (!(element instanceof SpanElement)) return make(element, context);
    const { length, offset } = element;
    const source = element.source.bytes;
    if (
      length === this.length &&
      element.vr === this.vr &&
      element.littleEndian === this.littleEndian &&
      context === this.context &&
      this.same(element.source.view, offset, length)
    )
      return this.result as T;
    let result = make(element, context);
    if (length <= MAX_MEMO_BYTES) {
      if (typeof result === 'string') result = detached(result) as T;
      if (length > this.bytes.length) {
        this.bytes = new Uint8Array(MAX_MEMO_BYTES);
        this.view = new DataView(this.bytes.buffer);
      }
      this.bytes.set(source.subarray(offset, offset + length));
      this.length = length;
      this.vr = element.vr;
      this.littleEndian = element.littleEndian;
      this.context = context;
      this.result = result;
    }
    return result;
  }

  /** Whether `source`'s bytes [offset, offset + length) are the kept ones: four at a time, then one by one. */
  private same(source: DataView, offset: number, length: number): boolean {
    const { view } = this;
    let i = 0;
    for (; i + 4 <= length; i += 4) if (source.getUint32(offset + i) !== view.getUint32(i)) return false;
    for (; i < length; i++) if (source.getUint8(offset + i) !== view.getUint8(i)) return false;
    return true;
  }
}

/**
 * Text that keeps no header alive: V8 makes a slice of 13 characters or more a view of the string
 * it was cut from (here a whole header's text), and a kept result outlives its file.
 */
function detached(text: string): string {
  return text.length < 13 ? text : `${text} `.slice(0, -1);
}

/** `joinedTextValues`, through the column's `LastValue`. */
export function lastJoinedText(memo: LastValue<string | undefined, TextDecoder>, element: RawElement, decoder: TextDecoder): string | undefined {
  return memo.of(element, decoder, joinedTextValues);
}

const NUMBER_TEXT_VRS = new Set(['IS', 'DS']);

/** VRs that say nothing of a value's form: implicit files (UN) and anonymizers that rewrite private elements (OB, OW). */
const OPAQUE_VRS = new Set(['OB', 'OW', 'UN']);

/** Number text: digits, sign, point, exponent, blanks and backslashes, NUL or space padded; at least one digit. */
function isNumberText(bytes: Uint8Array): boolean {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0 || bytes[end - 1] === 0x20)) end--;
  let digit = false;
  for (let i = 0; i < end; i++) {
    const byte = bytes[i]!;
    if (byte >= 0x30 && byte <= 0x39) digit = true;
    else if (byte !== 0x20 && byte !== 0x2b && byte !== 0x2d && byte !== 0x2e && byte !== 0x5c && byte !== 0x45 && byte !== 0x65) return false;
  }
  return digit;
}

/**
 * The values of an element whatever VR it arrived with. A VR that states the value's form (IS, DS,
 * FL, FD, CS...) is the one read. An opaque one (OB, OW, UN) is read by the dictionary VR
 * `dictionaryVr`, except that number text inside it (`800 `, what an anonymizer's OB holds) is read
 * as text even where the dictionary says FL or FD: binary floats of real values are not text.
 */
export function elementValuesAs(element: RawElement, decoder: TextDecoder, dictionaryVr: string): string[] {
  if (!OPAQUE_VRS.has(element.vr)) return elementValues(element, decoder, element.vr);
  const numberText = isNumberText(element.value);
  const binary = BINARY_READERS[dictionaryVr];
  if (binary) {
    if (numberText) return elementValues(element, decoder, 'DS');
    // Binary numbers fill the value exactly; any other length is not this element's form.
    return byteLength(element) % binary[0] === 0 ? elementValues(element, decoder, dictionaryVr) : noValues();
  }
  // Numbers the dictionary says are text, held as bytes that are no number text: nothing to read.
  if (NUMBER_TEXT_VRS.has(dictionaryVr) && !numberText) return noValues();
  return elementValues(element, decoder, dictionaryVr);
}
