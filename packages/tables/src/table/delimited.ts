/**
 * CSV and TSV: streaming reader with a fast path for lines without quotes (split on the
 * separator, project columns, no per-character loop) and an RFC 4180 state machine for quoted
 * records (embedded separators, doubled quotes, line breaks). Writer quotes only when needed.
 */
import { createReadStream } from 'node:fs';
import { type Cell, MscError, type Row, errorMessage, escapeCsvFormula, rowReader, unescapeCsvFormula } from '@msc/core/lean';
import { normalizeColumnName } from './format.js';
import { projectColumns } from './projection.js';
import type { ColumnBatch, ReadTableOptions } from './types.js';

export interface ParsedRecord {
  fields: string[];
  /** Index just past the record's line break. */
  next: number;
}

/**
 * Parses one record starting at `start`. Returns null when the text ends before the record does
 * (more input needed), unless `atEnd`. `quote` is the position of the next `"` at or after `start`
 * (-1 for none): the caller keeps it so that quote-free text is searched once, not once per line.
 */
export function parseRecord(text: string, start: number, separator: string, atEnd: boolean, quote: number): ParsedRecord | null {
  const newline = text.indexOf('\n', start);
  const lineEnd = newline === -1 ? text.length : newline;
  if (newline === -1 && !atEnd) return null;
  if (quote === -1 || quote > lineEnd) {
    const end = lineEnd > start && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    return { fields: text.slice(start, end).split(separator), next: lineEnd + 1 };
  }
  // Slow path: a quoted field somewhere in the record.
  const fields: string[] = [];
  let field = '';
  let i = start;
  let inQuotes = false;
  let fieldStart = true;
  while (i < text.length) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        if (i + 1 >= text.length && !atEnd) return null; // cannot tell "" from " yet
        // RFC 4180: a closing quote ends the field. Anything else after it means the quote was
        // not the closing one: a stray quote earlier has swallowed text, maybe whole lines.
        const after = text[i + 1];
        if (after !== undefined && after !== separator && after !== '\n' && after !== '\r') {
          let lines = 0;
          for (let at = text.indexOf('\n', start); at !== -1 && at < i; at = text.indexOf('\n', at + 1)) lines += 1;
          throw new Error(
            `a quoted field ${lines > 0 ? `opened here ends ${lines} line(s) later` : 'ends'} at a quote followed by '${after}' (a stray quote? quotes inside a quoted field are written "")`,
          );
        }
        inQuotes = false;
        i += 1;
        continue;
      }
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && fieldStart) {
      inQuotes = true;
      fieldStart = false;
      i += 1;
      continue;
    }
    if (ch === separator) {
      fields.push(field);
      field = '';
      fieldStart = true;
      i += 1;
      continue;
    }
    if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      fields.push(field);
      return { fields, next: i + (ch === '\r' ? 2 : 1) };
    }
    if (ch === '\r' && i + 1 >= text.length && !atEnd) return null;
    field += ch;
    fieldStart = false;
    i += 1;
  }
  if (!atEnd) return null;
  if (inQuotes) throw new Error('a quoted field is not closed before the end of the file (a stray quote?)');
  fields.push(field);
  return { fields, next: text.length };
}

