/**
 * The one CLI layer every MSC binary is built on (commander): the original's snake_case flag
 * spellings, one error format (`error [CODE]: message` + `hint:`), the exit-code table in every
 * `--help`, a JSON summary line when stdout is piped, progress only on a terminal, and signal
 * handling that leaves no temporary files. A binary is `defineCli(spec)`: a `main(argv, io)` that
 * never exits the process, so tests run it in-process.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT_CODES, MscError, exitCodeFor, formatError } from './errors.js';
import { CSV_FORMULA_POLICIES, setCsvFormulaPolicy, type CsvFormulaPolicy } from './csv-formulas.js';
import { assertDistinctPaths, type NamedPath } from './outputs.js';

export { Command, InvalidArgumentError, Option };

export interface CliStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Where a binary's text goes: the process's streams in production, buffers in tests. */
export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Called on SIGINT/SIGTERM before the process exits (with 130/143); temporary output files are
   * removed by the exit handlers of `atomic.ts`. Returns a function that removes the handler.
   */
  onInterrupt(handler: (signal: NodeJS.Signals) => void): () => void;
}

export const processIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  onInterrupt(handler) {
    const listener = (signal: NodeJS.Signals) => {
      handler(signal);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once('SIGINT', listener);
    process.once('SIGTERM', listener);
    return () => {
      process.removeListener('SIGINT', listener);
      process.removeListener('SIGTERM', listener);
    };
  },
};

export type CliMain = (argv: readonly string[], io?: CliIo) => Promise<number>;

export interface CliSpec<Flags> {
  name: string;
  description: string;
  /** Adds arguments and options to the command (commander). */
  configure(command: Command): Command;
  /** Extra help text shown before the exit-code table. */
  helpText?: string;
  /** The binary writes CSV/TSV tables: the kit adds `--csv-formulas escape|keep` (csv-formulas.ts). */
  writesTables?: boolean;
  /** Other long spellings of a flag (`--output-path` → `--output`), listed in the help. */
  aliases?: Record<string, string>;
  /**
   * The files the run reads and writes, checked by the kit before `run`: an output that is an input
   * or another output (`-o` = the input table, two parts to one file) is refused at once, so no tool
   * can overwrite what it reads. Undefined entries (flags not given) are ignored.
   */
  paths?(flags: Flags, args: string[]): { inputs?: readonly (NamedPath | undefined)[]; outputs: readonly (NamedPath | undefined)[] };
  /** The work, once flags are parsed; returns the exit code. Errors are printed by the kit. */
  run(flags: Flags, args: string[], io: CliIo): Promise<number>;
  /**
   * What an interrupted run leaves and how to go on (`finished parts are kept …; rerun with
   * --resume`), printed on SIGINT/SIGTERM before the process exits; temporaries are removed by
   * atomic.ts's exit handler. Default: nothing was written. `false`: the binary handles the
   * signals itself (a server finishing its requests).
   */
  interrupted?: ((flags: Flags, args: string[]) => string) | false;
}

/** What each exit code means; generated into every `--help`. */
export const EXIT_CODE_HELP: Record<keyof typeof EXIT_CODES, string> = {
  ok: 'done',
  internal: 'unexpected error (a bug: please report it with the message)',
  usage: 'wrong flag or value, or an invalid configuration file (E_USAGE, E_CONFIG)',
  input: 'input missing, unreadable or unusable (E_INPUT_NOT_FOUND, E_TABLE_FORMAT, E_MISSING_COLUMNS, E_BAD_DATA)',
  model: 'model missing, unreadable or not matching the input (E_MODEL)',
  output: 'an output cannot be written (E_OUTPUT)',
  upstream: 'a PACS (Orthanc, DICOMweb) is unreachable, too slow or answered with an error (E_UPSTREAM)',
};

export function exitCodeTable(): string {
  const lines = Object.entries(EXIT_CODES).map(([key, code]) => `  ${code}  ${EXIT_CODE_HELP[key as keyof typeof EXIT_CODES]}`);
  return `Exit codes:\n${lines.join('\n')}\n  130/143  interrupted (SIGINT/SIGTERM); outputs are left untouched`;
}

/** `--input_dir x` and `--input_dir=x` → `--input-dir …` (the Python tool's spellings). */
export function normalizeFlagSpellings(argv: readonly string[], aliases: Readonly<Record<string, string>> = {}): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    // Everything after `--` is an operand, spelled as given.
    if (arg === '--') return [...out, ...argv.slice(out.length)];
    out.push(
      arg.startsWith('--')
        ? arg.replace(/^--([^=]*)/, (flag) => {
            const kebab = flag.replace(/_/g, '-');
            return aliases[kebab] ?? kebab;
          })
        : arg,
    );
  }
  return out;
}

/** A commander message without its `error: ` prefix, as one sentence. */
function usageMessage(error: CommanderError): string {
  return error.message.replace(/^error:\s*/i, '').trim();
}

