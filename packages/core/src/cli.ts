/**
 * What every MSC binary does around its own work: accept the original's snake_case flag spellings,
 * and turn the outcome into an exit code, printing user errors as `error [CODE]: message` + hint.
 */
import { exitCodeFor, formatError } from './errors.js';

/** `--input_dir x` and `--input_dir=x` → `--input-dir …` (the Python tool's spellings). */
export function normalizeFlagSpellings(argv: readonly string[]): string[] {
  return argv.map((arg) => (arg.startsWith('--') ? arg.replace(/^--([^=]*)/, (flag) => flag.replace(/_/g, '-')) : arg));
}

/** Runs a binary's main with the process arguments and sets the exit code from its result or error. */
export function runCli(main: (argv: readonly string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${formatError(error)}\n`);
      process.exitCode = exitCodeFor(error);
    },
  );
}
