/**
 * Value rules shared by extraction, reduction and featurization (docs/behaviour.md §1–3).
 */
import { columnSpec } from './dicom/tags.js';
import { MISSING, type Cell } from './types.js';

/** True for cells the original treats as missing: null, NaN, empty text, `-`, `nan`. */
export function isMissing(cell: Cell | undefined): boolean {
  if (cell === null || cell === undefined) return true;
  if (typeof cell === 'number') return Number.isNaN(cell);
  const text = cell.trim();
  // Lower-cased only when it could be 'nan' (lower-casing every UID made a copy of it).
  return text === '' || text === MISSING || (text.length === 3 && text.toLowerCase() === 'nan');
}

/**
 * The form a value takes inside a reduced (series) cell: `\` and `;` become spaces, runs of white
 * space become one space, missing becomes `-`.
 */
export function normalizeForReduction(cell: Cell | undefined): string {
  // Most cells are already in normal form; checking is far cheaper than the regex rewrite.
  if (typeof cell === 'string' && isNormalText(cell)) return cell;
  if (isMissing(cell)) return MISSING;
  const text = String(cell).replace(/[\\;]/g, ' ').replace(/\s+/g, ' ').trim();
  return text === '' ? MISSING : text;
}

/**
 * True when `normalizeForReduction` would return the text unchanged: not missing, no `\` or `;`,
 * single inner spaces only, nothing at the edges. Unsure cases (other white space) answer false.
 */
function isNormalText(text: string): boolean {
  const n = text.length;
  if (n === 0 || text === MISSING || (n === 3 && text.toLowerCase() === 'nan')) return false;
  let previousSpace = true;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      if (previousSpace) return false;
      previousSpace = true;
      continue;
    }
    if (
      c < 32 ||
      c === 92 ||
      c === 59 ||
      c === 0xa0 ||
      c === 0x1680 ||
      (c >= 0x2000 && c <= 0x200a) ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0x202f ||
      c === 0x205f ||
      c === 0x3000 ||
      c === 0xfeff
    )
      return false;
    previousSpace = false;
  }
  return !previousSpace;
}

/** Parses a whole cell as one decimal number (DS/IS/FD text), else NaN. */
export function parseNumber(text: string): number {
  return isDecimalNumber(text) ? Number(text) : Number.NaN;
}

const isDigit = (code: number) => code >= 0x30 && code <= 0x39;

/**
 * Whether the text is one decimal number, `^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`, checked
 * character by character: a regular expression test per number was a fifth of featurizing a
 * table of distinct cells.
 */
function isDecimalNumber(text: string): boolean {
  const n = text.length;
  let i = 0;
  let code = text.charCodeAt(0);
  if (code === 0x2b || code === 0x2d) i += 1;
  const start = i;
  while (i < n && isDigit(text.charCodeAt(i))) i += 1;
  let digits = i - start;
  if (i < n && text.charCodeAt(i) === 0x2e) {
    i += 1;
    const fraction = i;
    while (i < n && isDigit(text.charCodeAt(i))) i += 1;
    digits += i - fraction;
  }
  if (digits === 0) return false;
  if (i === n) return true;
  code = text.charCodeAt(i);
  if (code !== 0x65 && code !== 0x45) return false;
  i += 1;
  code = text.charCodeAt(i);
  if (code === 0x2b || code === 0x2d) i += 1;
  const exponent = i;
  while (i < n && isDigit(text.charCodeAt(i))) i += 1;
  return i > exponent && i === n;
}

/**
 * The deterministic order of unique values in a reduced cell: values that are numbers first, in
 * numeric order (`0 50 400 1000`), then all other values in code-unit order; ties between
 * different spellings of one number (`1`, `1.0`) are broken by code-unit order. A total order, so
 * the result never depends on the order instances arrive in.
 */
export function compareReducedValues(a: string, b: string): number {
  const na = parseNumber(a);
  const nb = parseNumber(b);
  const aNum = !Number.isNaN(na);
  const bNum = !Number.isNaN(nb);
  if (aNum && bNum && na !== nb) return na < nb ? -1 : 1;
  if (aNum !== bNum) return aNum ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Cleans one cell before featurization (docs/behaviour.md §3): trimmed, lower-cased; a missing value takes the
 * column's default (`number_of_echos` 1, `number_of_temporal_positions` 1, `temporal_resolution`
 * 0, everything else `-`). Numbers pass through.
 */
export function cleanValue(column: string, cell: Cell | undefined): Cell {
  if (typeof cell === 'number' && !Number.isNaN(cell)) return cell;
  if (isMissing(cell)) return columnSpec(column)?.emptyDefault ?? MISSING;
  return String(cell).trim().toLowerCase();
}

// Dates (12/03/2021, 12.03.21, 2021-03-12, 2021/03/12) and times (10:22:31, 10:22, 10:22:31.123).
const DATE_TIME_PATTERN = /\b(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}|\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\b/g;

/** Removes dates and times from a series description (docs/behaviour.md §1) and tidies the spaces left behind. */
export function stripDatesAndTimes(text: string): string {
  return text.replace(DATE_TIME_PATTERN, ' ').replace(/\s+/g, ' ').trim();
}
