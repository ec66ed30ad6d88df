/**
 * Atomic outputs: everything is written to a temporary file beside the target and renamed over it
 * only once complete, so an interrupted run never leaves a partial file under the target's name.
 */
import { createWriteStream, mkdirSync, readFileSync, readdirSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { copyFile, open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { errorMessage, MscError } from './errors.js';

let counter = 0;

/**
 * Paths to delete if the process exits before they are renamed or removed: temporary files, lock
 * files. A process killed by SIGKILL cannot run this; one that exits (including the CLIs'
 * SIGINT/SIGTERM handlers, which call process.exit) does. `--resume` sweeps what a kill left.
 */
const temporaries = new Set<string>();
let exitHookInstalled = false;

function removeTemporaries(): void {
  for (const path of temporaries) {
    try {
      rmSync(path, { force: true, recursive: true });
    } catch {
      // best effort: the process is exiting
    }
  }
  temporaries.clear();
}

/** Registers `path` for removal at process exit; returns the function that unregisters it. */
export function registerTemporary(path: string): () => void {
  if (!exitHookInstalled) {
    process.on('exit', removeTemporaries);
    exitHookInstalled = true;
  }
  temporaries.add(path);
  return () => {
    temporaries.delete(path);
  };
}

const TEMPORARY_NAME = /^\.(.+)\.(\d+)\.\d+\.tmp$/;

/**
 * True when a process with this id exists and runs (EPERM: it exists, under another user). A
 * zombie — killed, not yet reaped by its parent — holds no lock: on Linux its /proc state says so,
 * so `--resume` right after a SIGKILL is not refused.
 */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat: `pid (comm) state …`; comm may hold spaces and parentheses, so the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/**
 * Deletes temporaries (`temporaryPathFor` names) in `dir` left by processes that no longer exist
 * (a SIGKILL, a power cut), for the targets `names` (all targets when not given). Returns the
 * paths removed.
 */
export function sweepStaleTemporaries(dir: string, names?: readonly string[]): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const match = TEMPORARY_NAME.exec(entry);
    if (!match || (names && !names.includes(match[1]!)) || processAlive(Number(match[2]))) continue;
    try {
      rmSync(join(dir, entry), { force: true });
      removed.push(join(dir, entry));
    } catch {
      // not ours to remove (permissions): leave it
    }
  }
  return removed;
}

/**
 * `mkdir -p`, one level at a time. Node's recursive mkdir loops forever where mkdir answers ENOENT
 * for a path whose parent exists (/proc, some FUSE mounts); this gives the error instead.
 */
export function makeDirectory(path: string): void {
  const missing: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    try {
      if (statSync(dir).isDirectory()) break;
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(dir) === dir) throw error;
      missing.push(dir);
    }
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** makeDirectory for an output's folder, as E_OUTPUT. */
export function makeOutputDirectory(path: string, target = path): void {
  try {
    makeDirectory(path);
  } catch (error) {
    throw outputError(target, error);
  }
}

/** A hidden temporary path in the target's own directory (same file system, so rename is atomic). */
export function temporaryPathFor(target: string): string {
  counter += 1;
  return join(dirname(target), `.${basename(target)}.${process.pid}.${counter}.tmp`);
}

/** An output error for `target`, with the hint that fits the system error. */
export function outputError(target: string, error: unknown): MscError {
  if (error instanceof MscError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const hint =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? `free space on the disk holding ${dirname(resolve(target))}, or write elsewhere`
      : code === 'EISDIR'
        ? 'the output names a folder: give a file name'
        : 'choose an output in a writable folder';
  return new MscError('E_OUTPUT', `cannot write ${target}: ${errorMessage(error)}`, { path: target, cause: error, hint });
}

/** Writes `data` (text, bytes, or chunks of bytes written one after another: no copy joins them) to `target` atomically. */
export async function atomicWriteFile(target: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  const temporary = temporaryPathFor(target);
  const unregister = registerTemporary(temporary);
  try {
    makeDirectory(dirname(target));
    if (typeof data === 'string' || data instanceof Uint8Array) await writeFile(temporary, data);
    else await writeChunks(temporary, data);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw outputError(target, error);
  } finally {
    unregister();
  }
}

/** Chunks written by one call (libuv writes them all in one job), not one awaited write each: a run waits on the writing. */
async function writeChunks(path: string, chunks: readonly Uint8Array[]): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.writev(chunks as Uint8Array[]);
  } finally {
    await file.close();
  }
}

