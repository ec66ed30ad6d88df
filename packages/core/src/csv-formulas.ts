/**
 * Spreadsheet-safe CSV/TSV: a cell whose text starts with `=`, `+`, `-`, `@`, tab or carriage
 * return is a formula to Excel, LibreOffice and Google Sheets, and DICOM text (descriptions, IDs)
 * reaches our tables unchecked. Such a cell is written with a leading `'` (OWASP's advice), which
 * MSC's own readers take off again, so tables round-trip. Numbers (`-0.5`, `-1 0 0`) and the
 * missing marker `-` are left as they are. `keep` (`--csv-formulas keep`) writes cells raw.
 */
export type CsvFormulaPolicy = 'escape' | 'keep';

export const CSV_FORMULA_POLICIES: readonly CsvFormulaPolicy[] = ['escape', 'keep'];

let policy: CsvFormulaPolicy = 'escape';

/** Set by the CLI kit from `--csv-formulas`; library users may call it too. */
export function setCsvFormulaPolicy(next: CsvFormulaPolicy): void {
  policy = next;
}

export function csvFormulaPolicy(): CsvFormulaPolicy {
  return policy;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBERS = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?(\s+[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)*$/;

/** The text as written under the policy. */
export function escapeCsvFormula(text: string): string {
  if (policy === 'keep' || text === '-' || !FORMULA_START.test(text) || NUMBERS.test(text)) return text;
  return `'${text}`;
}

/** A cell as read: the writer's leading `'` before a formula character taken off. */
export function unescapeCsvFormula(text: string): string {
  return text.charCodeAt(0) === 39 && FORMULA_START.test(text.slice(1, 2)) && !NUMBERS.test(text.slice(1)) && text !== "'-" ? text.slice(1) : text;
}
