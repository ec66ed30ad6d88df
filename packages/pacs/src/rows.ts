/**
 * PACS JSON → the instance rows msc-extract makes from files. The JSON's elements are turned back
 * into the raw elements the file reader would have produced and handed to extract's `instanceRow`,
 * so every rule (missing `-`, multi-values, vendor b-values, dates stripped from descriptions,
 * SEG/SR skipped) is the one code path.
 *
 * - Orthanc `instances-tags?short`: `{"gggg,eeee": "text" | null | [sequence items]}`; text as in
 *   the file (UTF-8), binary VRs as decimal text; `null` for values it cannot show (VR UN, e.g.
 *   private b-values of implicit-VR files), which must be fetched raw.
 * - DICOM JSON (PS3.18 F.2, DICOMweb): `{"ggggeeee": {vr, Value | InlineBinary | BulkDataURI}}`;
 *   DS and IS come as JSON numbers (their written form — `93.000000` — is not kept; the numbers
 *   are), binary VRs as numbers, UN as inline or bulk bytes.
 */
import { BVALUE_SOURCE_COLUMNS, DICOM_COLUMNS, type ColumnSpec, type InstanceRow } from '@msc/core';
import { HEADER_OPTIONS, instanceRow, type InstanceOutcome, type KeepOptions, type RawElement } from '@msc/extract';

const SPECIFIC_CHARACTER_SET = 0x00080005;
/** JSON text is Unicode: the rebuilt header says UTF-8, whatever the file said. */
const UTF8_CHARSET: RawElement = { tag: SPECIFIC_CHARACTER_SET, vr: 'CS', value: new TextEncoder().encode('ISO_IR 192'), littleEndian: true };
const PRIVATE_COLUMNS = DICOM_COLUMNS.filter((spec) => spec.privateCreator);
const PRIVATE_GROUPS = new Set(PRIVATE_COLUMNS.map((spec) => spec.tag!.group));
const STANDARD_COLUMNS_BY_TAG = new Map(
  DICOM_COLUMNS.filter((spec) => !spec.privateCreator).map((spec) => [((spec.tag!.group << 16) | spec.tag!.element) >>> 0, spec.name]),
);
const BINARY_SIZES: Record<string, number> = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8 };
const BVALUE_COLUMNS = new Set<string>(BVALUE_SOURCE_COLUMNS);
const IMAGE_TYPE = 0x00080008;
const CSA_COLUMN = 'diffusion_bvalue_csa';
const SIEMENS_BVALUE_COLUMN = 'diffusion_bvalue_siemens';
const NO_BYTES = new Uint8Array(0);

/** A sequence the reader reads item by item (enhanced multi-frame functional groups), as the file reader builds it. */
function sequenceElement(tag: number, items: ReadonlyMap<number, RawElement>[]): RawElement {
  return { tag, vr: 'SQ', value: NO_BYTES, littleEndian: true, items };
}

/** An Orthanc sequence (a list of items) as the file reader builds it. */
function orthancSequence(tag: number, items: readonly unknown[], options: KeepOptions): RawElement {
  return sequenceElement(
    tag,
    items.map((item) => orthancItem(item as Record<string, unknown>, options)),
  );
}

/** The kept elements of a sequence item (nested: no private columns, no raw fetches). */
function orthancItem(tags: Readonly<Record<string, unknown>>, options: KeepOptions): Map<number, RawElement> {
  const elements = new Map<number, RawElement>();
  for (const [key, value] of Object.entries(tags)) {
    const tag = parseTagKey(key);
    const nested = options.sequences?.get(tag);
    if (nested) {
      if (Array.isArray(value)) elements.set(tag, orthancSequence(tag, value, nested));
      continue;
    }
    const vr = HEADER_OPTIONS.vrOf(tag);
    if (!options.keep(tag) || !vr || typeof value !== 'string') continue;
    elements.set(tag, orthancValue(tag, vr, value));
  }
  return elements;
}

function orthancValue(tag: number, vr: string, value: string): RawElement {
  return BINARY_SIZES[vr] !== undefined ? binaryElement(tag, vr, value === '' ? [] : value.split('\\').map(Number)) : textElement(tag, vr, value);
}

function dicomJsonItem(dataset: Readonly<Record<string, DicomJsonElement>>, options: KeepOptions): Map<number, RawElement> {
  const elements = new Map<number, RawElement>();
  for (const [key, element] of Object.entries(dataset)) {
    const tag = parseTagKey(key);
    const nested = options.sequences?.get(tag);
    if (nested) {
      if (Array.isArray(element.Value))
        elements.set(
          tag,
          sequenceElement(
            tag,
            element.Value.map((item) => dicomJsonItem(item as Record<string, DicomJsonElement>, nested)),
          ),
        );
      continue;
    }
    const vr = element.vr ?? HEADER_OPTIONS.vrOf(tag);
    if (!options.keep(tag) || !vr || vr === 'SQ') continue;
    const value = dicomJsonValue(tag, vr, element);
    if (value) elements.set(tag, value);
  }
  return elements;
}

