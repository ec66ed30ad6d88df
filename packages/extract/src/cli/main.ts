/**
 * msc-extract: DICOM folders → a feature table (per instance, or per series with --per-series),
 * format by the output's extension, plus a report of skipped files and a one-line summary.
 */
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { MscError, formatFromPath, normalizeFlagSpellings, runCli } from '@msc/core';
import { extractToTable } from '../extract-table.js';

const count = (value: string): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return number;
};

async function main(argv: readonly string[]): Promise<number> {
  const command = new Command('msc-extract')
    .description('Extract DICOM header features into a table, one row per instance (default) or per series')
    .argument('[inputs...]', 'DICOM files or folders (walked to any depth)')
    .option('-i, --input-dir <dir...>', 'input folders (as positional arguments; the original spelling)')
    .option('-o, --output-path <file>', 'output table: .parquet .csv .tsv .json .jsonl')
    .option('--per-series', 'one row per series (unique values joined), instead of one per instance')
    .option('--pattern <glob>', "only files whose name matches, e.g. '*dcm' (content decides what is DICOM)")
    .option('--dicom-recursion <depth>', 'folder levels to descend below each input (default: unlimited)', count)
    .option('--n-workers <n>', 'files read at once', count, Math.max(4, availableParallelism() * 8))
    .option('--skipped-report <file>', 'table of skipped files and reasons (default: <output>.skipped.csv)')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  // The original's snake_case spellings (--input_dir, --model_path, ...) are accepted too.
  const args = normalizeFlagSpellings(argv);
  try {
    command.parse(args, { from: 'user' });
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : 2;
  }
  const flags = command.opts<{ inputDir?: string[]; outputPath?: string; perSeries?: boolean; pattern?: string; dicomRecursion?: number; nWorkers: number; skippedReport?: string }>();
  const inputs = [...command.args, ...(flags.inputDir ?? [])];
  if (inputs.length === 0) throw new MscError('E_USAGE', 'no input folder given', { hint: 'msc-extract <dicom-folder> -o features.parquet' });
  if (!flags.outputPath) throw new MscError('E_USAGE', 'no output given', { hint: 'add -o features.parquet (or .csv, .tsv, .json)' });
  formatFromPath(flags.outputPath);
  const tty = process.stderr.isTTY === true;
  const summary = await extractToTable(inputs, flags.outputPath, {
    perSeries: flags.perSeries === true,
    ...(flags.pattern ? { pattern: flags.pattern } : {}),
    ...(flags.dicomRecursion !== undefined ? { maxDepth: flags.dicomRecursion } : {}),
    concurrency: Math.max(1, flags.nWorkers),
    skippedReport: flags.skippedReport ?? `${flags.outputPath.replace(/\.[^./]+$/, '')}.skipped.csv`,
    ...(tty ? { onFile: (files: number) => files % 500 === 0 && process.stderr.write(`\r\x1b[2Kmsc-extract: ${files} files`) } : {}),
  });
  if (tty) process.stderr.write('\r\x1b[2K');
  const skipped = Object.entries(summary.skipped).map(([reason, n]) => `${n} ${reason}`).join(', ') || 'none';
  process.stdout.write(
    process.stdout.isTTY
      ? `msc-extract: ${summary.files} files, ${summary.instances} instances, ${summary.series} series, skipped: ${skipped}, ${summary.seconds.toFixed(1)} s → ${flags.outputPath}\n`
      : `${JSON.stringify({ ...summary, output: flags.outputPath })}\n`,
  );
  return 0;
}

runCli(main);
