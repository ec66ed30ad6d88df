/**
 * msc-extract: DICOM folders → a feature table (per instance, or per series with --per-series),
 * format by the output's extension, plus a report of skipped files and a one-line summary.
 */
import { Command, InvalidArgumentError } from 'commander';
import { MscError, normalizeFlagSpellings, parseShard, runCli, type Shard } from '@msc/core';
import { formatFromPath } from '@msc/tables';
import { checkpointDirFor } from '../checkpoint.js';
import { defaultWorkers } from '../extract.js';
import { extractToTable } from '../extract-table.js';

const count = (value: string): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return number;
};

const FEATURE_TYPES = ['metadata', 'image'];

/** `--feature-types metadata image` or `metadata,image`, as the original spells it. */
const featureTypes = (value: string, previous: string[] | undefined): string[] => {
  const types = value.split(',').map((type) => type.trim()).filter((type) => type !== '');
  for (const type of types) if (!FEATURE_TYPES.includes(type)) throw new InvalidArgumentError(`unknown feature type '${type}' (have: ${FEATURE_TYPES.join(', ')})`);
  // The default list is replaced, not added to, by the first value given.
  return previous && previous !== DEFAULT_FEATURE_TYPES ? [...previous, ...types] : types;
};
const DEFAULT_FEATURE_TYPES = ['metadata'];

const shardFlag = (value: string): Shard => {
  try {
    return parseShard(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};

function program(): Command {
  return new Command('msc-extract')
    .description('Extract DICOM header features into a table, one row per instance (default) or per series')
    .argument('[inputs...]', 'DICOM files or folders (walked to any depth; files recognised by content, not extension)')
    .option('-i, --input-dir <dir...>', 'input folders (as positional arguments; the original spelling)')
    .option('-o, --output-path <file>', 'output table: .parquet .csv .tsv .json .jsonl')
    .option('--per-series', 'one row per series (unique values joined), instead of one per instance')
    .option('--pattern <glob>', "only files whose name matches, e.g. '*dcm' (content decides what is DICOM)")
    .option('--dicom-recursion <depth>', 'folder levels to descend below each input (default: unlimited)', count)
    .option('--n-workers <n>', 'worker threads reading headers (0: read on the main thread)', count, defaultWorkers())
    .option('--shard <k/n>', 'only the k-th of n deterministic parts of the series (for batch jobs)', shardFlag)
    .option('--resume', 'continue an interrupted run (or add new files to an existing output) instead of starting over')
    .option('--checkpoint-rows <n>', 'rows per committed part of a run (what an interruption can lose)', count, 50_000)
    .option('--feature-types <types...>', "'metadata' (DICOM headers), 'image' (pixel statistics, reads whole files)", featureTypes, DEFAULT_FEATURE_TYPES)
    .option('--skipped-report <file>', 'table of skipped files and reasons (default: <output>.skipped.csv)')
    .addHelpText(
      'after',
      `
Output goes to stdout as one JSON line when piped (a readable line on a terminal), progress to stderr
on a terminal only. While running, finished parts are kept in <output>.partial/; the output appears
(atomically) only when the run completes. If a run is interrupted, rerun the same command with
--resume to continue.

Exit codes: 0 done, 1 unexpected error, 2 usage, 3 input not found, 4 bad data (e.g. no DICOM), 5 cannot write.`,
    )
    .showHelpAfterError();
}

interface Flags {
  inputDir?: string[];
  outputPath?: string;
  perSeries?: boolean;
  pattern?: string;
  dicomRecursion?: number;
  nWorkers: number;
  shard?: Shard;
  resume?: boolean;
  checkpointRows: number;
  featureTypes: string[];
  skippedReport?: string;
}

function progressLine(start: number): (progress: { files: number; instances: number }) => void {
  let last = 0;
  return ({ files, instances }) => {
    const now = performance.now();
    if (now - last < 200) return;
    last = now;
    const rate = files / Math.max(1e-3, (now - start) / 1000);
    process.stderr.write(`\r\x1b[2Kmsc-extract: ${files.toLocaleString('en')} files, ${instances.toLocaleString('en')} instances, ${Math.round(rate).toLocaleString('en')} files/s`);
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const command = program();
  command.exitOverride();
  command.configureOutput({ writeErr: (text) => process.stderr.write(text) });
  // The original's snake_case spellings (--input_dir, --n_workers, ...) are accepted too.
  try {
    command.parse(normalizeFlagSpellings(argv), { from: 'user' });
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : 2;
  }
  const flags = command.opts<Flags>();
  const inputs = [...command.args, ...(flags.inputDir ?? [])];
  if (inputs.length === 0) throw new MscError('E_USAGE', 'no input folder given', { hint: 'msc-extract <dicom-folder> -o features.parquet' });
  if (!flags.outputPath) throw new MscError('E_USAGE', 'no output given', { hint: 'add -o features.parquet (or .csv, .tsv, .json)' });
  formatFromPath(flags.outputPath);
  const output = flags.outputPath;
  const tty = process.stderr.isTTY === true;
  process.once('SIGINT', () => {
    if (tty) process.stderr.write('\r\x1b[2K');
    process.stderr.write(`msc-extract: interrupted; finished parts are kept in ${checkpointDirFor(output)}; rerun with --resume to continue\n`);
    process.exit(130);
  });
  const summary = await extractToTable(inputs, output, {
    perSeries: flags.perSeries === true,
    ...(flags.pattern ? { pattern: flags.pattern } : {}),
    ...(flags.dicomRecursion !== undefined ? { maxDepth: flags.dicomRecursion } : {}),
    workers: flags.nWorkers,
    image: flags.featureTypes.includes('image'),
    ...(flags.shard ? { shard: flags.shard } : {}),
    resume: flags.resume === true,
    checkpointRows: Math.max(1, flags.checkpointRows),
    skippedReport: flags.skippedReport ?? `${output.replace(/\.[^./]+$/, '')}.skipped.csv`,
    ...(tty ? { onProgress: progressLine(performance.now()) } : {}),
  });
  if (tty) process.stderr.write('\r\x1b[2K');
  const skipped = Object.entries(summary.skipped).map(([reason, n]) => `${n} ${reason}`).join(', ') || 'none';
  const resumed = summary.resumedFiles > 0 ? `, ${summary.resumedFiles} files from an earlier run` : '';
  const noImage = Object.entries(summary.imageFeaturesMissing ?? {}).map(([reason, n]) => `${n} ${reason}`).join(', ');
  if (noImage) process.stderr.write(`msc-extract: image features missing for ${noImage}\n`);
  process.stdout.write(
    process.stdout.isTTY
      ? `msc-extract: ${summary.files} files, ${summary.instances} instances, ${summary.series} series, skipped: ${skipped}${resumed}, ${summary.seconds.toFixed(1)} s → ${output}\n`
      : `${JSON.stringify({ ...summary, output })}\n`,
  );
  return 0;
}

runCli(main);