/** An element with its value in the JSON (undefined for bulk data, which must be fetched). */
function dicomJsonValue(tag: number, vr: string, element: DicomJsonElement): RawElement | undefined {
  if (element.BulkDataURI !== undefined) return undefined;
  if (element.InlineBinary !== undefined) return rawElement(tag, new Uint8Array(Buffer.from(element.InlineBinary, 'base64')));
  const values = element.Value ?? [];
  if (BINARY_SIZES[vr] !== undefined)
    return binaryElement(
      tag,
      vr,
      values.filter((value) => typeof value === 'number'),
    );
  return textElement(tag, vr, values.map((value) => jsonText(value, vr)).join('\\'));
}
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** An element the JSON did not carry and that must be fetched as raw bytes. */
export interface MissingElement {
  tag: number;
  /** The table column it fills. */
  column: string;
  /** DICOMweb: where the bytes are. */
  bulkDataUri?: string;
  /**
   * DICOMweb: the element is absent although its private creator is there. Some servers leave out
   * binary UN elements (Orthanc's DICOMweb plugin drops a Philips FL b-value stored as UN); the
   * instance's own header must be read to know.
   */
  dropped?: boolean;
}

/** The instance's elements so far, and the ones still to fetch. */
export interface PartialHeader {
  elements: Map<number, RawElement>;
  missing: MissingElement[];
}

/** `0019,100c` / `0019100C` → 0x0019100c. */
export function parseTagKey(key: string): number {
  return Number.parseInt(key.replace(',', ''), 16) >>> 0;
}

/** `0x0019100c` → `0019-100c`, as Orthanc's `content/` route spells tags. */
export function orthancTagPath(tag: number): string {
  const hex = tag.toString(16).padStart(8, '0');
  return `${hex.slice(0, 4)}-${hex.slice(4)}`;
}

const isCreatorTag = (tag: number) => PRIVATE_GROUPS.has(tag >>> 16) && (tag & 0xffff) >= 0x0010 && (tag & 0xffff) <= 0x00ff;
const isStandardColumnTag = (tag: number) => (tag >>> 16) % 2 === 0 && HEADER_OPTIONS.keep(tag);

/**
 * Tags of the vendor b-value elements in this instance: their creator's block decides the element
 * (the first block reserving a creator wins, as in the file reader).
 */
function privateColumnTags(creators: readonly [number, string][]): Map<number, ColumnSpec> {
  const blocks = new Map<string, number>();
  for (const [tag, creator] of [...creators].sort((a, b) => a[0] - b[0])) {
    const key = `${tag >>> 16} ${creator.trim()}`;
    if (!blocks.has(key)) blocks.set(key, tag & 0xff);
  }
  const tags = new Map<number, ColumnSpec>();
  for (const spec of PRIVATE_COLUMNS) {
    const block = blocks.get(`${spec.tag!.group} ${spec.privateCreator}`);
    if (block !== undefined) tags.set(((spec.tag!.group << 16) | (block << 8) | (spec.tag!.element & 0xff)) >>> 0, spec);
  }
  return tags;
}

function textElement(tag: number, vr: string, text: string): RawElement {
  return { tag, vr, value: encoder.encode(text), littleEndian: true };
}

function binaryElement(tag: number, vr: string, numbers: readonly number[]): RawElement {
  const size = BINARY_SIZES[vr]!;
  const value = new Uint8Array(numbers.length * size);
  const view = new DataView(value.buffer);
  numbers.forEach((number, i) => {
    const offset = i * size;
    if (vr === 'US') view.setUint16(offset, number, true);
    else if (vr === 'SS') view.setInt16(offset, number, true);
    else if (vr === 'UL') view.setUint32(offset, number, true);
    else if (vr === 'SL') view.setInt32(offset, number, true);
    else if (vr === 'FL') view.setFloat32(offset, number, true);
    else view.setFloat64(offset, number, true);
  });
  return { tag, vr, value, littleEndian: true };
}

/** Raw bytes fetched for an element: VR UN, so the reader applies the column's own VR. */
export function rawElement(tag: number, bytes: Uint8Array): RawElement {
  return { tag, vr: 'UN', value: bytes, littleEndian: true };
}

/** The dictionary VR of a tag the rows use (standard column, private creator or vendor b-value). */
function vrOf(tag: number, privateTags: ReadonlyMap<number, ColumnSpec>): string | undefined {
  return privateTags.get(tag)?.vr ?? HEADER_OPTIONS.vrOf(tag);
}

