/**
 * Imported by bin/msc-extract.mjs before the CLI's modules: a reading thread takes ≈ 0.1–0.2 s to
 * start, as long as the main thread takes to load the CLI and begin walking, so the first one starts
 * here, in parallel, and the run's pool takes it over (a run that finds nothing to read ends it).
 * Only this module's small imports (the thread-messaging part of core) load before it starts.
 */
import { startEarlyThread } from '../parallel/worker-pool.js';

const NO_READING = new Set(['-h', '--help', '-V', '--version', 'help', '--n-workers=0']);

/** Whether a command line asks to read files with threads (not help, not `--n-workers 0`, not empty). */
export function readsWithThreads(args: readonly string[]): boolean {
  if (args.length === 0) return false;
  return !args.some((arg, i) => NO_READING.has(arg) || (arg === '--n-workers' && /^0+$/.test(args[i + 1] ?? '')));
}

export function startEarly(args: readonly string[]): void {
  if (readsWithThreads(args)) startEarlyThread();
}
