/**
 * The URL of a worker thread's script beside the calling module. Compiled code runs from dist/;
 * tests run the TypeScript sources (src/), where only the built script can be started, so a
 * src/ location is mapped to dist/ (the test command builds first).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function workerScriptUrl(moduleUrl: string, script: string): URL {
  const url = new URL(script, moduleUrl);
  if (existsSync(fileURLToPath(url))) return url;
  const path = fileURLToPath(url);
  const at = path.lastIndexOf('/src/');
  return at === -1 ? url : pathToFileURL(`${path.slice(0, at)}/dist/${path.slice(at + 5)}`);
}

const MAIN_SCRIPT_ONLY = (flag: string) =>
  flag.startsWith('--input-type') || flag.startsWith('--eval') || flag === '-e' || flag.startsWith('--print') || flag === '-p';

/**
 * `execArgv` for `new Worker`: undefined (inherit the parent's flags, which Node filters itself, so
 * `node --max-old-space-size=N` works) unless the parent ran with a flag only a main script may take
 * (`--input-type`, `-e`); then the parent's flags less those and less V8 options, which a Worker
 * refuses when given explicitly (ERR_WORKER_INVALID_EXEC_ARGV).
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] | undefined {
  if (!execArgv.some(MAIN_SCRIPT_ONLY)) return undefined;
  return execArgv.filter((flag) => !MAIN_SCRIPT_ONLY(flag) && !V8_OPTION.test(flag));
}

/** V8's own options as node passes them on (heap and stack sizes, GC and JIT switches). */
const V8_OPTION =
  /^--(max-old-space-size|max-semi-space-size|stack-size|expose-gc|expose_gc|max-heap-size|initial-heap-size|jitless|no-opt|single-threaded|v8-)/;

export const WORKER_EXEC_ARGV: readonly string[] | undefined = workerExecArgv();
