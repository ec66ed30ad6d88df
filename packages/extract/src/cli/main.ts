/**
 * msc-extract: DICOM folders → a feature table (per instance, or per series with --per-series),
 * format by the output's extension, plus a report of skipped files and a one-line summary.
 */
import {
  MscError,
  Option,
  Progress,
  SHARD_BY,
  atomicWriteFile,
  defineCli,
  parse,
  parseShard,
  readShardRecord,
  shardRecord,
  shardRecordPath,
  writeSummary,
  type Command,
  type Shard,
  type ShardBy,
} from '@msc/core';
import { existsSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { formatFromPath } from '@msc/tables/table';
import { checkpointDirFor } from '../checkpoint.js';
import { defaultWorkers, maxWorkers } from '../extract.js';
import { extractToTable } from '../extract-table.js';
import { discardEarlyThreads } from '../parallel/worker-pool.js';
import { listFolderShard, type FolderShard } from '../walk.js';

// A run's optimizing compiles are a fixed cost that rivals the reading: the worker threads' row
// code inlines deeply and is compiled again after each deopt (≈ 200 compiles a run). A smaller
// inlining budget left the workers' time per file as it was and cut ≈ 0.45 s of the helper threads'
// CPU from a 31,775-file run (bench/README, "Extraction hot path"). Process-wide, so set by the CLI only.
setFlagsFromString('--max-inlined-bytecode-size-cumulative=300');

const FEATURE_TYPES = ['metadata', 'image'];
const DEFAULT_FEATURE_TYPES = ['metadata'];

/** `--feature-types metadata image` or `metadata,image`, as the original spells it. */
const featureTypes = (value: string, previous: string[] | undefined): string[] => {
  const types = value
    .split(',')
    .map((type) => type.trim())
    .filter((type) => type !== '');
  for (const type of types) if (!FEATURE_TYPES.includes(type)) throw new Error(`unknown feature type '${type}' (have: ${FEATURE_TYPES.join(', ')})`);
  // The default list is replaced, not added to, by the first value given.
  return previous && previous !== DEFAULT_FEATURE_TYPES ? [...previous, ...types] : types;
};

interface Flags {
  inputDir?: string[];
  outputPath?: string;
  perSeries?: boolean;
  pattern?: string;
  dicomRecursion?: number;
  nWorkers: number;
  shard?: Shard;
  shardBy?: ShardBy;
  shardDepth?: number;
  resume?: boolean;
  checkpointRows: number;
  featureTypes: string[];
  skippedReport?: string;
  thumbnails?: string;
}

/**
 * The folder shard `--shard k/n --shard-by folder|balanced [--shard-depth D]` asks for (balanced:
 * with the parts a listing of `inputs` gives); undefined when sharding by study (or not at all).
 */
function folderShardOf(flags: Flags, inputs: readonly string[]): FolderShard | undefined {
  if (flags.shardBy === undefined && flags.shardDepth === undefined) return undefined;
  if (!flags.shard)
    throw new MscError('E_USAGE', `--shard-${flags.shardBy === undefined ? 'depth' : 'by'} needs --shard k/n`, {
      hint: 'e.g. --shard 2/8 --shard-by folder for the second of eight parts, split by top-level folder',
    });
  if (flags.shardBy !== 'folder' && flags.shardBy !== 'balanced') {
    if (flags.shardDepth === undefined) return undefined;
    throw new MscError('E_USAGE', '--shard-depth applies to --shard-by folder or balanced only', {
      hint: 'add --shard-by folder (sharding by study reads each file to learn its study; it has no depth)',
    });
  }
  const depth = flags.shardDepth ?? 1;
  if (flags.shardBy === 'folder') return { shard: flags.shard, depth };
  return { shard: flags.shard, depth, balanced: listFolderShard(inputs, flags.shard, depth) };
}

/**
 * A balanced part resumed over a finished output: refused when the tree's listing now assigns
 * folders otherwise than when that output was written (its rows of folders moved to another part
 * would be kept here and read there).
 */
function assertSameListing(output: string, folderShard: FolderShard): void {
  const record = existsSync(shardRecordPath(output)) ? readShardRecord(readFileSync(shardRecordPath(output), 'utf8')) : undefined;
  if (!existsSync(output) || !folderShard.balanced || record?.listing === folderShard.balanced.listing) return;
  throw new MscError(
    'E_BAD_DATA',
    `${output} was written from another listing of the tree (${record?.listing ?? 'none recorded'}; now ${folderShard.balanced.listing}): folders added or removed since move others between the balanced parts`,
    {
      hint: 'rerun every part without --resume over the same tree, or use --shard-by folder, whose parts do not depend on the rest of the tree, to add new files to existing parts',
    },
  );
}

export const main = defineCli<Flags>({
  name: 'msc-extract',
  description: 'Extract DICOM header features into a table, one row per instance (default) or per series',
  writesTables: true,
  configure: (command: Command) =>
    command
      .argument('[inputs...]', 'DICOM files or folders (walked to any depth; files recognised by content, not extension)')
      .option('-i, --input-dir <dir...>', 'input folders (as positional arguments; the original spelling)')
      .option('-o, --output-path <file>', 'output table: .parquet .csv .tsv .json .jsonl')
      .option('--per-series', 'one row per series (unique values joined), instead of one per instance')
      .option('--pattern <glob>', "only files whose name matches, e.g. '*dcm' (content decides what is DICOM)")
      .option('--dicom-recursion <depth>', 'folder levels to descend below each input (default: unlimited)', parse.count(0))
      .option('--n-workers <n>', 'worker threads reading headers (0: read on the main thread)', parse.count(0), defaultWorkers())
      .option('--shard <k/n>', 'only the k-th of n deterministic parts of the series (for batch jobs)', parse.via(parseShard))
      .addOption(
        new Option(
          '--shard-by <key>',
          "what --shard splits by: 'study' (default; exact for any layout, but every job reads every file's first block), 'folder' (the folders --shard-depth levels below each input, by a hash of their path: each job walks and reads only its own; stable as the archive grows) or 'balanced' (the same folders, assigned to parts by their file counts from a listing of the tree that every job makes: ≈ 1/n of the files each, but every job must see the same tree). Merge the parts before msc-predict",
        ).choices(SHARD_BY),
      )
      .option(
        '--shard-depth <levels>',
        "with --shard-by folder or balanced: the folder level below each input that names a part (default 1: each input's top-level folders)",
        parse.count(1),
      )
      .option('--resume', 'continue an interrupted run (or add new files to an existing output) instead of starting over')
      .option('--checkpoint-rows <n>', 'rows per committed part of a run (what an interruption can lose)', parse.count(1), 50_000)
      .option(
        '--feature-types <types...>',
        "'metadata' (DICOM headers), 'image' (pixel statistics, reads whole files)",
        parse.via(featureTypes as (v: string) => string[]),
        DEFAULT_FEATURE_TYPES,
      )
      .option('--skipped-report <file>', 'table of skipped files and reasons (default: <output>.skipped.csv)')
      .option('--thumbnails <dir>', 'also one PNG per series (middle slice, ~192 px) into <dir>, listed in <dir>/thumbnails.csv'),
  helpText: `
Output: the summary goes to stdout as one JSON line when piped (a readable line on a terminal),
progress to stderr on a terminal only. While running, finished parts are kept in <output>.partial/;
the output appears (atomically) only when the run completes. If a run is interrupted, rerun the
same command with --resume to continue.`,
  async run(flags, args, io) {
    const inputs = [...args, ...(flags.inputDir ?? [])];
    if (inputs.length === 0) throw new MscError('E_USAGE', 'no input folder given', { hint: 'msc-extract <dicom-folder> -o features.parquet' });
    if (!flags.outputPath) throw new MscError('E_USAGE', 'no output given', { hint: 'add -o features.parquet (or .csv, .tsv, .json)' });
    formatFromPath(flags.outputPath);
    const output = flags.outputPath;
    const folderShard = folderShardOf(flags, inputs);
    if (folderShard && flags.resume) assertSameListing(output, folderShard);
    const progress = new Progress(io.stderr, 200);
    const workers = Math.min(flags.nWorkers, maxWorkers());
    if (workers < flags.nWorkers)
      io.stderr.write(`msc-extract: note: --n-workers ${flags.nWorkers} lowered to ${workers} (4 per core; more threads only cost memory)\n`);
    const summary = await extractToTable(inputs, output, {
      perSeries: flags.perSeries === true,
      ...(flags.pattern ? { pattern: flags.pattern } : {}),
      ...(flags.dicomRecursion !== undefined ? { maxDepth: flags.dicomRecursion } : {}),
      workers,
      image: flags.featureTypes.includes('image'),
      ...(flags.shard && !folderShard ? { shard: flags.shard } : {}),
      ...(folderShard ? { folderShard } : {}),
      resume: flags.resume === true,
      checkpointRows: flags.checkpointRows,
      // named after the whole output name, so runs writing series.parquet and series.csv keep one report each
      skippedReport: flags.skippedReport ?? `${output}.skipped.csv`,
      ...(flags.thumbnails ? { thumbnails: { dir: flags.thumbnails } } : {}),
      ...(io.stderr.isTTY
        ? {
            onProgress: ({ files, instances }: { files: number; instances: number }) =>
              progress.update(`msc-extract: ${files.toLocaleString('en')} files, ${instances.toLocaleString('en')} instances`),
          }
        : {}),
    }).finally(discardEarlyThreads);
    progress.done();
    if (flags.shard)
      await atomicWriteFile(
        shardRecordPath(output),
        shardRecord(
          flags.shard,
          'msc-extract',
          folderShard && {
            depth: folderShard.depth,
            by: folderShard.balanced ? 'balanced' : 'folder',
            ...(folderShard.balanced ? { listing: folderShard.balanced.listing } : {}),
          },
        ),
      );
    if (folderShard && summary.shardFolders && summary.shardFolders.all < folderShard.shard.count)
      io.stderr.write(
        `msc-extract: note: ${summary.shardFolders.all} folder(s) at --shard-depth ${folderShard.depth} for ${folderShard.shard.count} shards: some shards are empty; a deeper --shard-depth spreads the work\n`,
      );
    for (const note of summary.notes) io.stderr.write(`msc-extract: note: ${note}\n`);
    const skipped =
      Object.entries(summary.skipped)
        .map(([reason, n]) => `${n} ${reason}`)
        .join(', ') || 'none';
    const resumed = summary.resumedFiles > 0 ? `, ${summary.resumedFiles} files from an earlier run` : '';
    const partial = summary.partialRows > 0 ? `, ${summary.partialRows} partial rows of damaged files (see the skipped-files report)` : '';
    const noImage = Object.entries(summary.imageFeaturesMissing ?? {})
      .map(([reason, n]) => `${n} ${reason}`)
      .join(', ');
    if (noImage) io.stderr.write(`msc-extract: image features missing for ${noImage}\n`);
    if (summary.thumbnails?.placeholders)
      io.stderr.write(`msc-extract: ${summary.thumbnails.placeholders} series got a placeholder thumbnail (the skipped-files report says why)\n`);
    const thumbnails = summary.thumbnails ? `, ${summary.thumbnails.decoded + summary.thumbnails.placeholders} thumbnails → ${summary.thumbnails.dir}` : '';
    writeSummary(
      io,
      { ...summary, output },
      `msc-extract: ${summary.files} files, ${summary.instances} instances, ${summary.series} series, skipped: ${skipped}${partial}${resumed}, ${summary.seconds.toFixed(1)} s → ${output}${thumbnails}`,
    );
    return 0;
  },
  interrupted: (flags) =>
    flags.outputPath
      ? `finished parts are kept in ${checkpointDirFor(flags.outputPath)}; rerun the same command with --resume to continue`
      : 'no output was written',
});
