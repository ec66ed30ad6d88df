/** msc-merge-shards: the n parts of a `--shard k/n` run (msc-extract, msc-predict) → one run's table. */
import { MscError, defineCli, namedPath, writeSummary, type Command } from '@msc/core';
import { mergeShards } from '../merge-shards.js';

interface Flags {
  inputPaths?: string[];
  outputPath?: string;
  allowMissing?: boolean;
}

/** Split studies named one by one on stderr; the rest are counted (all are in the JSON summary). */
const SPLIT_STUDIES_NAMED = 10;

export const main = defineCli<Flags>({
  name: 'msc-merge-shards',
  writesTables: true,
  description: 'Join the parts written by msc-extract/msc-predict --shard 1/n … n/n into the table one run writes (same rows, same order, same bytes)',
  configure: (command: Command) =>
    command
      .argument('[parts...]', 'the parts (.parquet .csv .tsv .json .jsonl), in any order')
      .option('-i, --input-paths <parts...>', 'the parts (as positional arguments)')
      .option('-o, --output-path <file>', 'the merged table; its format by extension')
      .option('--allow-missing', 'merge even when the parts say some of the n parts are missing (their rows are then absent)'),
  helpText: `
Order: instance tables and skipped-file reports in walk order (paths by name, folder by folder),
series tables and predictions by study_uid, series_uid (and patient_id), as one run writes them.
A series in two parts is an error (parts of different runs, or a part given twice). A study in
two parts (msc-extract --shard-by folder, its series in folders of two parts) is a warning: the
merged table is one run's, but predict the merged table, not the parts.
Each sharded output has a record beside it (<part>.shard.json, written by --shard k/n): with the
records, a missing part or a part given twice is refused; without them it cannot be checked.`,
  paths: (flags, args) => ({
    inputs: [...args, ...(flags.inputPaths ?? [])].map((path) => ({ path, role: `the part ${path}` })),
    outputs: [namedPath(flags.outputPath, 'the output')],
  }),
  async run(flags, args, io) {
    const parts = [...args, ...(flags.inputPaths ?? [])];
    if (parts.length === 0) throw new MscError('E_USAGE', 'no part given', { hint: 'msc-merge-shards part-*.parquet -o table.parquet' });
    if (!flags.outputPath) throw new MscError('E_USAGE', 'no output given', { hint: 'add -o table.parquet' });
    const summary = await mergeShards(parts, flags.outputPath, { allowMissing: flags.allowMissing === true });
    if (summary.shards === 'unchecked')
      io.stderr.write('msc-merge-shards: note: a part has no shard record (<part>.shard.json), so a missing part cannot be detected\n');
    if (summary.shards === 'partial')
      io.stderr.write(`msc-merge-shards: warning: parts ${summary.missing.join(', ')} are missing (--allow-missing): their series are absent\n`);
    for (const { study, parts: found } of summary.splitStudies.slice(0, SPLIT_STUDIES_NAMED))
      io.stderr.write(`msc-merge-shards: warning: study ${study} is in ${found.join(', ')}\n`);
    if (summary.splitStudies.length > 0) {
      const more = summary.splitStudies.length - SPLIT_STUDIES_NAMED;
      io.stderr.write(
        `msc-merge-shards: warning: ${more > 0 ? `and ${more} more; ` : ''}${summary.splitStudies.length} ${summary.splitStudies.length === 1 ? 'study lies' : 'studies lie'} in several parts (their series are in folders of different parts): predict the merged table, not the parts (a part alone lacks the study's other series)\n`,
      );
    }
    writeSummary(io, summary, `msc-merge-shards: ${summary.parts} parts, ${summary.rows} rows in ${summary.order} order (${summary.key}) → ${summary.output}`);
    return 0;
  },
});
