/**
 * Atomic outputs: everything is written to a temporary file beside the target and renamed over it
 * only once complete, so an interrupted run never leaves a partial file under the target's name.
 */
import { createWriteStream, mkdirSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { MscError } from './errors.js';

let counter = 0;

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
    throw new MscError('E_OUTPUT', `cannot write ${target}: ${(error as Error).message}`, { path: target, cause: error, hint: 'choose an output in a writable folder' });
  }
}

/** A hidden temporary path in the target's own directory (same file system, so rename is atomic). */
export function temporaryPathFor(target: string): string {
  counter += 1;
  return join(dirname(target), `.${basename(target)}.${process.pid}.${counter}.tmp`);
}

export async function atomicWriteFile(target: string, data: string | Uint8Array): Promise<void> {
  const temporary = temporaryPathFor(target);
  try {
    makeDirectory(dirname(target));
    await writeFile(temporary, data);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new MscError('E_OUTPUT', `cannot write ${target}: ${(error as Error).message}`, { path: target, cause: error });
  }
}

export interface AtomicStream {
  readonly stream: WriteStream;
  readonly temporaryPath: string;
  /** Flushes, closes and renames onto the target. */
  commit(): Promise<void>;
  /** Closes and deletes the temporary file; the target is untouched. */
  abort(): Promise<void>;
}

/** A write stream whose content appears under `target` only on `commit()`. */
export async function createAtomicStream(target: string): Promise<AtomicStream> {
  makeOutputDirectory(dirname(target), target);
  const temporaryPath = temporaryPathFor(target);
  const stream = createWriteStream(temporaryPath);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (error) =>
      reject(new MscError('E_OUTPUT', `cannot write ${target}: ${error.message}`, { path: target, cause: error })),
    );
  });
  // A process killed by a signal cannot run async cleanup; this removes the temporary file on the
  // ordinary exits at least (Ctrl-C handlers in the CLIs call process.exit).
  const onExit = () => {
    try {
      stream.destroy();
      rmSync(temporaryPath, { force: true });
    } catch {
      // best effort
    }
  };
  process.once('exit', onExit);
  const close = () =>
    new Promise<void>((resolve, reject) => {
      if (stream.closed) return resolve();
      stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
    });
  return {
    stream,
    temporaryPath,
    async commit() {
      process.removeListener('exit', onExit);
      try {
        await close();
        await rename(temporaryPath, target);
      } catch (error) {
        await rm(temporaryPath, { force: true }).catch(() => undefined);
        throw new MscError('E_OUTPUT', `cannot write ${target}: ${(error as Error).message}`, { path: target, cause: error });
      }
    },
    async abort() {
      process.removeListener('exit', onExit);
      stream.destroy();
      await rm(temporaryPath, { force: true }).catch(() => undefined);
    },
  };
}

