/**
 * Errors a user can act on. Every error MSC raises on purpose is an `MscError` with a stable
 * `code`; the CLIs map codes to exit codes (see `exitCodeFor`) and print `message` (+ `hint`).
 */
export type MscErrorCode =
  /** A command-line flag or API argument is wrong (exit 2). */
  | 'E_USAGE'
  /** An input file does not exist or cannot be read (exit 3). */
  | 'E_INPUT_NOT_FOUND'
  /** A table's format or extension is not supported, or the file is malformed (exit 3). */
  | 'E_TABLE_FORMAT'
  /** A table lacks columns the operation needs (exit 3). */
  | 'E_MISSING_COLUMNS'
  /** Input data is present but unusable: empty table, one class only, bad values (exit 3). */
  | 'E_BAD_DATA'
  /** A DICOM file cannot be parsed (reported per file; exit 3 only when nothing could be read). */
  | 'E_DICOM_PARSE'
  /** A model file is missing, unreadable, or does not match the input (exit 4). */
  | 'E_MODEL'
  /** Writing an output failed (exit 5). */
  | 'E_OUTPUT'
  /** A configuration file (rules YAML, API config) is invalid (exit 2). */
  | 'E_CONFIG'
  /** A PACS (Orthanc, DICOMweb server) is unreachable, too slow, or answered with an error (exit 6). */
  | 'E_UPSTREAM';

export interface MscErrorOptions {
  /** What the user can do about it, printed on its own line. */
  hint?: string;
  /** A path the error is about (input file, output file, model). */
  path?: string;
  cause?: unknown;
}

export class MscError extends Error {
  readonly code: MscErrorCode;
  readonly hint: string | undefined;
  readonly path: string | undefined;

  constructor(code: MscErrorCode, message: string, options: MscErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MscError';
    this.code = code;
    this.hint = options.hint;
    this.path = options.path;
  }
}

export function isMscError(error: unknown): error is MscError {
  return error instanceof MscError;
}

/** Exit codes shared by every MSC binary; documented in docs/data-contract.md. */
export const EXIT_CODES = {
  ok: 0,
  internal: 1,
  usage: 2,
  input: 3,
  model: 4,
  output: 5,
  upstream: 6,
} as const;

export function exitCodeFor(error: unknown): number {
  if (!isMscError(error)) return EXIT_CODES.internal;
  switch (error.code) {
    case 'E_USAGE':
    case 'E_CONFIG':
      return EXIT_CODES.usage;
    case 'E_INPUT_NOT_FOUND':
    case 'E_TABLE_FORMAT':
    case 'E_MISSING_COLUMNS':
    case 'E_BAD_DATA':
    case 'E_DICOM_PARSE':
      return EXIT_CODES.input;
    case 'E_MODEL':
      return EXIT_CODES.model;
    case 'E_OUTPUT':
      return EXIT_CODES.output;
    case 'E_UPSTREAM':
      return EXIT_CODES.upstream;
  }
}

/** One-paragraph text for a terminal: `error [code]: message` then the hint, never a stack. */
export function formatError(error: unknown): string {
  if (isMscError(error)) {
    const lines = [`error [${error.code}]: ${error.message}`];
    if (error.hint) lines.push(`hint: ${error.hint}`);
    return lines.join('\n');
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `internal error: ${message}`;
}

/** The message of anything thrown (an Error's message, else its text): for `cannot read x: <why>`. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A system error's code (ENOENT, EACCES) when it has one, else its message: the short reason a path failed. */
export function errorReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : errorMessage(error);
}