export function defineCli<Flags>(spec: CliSpec<Flags>): CliMain {
  return async (argv, io = processIo) => {
    const command = spec.configure(new Command(spec.name).description(spec.description));
    if (spec.writesTables)
      command.addOption(
        new Option(
          '--csv-formulas <mode>',
          "CSV/TSV cells starting with = + - @ (formulas to a spreadsheet): 'escape' writes them with a leading ' (read back as written), 'keep' raw",
        )
          .choices(CSV_FORMULA_POLICIES)
          .default('escape'),
      );
    command
      .helpOption('-h, --help', 'show this help')
      .addHelpText('after', helpFooter(spec))
      .exitOverride()
      .configureOutput({
        writeOut: (text) => io.stdout.write(text),
        // Usage errors are printed by the kit in the one error format, not by commander.
        writeErr: () => undefined,
        outputError: () => undefined,
      });
    try {
      command.parse(normalizeFlagSpellings(argv, spec.aliases), { from: 'user' });
    } catch (error) {
      if (error instanceof CommanderError) {
        if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT_CODES.ok;
        return report(io, new MscError('E_USAGE', usageMessage(error), { hint: `see ${spec.name} --help` }));
      }
      return report(io, error);
    }
    const flags = command.opts() as Flags;
    if (spec.writesTables) setCsvFormulaPolicy((flags as { csvFormulas?: CsvFormulaPolicy }).csvFormulas ?? 'escape');
    const interrupted = spec.interrupted;
    const stopListening =
      interrupted === false
        ? () => undefined
        : io.onInterrupt((signal) => {
            const left = interrupted?.(flags, command.args) ?? 'no output was written';
            io.stderr.write(`\n${spec.name}: interrupted (${signal}); ${left}\n`);
          });
    try {
      const paths = spec.paths?.(flags, command.args);
      if (paths) assertDistinctPaths(defined(paths.outputs), defined(paths.inputs ?? []));
      return await spec.run(flags, command.args, io);
    } catch (error) {
      return report(io, error);
    } finally {
      stopListening();
    }
  };
}

const defined = (paths: readonly (NamedPath | undefined)[]): NamedPath[] => paths.filter((path): path is NamedPath => path !== undefined);

function helpFooter(spec: Pick<CliSpec<unknown>, 'helpText' | 'aliases'>): string {
  const aliases = Object.entries(spec.aliases ?? {}).map(([alias, flag]) => `${alias} (= ${flag})`);
  return [
    spec.helpText ? `\n${spec.helpText.trim()}` : '',
    `\nFlags may also be spelled as the original tool does (--input_dir, --model_path)${aliases.length ? `; also accepted: ${aliases.join(', ')}` : ''}.`,
    `\n${exitCodeTable()}`,
  ].join('\n');
}

function report(io: CliIo, error: unknown): number {
  io.stderr.write(`${formatError(error)}\n`);
  return exitCodeFor(error);
}

/**
 * The end-of-run summary: one JSON line when stdout is piped (for scripts and CI), a readable
 * line on a terminal.
 */
export function writeSummary(io: CliIo, summary: object, human: string): void {
  io.stdout.write(io.stdout.isTTY ? `${human}\n` : `${JSON.stringify(summary)}\n`);
}

/** Runs a binary's main with the process arguments and sets the exit code (never a stack for user errors). */
export function runCli(main: CliMain): void {
  // A reader that stops early (`msc-extract --help | head`) closes the pipe: that is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(process.exitCode ?? 0);
    });
  }
  main(process.argv.slice(2), processIo).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${formatError(error)}\n`);
      process.exitCode = exitCodeFor(error);
    },
  );
}

/** Flag value parsers shared by the binaries; their messages become `error [E_USAGE]`. */
export const parse = {
  /** A whole number ≥ min. */
  count(min = 0): (value: string) => number {
    return (value) => {
      const number = Number(value);
      if (value.trim() === '' || !Number.isInteger(number) || number < min) throw new InvalidArgumentError(`expected a whole number ≥ ${min}, not '${value}'`);
      return number;
    };
  },
  /** A number in [0, 1]. */
  fraction(value: string): number {
    const number = Number(value);
    if (value.trim() === '' || !(number >= 0 && number <= 1)) throw new InvalidArgumentError(`expected a number between 0 and 1, not '${value}'`);
    return number;
  },
  /** Any parser whose MscError/Error message should be the usage message. */
  via<T>(parser: (value: string) => T): (value: string) => T {
    return (value) => {
      try {
        return parser(value);
      } catch (error) {
        throw new InvalidArgumentError((error as Error).message);
      }
    };
  },
};

/** An io whose output is kept in strings: for running a binary's main in-process (tests, embedding). */
export function captureIo(options: { tty?: boolean; env?: Record<string, string | undefined> } = {}): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const tty = options.tty === true;
  return {
    stdout: { write: (text: string) => (out += text), isTTY: tty },
    stderr: { write: (text: string) => (err += text), isTTY: tty },
    env: options.env ?? process.env,
    onInterrupt: () => () => undefined,
    out: () => out,
    err: () => err,
  };
}
