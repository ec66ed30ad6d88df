/**
 * Helpers for the robustness tests (packages/*\/test/robustness/): small file systems that fill
 * up or refuse writes (tmpfs, root only), and binaries held at a known point so that a signal
 * arrives there (test-support/block-rename.mjs).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const IS_ROOT = process.getuid?.() === 0;

/** Why tests needing `mount` are skipped here (printed once), or undefined when they can run. */
export function tmpfsUnavailable(): string | undefined {
  if (!IS_ROOT) return 'not running as root: cannot mount a small tmpfs';
  try {
    execFileSync('mount', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'no mount command';
  }
}

/** Skips (printing why) when a tmpfs cannot be mounted here; true when the tests should be skipped. */
export function skipWithoutTmpfs(what: string): boolean {
  const reason = tmpfsUnavailable();
  if (reason) console.warn(`skipping ${what}: ${reason}`);
  return reason !== undefined;
}

/** Mounts a tmpfs of `bytes` (rounded up to pages by the kernel) on `dir`, read-only when asked. */
export function mountTmpfs(dir: string, bytes: number, options: { readOnly?: boolean } = {}): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}${options.readOnly ? ',ro' : ''}`, 'tmpfs', dir]);
}

/** Changes a mounted tmpfs's size (to give a full disk room again). */
export function resizeTmpfs(dir: string, bytes: number): void {
  execFileSync('mount', ['-o', `remount,size=${bytes}`, dir]);
}

export function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'ignore' });
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  }
}

/** Temporary files (`.<name>.<pid>.<n>.tmp`) in a folder. */
export function temporariesIn(dir: string): string[] {
  return readdirSync(dir).filter((name) => /\.tmp$/.test(name));
}

const BLOCK_RENAME = fileURLToPath(new URL('./block-rename.mjs', import.meta.url));

export interface HeldRun {
  /** The temporary file that the run was about to rename. */
  temporary: string;
  pid: number;
  /** Sends a signal and waits for the exit: code (or signal) and everything written to stderr. */
  signal(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/**
 * Starts `node <bin> <args>` held at its first rename onto a path ending in `renameSuffix`: the
 * temporary file is complete and the run waits there until signalled. Resolves once it is held;
 * rejects if the run ends first (it then never got there).
 */
export function runHeldAtRename(bin: string, args: readonly string[], renameSuffix: string, cwd?: string): Promise<HeldRun> {
  const child = spawn(process.execPath, ['--import', BLOCK_RENAME, bin, ...args], {
    cwd,
    env: { ...process.env, MSC_BLOCK_RENAME: renameSuffix },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => {
      // stderr may still hold data after 'exit': wait for the stream to end.
      if (child.stderr.readableEnded) resolve({ code, signal, stderr });
      else child.stderr.once('end', () => resolve({ code, signal, stderr }));
    });
  });
  return new Promise((resolve, reject) => {
    child.stdout.resume();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr += text;
      const held = /^blocked (.+)$/m.exec(stderr);
      if (held && child.pid !== undefined) {
        resolve({
          temporary: held[1]!,
          pid: child.pid,
          signal: (signal) => {
            child.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then(({ code, stderr: text }) =>
      reject(new Error(`the run ended (code ${code}) before it was held at a rename onto *${renameSuffix}:\n${text}`)),
    );
  });
}
