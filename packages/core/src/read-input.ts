/**
 * Reading a whole input file (a model, a rule set, a configuration) with one error shape: the path
 * is checked to be a regular file before it is opened (a FIFO would block the thread pool forever,
 * `/dev/zero` never ends) and its size is bounded, so a wrong path fails at once with a hint.
 */
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { MscError, type MscErrorCode } from './errors.js';

export interface ReadInputOptions {
  /** The error code for every failure (E_MODEL, E_CONFIG, E_INPUT_NOT_FOUND). */
  code: MscErrorCode;
  /** What the file is, in messages: `model`, `heuristics file`, `the configuration`. */
  what: string;
  hint: string;
  /** Largest size accepted (default 1 GiB). */
  maxBytes?: number;
}

/** What a non-regular file is, for messages. */
export function fileKind(info: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

export async function readInputFile(path: string, options: ReadInputOptions): Promise<Buffer>;
export async function readInputFile(path: string, options: ReadInputOptions, encoding: 'utf8'): Promise<string>;
export async function readInputFile(path: string, options: ReadInputOptions, encoding?: 'utf8'): Promise<Buffer | string> {
  const fail = (why: string, cause?: unknown) =>
    new MscError(options.code, `cannot read ${options.what} ${path}: ${why}`, { path, hint: options.hint, ...(cause ? { cause } : {}) });
  const maxBytes = options.maxBytes ?? 2 ** 30;
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO with no writer must not block before fstat can refuse it.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw fail((error as NodeJS.ErrnoException).code ?? (error as Error).message, error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw fail(`it is ${fileKind(info)}`);
    if (info.size > maxBytes) throw fail(`it holds ${info.size} bytes, more than the ${maxBytes} accepted`);
    const bytes = await handle.readFile();
    return encoding ? bytes.toString(encoding) : bytes;
  } catch (error) {
    if (error instanceof MscError) throw error;
    throw fail((error as NodeJS.ErrnoException).code ?? (error as Error).message, error);
  } finally {
    await handle.close();
  }
}

/**
 * Refuses an input table that exists but is no regular file (a FIFO, device or folder) before a
 * reader opens it; a missing path is left to the reader's own message.
 */
export async function assertRegularInput(path: string, what = 'table'): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return;
  }
  if (!info.isFile()) {
    throw new MscError('E_INPUT_NOT_FOUND', `cannot read ${what} ${path}: it is ${fileKind(info)}`, {
      path,
      hint: info.isDirectory() ? 'give a table file, or the folder to msc-predict/msc-extract as DICOM input' : 'give a regular file',
    });
  }
}
