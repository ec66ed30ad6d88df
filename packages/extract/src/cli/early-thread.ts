/**
 * Imported by bin/msc-extract.mjs before the CLI's modules: a reading thread takes ≈ 0.1–0.2 s to
 * start, as long as the main thread takes to load the CLI and begin walking, so the first threads
 * start here, in parallel, and the run's pool takes them over (a run that finds nothing to read
 * ends them). Only this module's small imports (the thread-messaging part of core) load before.
 */
import { availableParallelism } from 'node:os';
import { startEarlyThreads } from '../parallel/worker-pool.js';

/**
 * The most threads started before the run knows it has work: two overlapped a 416-file run's start
 * better than one (≈ 0.9× its wall time). A shard part may have nothing to read, and ending threads
 * mid-start is not free (an empty part's run: one early thread +30 ms wall, two +130 ms), so a
 * sharded run starts one.
 */
const MOST_EARLY = 2;
const MOST_EARLY_SHARDED = 1;
const NO_READING = new Set(['-h', '--help', '-V', '--version', 'help']);

/** Threads to start early for a command line: none for help or `--n-workers 0`, else up to the workers asked (default: one per core), one for a shard part. */
export function earlyThreads(args: readonly string[]): number {
  if (args.length === 0 || args.some((arg) => NO_READING.has(arg))) return 0;
  let asked = availableParallelism();
  args.forEach((arg, i) => {
    const value = arg === '--n-workers' ? args[i + 1] : arg.startsWith('--n-workers=') ? arg.slice('--n-workers='.length) : undefined;
    // A value the CLI will refuse starts none: the run ends before reading.
    if (value !== undefined) asked = /^\d+$/.test(value) ? Number(value) : 0;
  });
  const sharded = args.some((arg) => arg === '--shard' || arg.startsWith('--shard='));
  return Math.min(asked, sharded ? MOST_EARLY_SHARDED : MOST_EARLY);
}

export function startEarly(args: readonly string[]): void {
  startEarlyThreads(earlyThreads(args));
}