export interface AtomicStream {
  readonly stream: WriteStream;
  readonly temporaryPath: string;
  /**
   * Writes a chunk and waits while the stream is full. A write error (disk full) rejects as
   * E_OUTPUT; waiting for 'drain' alone would wait forever, since a failed stream never drains.
   */
  write(chunk: string | Uint8Array): Promise<void>;
  /** Appends chunks in one system call (writev: no copy joins them), resolving once they are written; E_OUTPUT as `write`. */
  writeChunks(chunks: readonly Uint8Array[]): Promise<void>;
  /** Flushes, closes and renames onto the target. */
  commit(): Promise<void>;
  /** Closes and deletes the temporary file; the target is untouched. */
  abort(): Promise<void>;
}

export interface AtomicStreamOptions {
  /**
   * The folder of the temporary file (made when missing); default the target's. It must be on the
   * target's file system (the commit is a rename): a run's own folder beside the output keeps a
   * killed run's temporary there (swept with it), not beside the output.
   */
  temporaryFolder?: string;
  /** A file whose bytes the output starts with, copied by the file system (not read) before anything written. */
  startFrom?: string;
}

/** A write stream whose content appears under `target` only on `commit()`; a failure on the way removes its temporary. */
export async function createAtomicStream(target: string, options: AtomicStreamOptions = {}): Promise<AtomicStream> {
  makeOutputDirectory(dirname(target), target);
  if (options.temporaryFolder) makeOutputDirectory(options.temporaryFolder, target);
  const temporaryPath = temporaryPathFor(options.temporaryFolder ? join(options.temporaryFolder, basename(target)) : target);
  const unregister = registerTemporary(temporaryPath);
  const removeTemporary = async () => {
    await rm(temporaryPath, { force: true }).catch(() => undefined);
    unregister();
  };
  if (options.startFrom) {
    try {
      await copyFile(options.startFrom, temporaryPath);
    } catch (error) {
      await removeTemporary();
      throw outputError(target, error);
    }
  }
  const stream = createWriteStream(temporaryPath, { flags: options.startFrom ? 'a' : 'w' });
  // The first error is kept: a failed stream emits 'error' once and never 'drain' or 'finish'.
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure ??= error;
  });
  await new Promise<void>((resolve, reject) => {
    const onOpen = () => {
      stream.removeListener('error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      stream.removeListener('open', onOpen);
      void removeTemporary().then(() => reject(outputError(target, error)));
    };
    stream.once('open', onOpen);
    stream.once('error', onError);
  });
  const close = () =>
    new Promise<void>((resolve, reject) => {
      if (failure) return reject(failure);
      if (stream.closed) return resolve();
      stream.once('error', reject);
      stream.end(() => (failure ? reject(failure) : resolve()));
    });
  const write = (chunk: string | Uint8Array) =>
    new Promise<void>((resolve, reject) => {
      if (failure) return reject(outputError(target, failure));
      if (stream.write(chunk)) return resolve();
      const done = (error?: Error) => {
        stream.removeListener('drain', onDrain);
        stream.removeListener('error', onError);
        if (error) reject(outputError(target, error));
        else resolve();
      };
      const onDrain = () => done();
      const onError = (error: Error) => done(error);
      stream.once('drain', onDrain);
      stream.once('error', onError);
    });
  // Corked writes reach the file as one writev; the last chunk's callback runs once all are written (or failed).
  const writeChunks = (chunks: readonly Uint8Array[]) =>
    new Promise<void>((resolve, reject) => {
      if (failure) return reject(outputError(target, failure));
      if (chunks.length === 0) return resolve();
      stream.cork();
      for (let i = 0; i < chunks.length - 1; i++) stream.write(chunks[i]!);
      stream.write(chunks[chunks.length - 1]!, (error) => (error ? reject(outputError(target, error)) : resolve()));
      stream.uncork();
    });
  return {
    stream,
    temporaryPath,
    write,
    writeChunks,
    async commit() {
      try {
        await close();
        await rename(temporaryPath, target);
      } catch (error) {
        stream.destroy();
        await removeTemporary();
        throw outputError(target, error);
      }
      unregister();
    },
    async abort() {
      stream.destroy();
      await removeTemporary();
    },
  };
}
