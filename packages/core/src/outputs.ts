/**
 * Output guards, run before any work: every output path is checked to be writable (so a run does
 * not fail at its end for a path it could have refused at once), outputs may not name an input or
 * each other, and a multi-step output (extract's `<output>.partial/`) is locked against a second
 * run writing it at the same time.
 */
import { closeSync, lstatSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { makeOutputDirectory, outputError, processAlive, registerTemporary } from './atomic.js';
import { MscError } from './errors.js';

/**
 * Creates the output's folder and proves a file can be created there (a read-only file system,
 * /sys, a missing permission fail here); refuses an output that is an existing folder.
 */
export function checkOutputPath(target: string): void {
  makeOutputDirectory(dirname(target), target);
  let isFolder = false;
  try {
    isFolder = statSync(target).isDirectory();
  } catch {
    // absent: the usual case
  }
  if (isFolder) throw new MscError('E_OUTPUT', `cannot write ${target}: it is a folder`, { path: target, hint: 'give a file name, e.g. out.csv' });
  const probe = join(dirname(target), `.${basename(target)}.${process.pid}.probe.tmp`);
  const unregister = registerTemporary(probe);
  try {
    closeSync(openSync(probe, 'wx'));
    rmSync(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw outputError(target, Object.assign(new Error(`cannot create a file in ${resolve(dirname(target))} (${code})`), { code }));
  } finally {
    unregister();
  }
}

/** What a path is for, in messages: `--skipped-report`, `the output`, `the input table`. */
export interface NamedPath {
  path: string;
  role: string;
}

/** A NamedPath for a flag that may not be given (empty or absent: undefined, which the guards ignore). */
export function namedPath(path: string | undefined, role: string): NamedPath | undefined {
  return path ? { path, role } : undefined;
}

/** A file's identity: device and inode when it exists (links and other spellings agree), else its absolute path. */
function identity(path: string): string {
  try {
    const info = statSync(path, { bigint: true });
    return `${info.dev}:${info.ino}`;
  } catch {
    return resolve(path);
  }
}

/**
 * Refuses outputs that name an input or another output (`--skipped-report` = `-o`,
 * `msc-train t.csv -o …` where an output is t.csv): the later write would destroy the other.
 */
export function assertDistinctPaths(outputs: readonly NamedPath[], inputs: readonly NamedPath[] = []): void {
  const seen = new Map<string, NamedPath>();
  for (const input of inputs) seen.set(identity(input.path), input);
  for (const output of outputs) {
    const key = identity(output.path);
    const other = seen.get(key) ?? seen.get(resolve(output.path));
    if (other) {
      throw new MscError('E_USAGE', `${output.role} (${output.path}) is the same file as ${other.role} (${other.path})`, {
        path: output.path,
        hint: `give ${output.role} another path`,
      });
    }
    seen.set(key, output);
    seen.set(resolve(output.path), output);
  }
}

export interface OutputLock {
  readonly path: string;
  release(): void;
}

interface LockOwner {
  pid: number;
  host: string;
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? { pid: owner.pid, host: owner.host } : undefined;
  } catch {
    return undefined;
  }
}

/** A lock whose owner is gone: a process of this host that no longer exists, or a file that never got its content. */
function isStale(owner: LockOwner | undefined, path: string): boolean {
  if (!owner) {
    // Written by `wx` then the pid: give a writer that has just created it a moment (mtime).
    try {
      return Date.now() - lstatSync(path).mtimeMs > 10_000;
    } catch {
      return true;
    }
  }
  return owner.host === hostname() && !processAlive(owner.pid);
}

/**
 * Takes `<path>` as an exclusive lock file (created with `wx`, holding this process's pid and
 * host), removed by `release()` or at exit. A lock left by a dead process of this host is taken
 * over; a live one is an E_OUTPUT naming its pid.
 */
export function lockOutput(path: string, what: string): OutputLock {
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw outputError(path, error);
      const owner = readOwner(path);
      if (!isStale(owner, path)) {
        throw new MscError('E_OUTPUT', `${what} is being written by another run (pid ${owner?.pid ?? '?'} on ${owner?.host ?? 'this host'})`, {
          path,
          hint: `wait for it to finish, or write elsewhere; if no such run exists, delete ${path}`,
        });
      }
      // Moved aside, not deleted: of two runs taking over one stale lock, only one can move it,
      // and a run that moved a live lock (taken over meanwhile) puts it back.
      const aside = `${path}.${process.pid}.stale`;
      try {
        renameSync(path, aside);
      } catch {
        continue;
      }
      const moved = readOwner(aside);
      if (moved?.pid !== owner?.pid || moved?.host !== owner?.host) {
        try {
          renameSync(aside, path);
        } catch {
          // the other run's lock is gone meanwhile
        }
        continue;
      }
      rmSync(aside, { force: true });
      continue;
    }
    const unregister = registerTemporary(path);
    try {
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() }));
    } finally {
      closeSync(fd);
    }
    return {
      path,
      release() {
        unregister();
        rmSync(path, { force: true });
      },
    };
  }
  throw new MscError('E_OUTPUT', `${what} is being written by another run`, { path, hint: `if no such run exists, delete ${path}` });
}