/** Orthanc `instances-tags?short` of one instance → its elements, and what Orthanc showed as null. */
export function headerFromOrthanc(tags: Readonly<Record<string, unknown>>): PartialHeader {
  const entries: [number, unknown][] = Object.entries(tags).map(([key, value]) => [parseTagKey(key), value]);
  const creators = entries.filter(([tag, value]) => isCreatorTag(tag) && typeof value === 'string') as [number, string][];
  const privateTags = privateColumnTags(creators);
  const elements = new Map<number, RawElement>();
  const missing: MissingElement[] = [];
  for (const [tag, value] of entries) {
    const nested = HEADER_OPTIONS.sequences?.get(tag);
    if (nested) {
      if (Array.isArray(value)) elements.set(tag, orthancSequence(tag, value, nested));
      continue;
    }
    if (!(isStandardColumnTag(tag) || privateTags.has(tag) || isCreatorTag(tag))) continue;
    const vr = vrOf(tag, privateTags);
    if (!vr) continue;
    if (value === null) {
      const column = privateTags.get(tag)?.name ?? STANDARD_COLUMNS_BY_TAG.get(tag);
      if (column) missing.push({ tag, column });
      continue;
    }
    if (typeof value !== 'string') continue; // a sequence no column reads
    elements.set(tag, orthancValue(tag, vr, value));
  }
  elements.set(SPECIFIC_CHARACTER_SET, UTF8_CHARSET);
  return { elements, missing: worthFetching(missing, elements, privateTags) };
}

/** One DICOM JSON element (PS3.18 F.2.2). */
export interface DicomJsonElement {
  vr?: string;
  Value?: unknown[];
  InlineBinary?: string;
  BulkDataURI?: string;
}

function jsonText(item: unknown, vr: string): string {
  if (item === null || item === undefined) return '';
  if (vr === 'PN' && typeof item === 'object') return String((item as { Alphabetic?: unknown }).Alphabetic ?? '');
  return String(item);
}

/** A DICOMweb metadata object of one instance → its elements, and what is behind a BulkDataURI. */
export function headerFromDicomJson(dataset: Readonly<Record<string, DicomJsonElement>>): PartialHeader {
  const entries: [number, DicomJsonElement][] = Object.entries(dataset).map(([key, value]) => [parseTagKey(key), value]);
  const creators: [number, string][] = [];
  for (const [tag, element] of entries) {
    if (isCreatorTag(tag) && element.Value && typeof element.Value[0] === 'string') creators.push([tag, element.Value[0]]);
  }
  const privateTags = privateColumnTags(creators);
  const elements = new Map<number, RawElement>();
  const missing: MissingElement[] = [];
  for (const [tag, element] of entries) {
    const nested = HEADER_OPTIONS.sequences?.get(tag);
    if (nested) {
      if (Array.isArray(element.Value))
        elements.set(
          tag,
          sequenceElement(
            tag,
            element.Value.map((item) => dicomJsonItem(item as Record<string, DicomJsonElement>, nested)),
          ),
        );
      continue;
    }
    if (!(isStandardColumnTag(tag) || privateTags.has(tag) || isCreatorTag(tag))) continue;
    const column = privateTags.get(tag)?.name ?? STANDARD_COLUMNS_BY_TAG.get(tag);
    const vr = element.vr ?? vrOf(tag, privateTags) ?? 'UN';
    if (vr === 'SQ') continue;
    if (element.BulkDataURI !== undefined) {
      if (column) missing.push({ tag, column, bulkDataUri: element.BulkDataURI });
      continue;
    }
    elements.set(tag, dicomJsonValue(tag, vr, element)!);
  }
  // Binary vendor b-values (Philips FL) are written in every image of a series that reserves their
  // block; absent from the JSON, they were dropped by the server, not by the scanner. (Not so the
  // binary directions, which only diffusion-weighted images hold.)
  for (const [tag, spec] of privateTags) {
    if (BVALUE_COLUMNS.has(spec.name) && BINARY_SIZES[spec.vr!] !== undefined && !elements.has(tag) && !missing.some((item) => item.tag === tag))
      missing.push({ tag, column: spec.name, dropped: true });
  }
  elements.set(SPECIFIC_CHARACTER_SET, UTF8_CHARSET);
  return { elements, missing: worthFetching(missing, elements, privateTags) };
}

/**
 * What is left to fetch, without the CSA image header unless the instance shows diffusion (a
 * Siemens B_value element, or DIFFUSION in ImageType). Every Siemens image holds that header and
 * PACS show none of it, so fetching it always would cost one request per image of every series;
 * images without diffusion have no B_value in it.
 */
function worthFetching(missing: MissingElement[], elements: ReadonlyMap<number, RawElement>, privateTags: ReadonlyMap<number, ColumnSpec>): MissingElement[] {
  if (!missing.some((item) => item.column === CSA_COLUMN)) return missing;
  const siemensBValue = [...privateTags].some(
    ([tag, spec]) => spec.name === SIEMENS_BVALUE_COLUMN && (elements.has(tag) || missing.some((item) => item.tag === tag)),
  );
  const imageType = elements.get(IMAGE_TYPE);
  const diffusionImage = imageType !== undefined && /(^|\\)DIFFUSION(\\|$)/.test(decoder.decode(imageType.value));
  return siemensBValue || diffusionImage ? missing : missing.filter((item) => item.column !== CSA_COLUMN);
}

/** The instance row (or why it is skipped), once the missing elements are filled in. */
export function rowFromHeader(header: PartialHeader, source: string): InstanceOutcome {
  return instanceRow({ transferSyntaxUid: undefined, hasPreamble: false, elements: header.elements }, source);
}

export type { InstanceRow };
