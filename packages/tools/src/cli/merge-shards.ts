/** msc-merge-shards: the n parts of a `--shard k/n` run (msc-extract, msc-predict) → one run's table. */
import { MscError, defineCli, writeSummary, type Command } from '@msc/core';
import { mergeShards } from '../merge-shards.js';

interface Flags {
  inputPaths?: string[];
  outputPath?: string;
}

export const main = defineCli<Flags>({
  name: 'msc-merge-shards',
  description: 'Join the parts written by msc-extract/msc-predict --shard 1/n … n/n into the table one run writes (same rows, same order, same bytes)',
  configure: (command: Command) =>
    command
      .argument('[parts...]', 'the parts (.parquet .csv .tsv .json .jsonl), in any order')
      .option('-i, --input-paths <parts...>', 'the parts (as positional arguments)')
      .option('-o, --output-path <file>', 'the merged table; its format by extension'),
  helpText: `
Order: instance tables and skipped-file reports in walk order (paths by name, folder by folder),
series tables and predictions by study_uid, series_uid (and patient_id), as one run writes them.
A series in two parts is an error (parts of different runs, or a part given twice).`,
  async run(flags, args, io) {
    const parts = [...args, ...(flags.inputPaths ?? [])];
    if (parts.length === 0) throw new MscError('E_USAGE', 'no part given', { hint: 'msc-merge-shards part-*.parquet -o table.parquet' });
    if (!flags.outputPath) throw new MscError('E_USAGE', 'no output given', { hint: 'add -o table.parquet' });
    const summary = await mergeShards(parts, flags.outputPath);
    writeSummary(io, summary, `msc-merge-shards: ${summary.parts} parts, ${summary.rows} rows in ${summary.order} order (${summary.key}) → ${summary.output}`);
    return 0;
  },
});