/** Streams a CSV/TSV file as column batches. */
export async function* readDelimited(path: string, separator: ',' | '\t', options: ReadTableOptions = {}): AsyncGenerator<ColumnBatch> {
  const batchSize = options.batchSize ?? 8192;
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let carry = '';
  let header: string[] | undefined;
  let picked: number[] = [];
  let columns: string[] = [];
  let data: string[][] = [];
  let length = 0;
  let line = 0;
  const fail = (message: string): never => {
    stream.destroy();
    throw new MscError('E_TABLE_FORMAT', `${path}: ${message}`, { path, hint: `check that the file is a valid ${separator === '\t' ? 'TSV' : 'CSV'} table` });
  };
  // Column arrays are preallocated per batch and filled by index (cheaper than push).
  const newColumns = (): string[][] => columns.map(() => new Array<string>(batchSize));
  const flush = (): ColumnBatch => {
    if (length < batchSize) for (const column of data) column.length = length;
    const batch = { columns, data, length };
    data = newColumns();
    length = 0;
    return batch;
  };

  const consume = function* (text: string, atEnd: boolean): Generator<ColumnBatch, number> {
    let position = 0;
    let quote = text.indexOf('"');
    while (position < text.length) {
      if (quote !== -1 && quote < position) quote = text.indexOf('"', position);
      let record: ParsedRecord | null;
      try {
        record = parseRecord(text, position, separator, atEnd, quote);
      } catch (error) {
        return fail(`line ${line + 1}: ${errorMessage(error)}`);
      }
      if (!record) break;
      const first = line + 1;
      // A quoted field may hold line breaks: count them so that messages name file lines.
      if (quote !== -1 && quote < record.next) {
        for (let at = text.indexOf('\n', position); at !== -1 && at < record.next; at = text.indexOf('\n', at + 1)) line += 1;
        if (text.charCodeAt(record.next - 1) !== 10) line += 1; // the last record, without a line break
      } else line += 1;
      position = record.next;
      const fields = record.fields;
      if (fields.length === 1 && fields[0] === '') continue; // blank line
      if (!header) {
        if (first === 1 && fields[0]!.charCodeAt(0) === 0xfeff) fields[0] = fields[0]!.slice(1);
        header = fields.map(normalizeColumnName);
        picked = projectColumns(header, options.columns);
        columns = picked.map((index) => header![index]!);
        assertUniqueColumns(columns, path);
        data = newColumns();
        continue;
      }
      if (fields.length !== header.length) {
        const where = line > first ? `the record on lines ${first}-${line} (a quoted field spans ${line - first + 1} lines: a stray quote?)` : `line ${first}`;
        fail(`${where} has ${fields.length} fields but the header has ${header.length}`);
      }
      for (let c = 0; c < picked.length; c++) data[c]![length] = unescapeCsvFormula(fields[picked[c]!] ?? '');
      length += 1;
      if (length >= batchSize) yield flush();
    }
    return position;
  };

  try {
    try {
      for await (const chunk of stream as AsyncIterable<string>) {
        const text = carry.length > 0 ? carry + chunk : chunk;
        const used = yield* consume(text, false);
        carry = text.slice(used);
      }
    } catch (error) {
      if (error instanceof MscError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new MscError('E_INPUT_NOT_FOUND', `no such file: ${path}`, { path, hint: 'check the path' });
      throw new MscError('E_TABLE_FORMAT', `cannot read ${path}: ${errorMessage(error)}`, {
        path,
        cause: error,
        hint: `check that the file is a readable ${separator === '\t' ? 'TSV' : 'CSV'} table`,
      });
    }
    yield* consume(carry, true);
    if (!header) fail('the file is empty (no header line)');
    if (length > 0) yield flush();
  } finally {
    // A reader that stops early (only the header wanted) closes the file.
    stream.destroy();
  }
}

/** A header naming one column twice (after normalisation: `Class` and `class`) is ambiguous: which cell is the value? */
export function assertUniqueColumns(header: readonly string[], path: string): void {
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) {
      throw new MscError('E_TABLE_FORMAT', `${path}: column "${name}" appears more than once in the header`, {
        path,
        hint: 'rename or remove the repeated column (names are compared trimmed and lower-cased, spaces as _)',
      });
    }
    seen.add(name);
  }
}

const NEEDS_QUOTES = { ',': /[",\r\n]/, '\t': /["\t\r\n]/ } as const;

/** One cell as CSV/TSV text: null → empty, numbers in shortest round-trip form, quoted when needed. */
export function formatDelimitedCell(cell: Cell | undefined, separator: ',' | '\t'): string {
  if (cell === null || cell === undefined) return '';
  // A number's text (digits, sign, point, exponent, Infinity, NaN) never needs quotes.
  if (typeof cell === 'number') return String(cell);
  const text = escapeCsvFormula(cell);
  return NEEDS_QUOTES[separator].test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function formatDelimitedLine(values: readonly (Cell | undefined)[], separator: ',' | '\t'): string {
  const plain = plainLine(values, separator);
  if (plain !== undefined) return plain;
  const cells = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    cells[i] = typeof value === 'string' && isPlainText(value, separator) ? value : formatDelimitedCell(value, separator);
  }
  return `${cells.join(separator)}\n`;
}

/** A quote or line break in a line: three native character scans, ≈ 5× faster than one regular expression test on a 600-character line. */
const hasQuoteOrLineBreak = (line: string) => line.includes('"') || line.includes('\n') || line.includes('\r');

/**
 * The line when no cell needs quoting (most rows), else undefined: one join and two native scans of
 * the line instead of a scan of each cell in JavaScript. Cells that are not text starting as text
 * does (numbers, empty cells, formula characters) are formatted first; a cell holding the
 * separator shows as one separator more than the join put in.
 */
function plainLine(values: readonly (Cell | undefined)[], separator: ',' | '\t'): string | undefined {
  let cells: (Cell | undefined)[] | undefined;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'string' || (value !== '-' && isFormulaStart(value.charCodeAt(0))))
      (cells ??= values.slice())[i] = formatDelimitedCell(value, separator);
  }
  const line = (cells ?? values).join(separator);
  if (hasQuoteOrLineBreak(line)) return undefined;
  let separators = 0;
  for (let at = line.indexOf(separator); at !== -1; at = line.indexOf(separator, at + 1)) separators++;
  return separators === values.length - 1 ? `${line}\n` : undefined;
}

/** = + - @ tab CR: formulas to a spreadsheet (escapeCsvFormula decides). */
const isFormulaStart = (code: number) => code === 0x3d || code === 0x2b || code === 0x2d || code === 0x40 || code === 0x09 || code === 0x0d;

/** Text written as it is, checked without a regular expression (most cells): no quote, separator or line break, no formula start. */
function isPlainText(text: string, separator: ',' | '\t'): boolean {
  if (text === '-') return true;
  if (isFormulaStart(text.charCodeAt(0))) return false;
  const split = separator.charCodeAt(0);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 || code === split || code === 0x0a || code === 0x0d) return false;
  }
  return true;
}

export function formatDelimitedRows(rows: readonly Row[], columns: readonly string[], separator: ',' | '\t'): string {
  const cellsOf = rowReader(columns);
  let text = '';
  for (const row of rows) text += formatDelimitedLine(cellsOf(row), separator);
  return text;
}
