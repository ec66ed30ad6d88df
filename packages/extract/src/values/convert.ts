/**
 * Raw element → its values as text, one converter per VR kind (pydicom's `values.py` table).
 * Text keeps what the file says (`4.32` stays `4.32`); binary numbers are written as pydicom
 * prints them (floats with a decimal point: `800.0`).
 */
import { TextDecoder } from 'node:util';
import type { RawElement } from '../reader/parse.js';
import { LATIN1 } from './charset.js';

const TEXT_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);
/** VRs that are one value whatever backslashes they contain. */
const SINGLE_VALUE_TEXT = new Set(['LT', 'ST', 'UT', 'UR']);

/** Python's float repr for the common cases: integers keep `.0`. */
export function formatFloat(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return `${value}.0`;
  return String(value);
}

function binaryValues(element: RawElement, vr: string): string[] {
  const { value, littleEndian } = element;
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const readers: Record<string, [number, (offset: number) => string]> = {
    US: [2, (o) => String(view.getUint16(o, littleEndian))],
    SS: [2, (o) => String(view.getInt16(o, littleEndian))],
    UL: [4, (o) => String(view.getUint32(o, littleEndian))],
    SL: [4, (o) => String(view.getInt32(o, littleEndian))],
    FL: [4, (o) => formatFloat(Math.fround(view.getFloat32(o, littleEndian)))],
    FD: [8, (o) => formatFloat(view.getFloat64(o, littleEndian))],
  };
  const reader = readers[vr];
  if (!reader) return [];
  const [size, read] = reader;
  const values: string[] = [];
  for (let offset = 0; offset + size <= value.length; offset += size) values.push(read(offset));
  return values;
}

/**
 * The values of an element. `vr` overrides the element's own (the dictionary VR for UN private
 * tags); `decoder` decodes text of the dataset's character set.
 */
export function elementValues(element: RawElement, decoder: TextDecoder = LATIN1, vr = element.vr === 'UN' ? 'UN' : element.vr): string[] {
  if (element.value.length === 0) return [];
  if (TEXT_VRS.has(vr) || vr === 'UN') {
    // Character sets only apply to text VRs that may hold them; UIDs and codes are ASCII.
    const text = (['LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT'].includes(vr) ? decoder : LATIN1).decode(element.value);
    const cleaned = text.replace(/[\0 ]+$/, '');
    const parts: string[] = SINGLE_VALUE_TEXT.has(vr) ? [cleaned] : cleaned.split('\\');
    return parts.map((part) => part.trim());
  }
  return binaryValues(element, vr);
}
