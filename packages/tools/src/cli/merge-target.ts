/** msc-merge-target: the original's merge_target — labels joined onto a feature table. */
import { MscError, defineCli, namedPath, writeSummary, type Command } from '@msc/core';
import { mergeTarget } from '../merge-target.js';

interface Flags {
  inputPath?: string;
  targetPath?: string;
  outputPath?: string;
  idCol: string;
  targetCol: string;
  keepUnlabelled?: boolean;
}

export const main = defineCli<Flags>({
  name: 'msc-merge-target',
  writesTables: true,
  description: 'Join a label table onto a feature table by series (or study) UID: the labelled table msc-train reads',
  configure: (command: Command) =>
    command
      .argument('[table]', 'feature table from msc-extract (.parquet .csv .tsv .json .jsonl)')
      .option('-i, --input-path <table>', 'the feature table (as the positional argument; the original spelling)')
      .option('-t, --target-path <table>', 'label table with the join column and the label column')
      .option('-o, --output-path <table>', 'the labelled table; its format by extension')
      .option('--id-col <name>', 'join column, in both tables', 'series_uid')
      .option('--target-col <name>', 'label column of the label table', 'class')
      .option('--keep-unlabelled', 'keep feature rows without a label (empty label) instead of leaving them out'),
  aliases: { '--labels': '--target-path', '--target': '--target-path' },
  paths: (flags, args) => ({
    inputs: [...[...args, flags.inputPath].map((path) => namedPath(path, 'the feature table')), namedPath(flags.targetPath, 'the label table')],
    outputs: [namedPath(flags.outputPath, 'the output')],
  }),
  async run(flags, args, io) {
    const inputs = [...args, ...(flags.inputPath ? [flags.inputPath] : [])];
    if (inputs.length !== 1)
      throw new MscError('E_USAGE', inputs.length === 0 ? 'no feature table given' : 'give exactly one feature table', {
        hint: 'msc-merge-target series.parquet -t labels.csv -o labelled.parquet',
      });
    if (!flags.targetPath) throw new MscError('E_USAGE', 'no label table given', { hint: 'add -t labels.csv' });
    if (!flags.outputPath) throw new MscError('E_USAGE', 'no output given', { hint: 'add -o labelled.parquet' });
    const summary = await mergeTarget({
      input: inputs[0]!,
      target: flags.targetPath,
      output: flags.outputPath,
      idColumn: flags.idCol,
      targetColumn: flags.targetCol,
      keepUnlabelled: flags.keepUnlabelled === true,
    });
    const left = summary.unlabelled > 0 ? `; ${summary.unlabelled} rows without a label ${flags.keepUnlabelled ? 'kept' : 'left out'}` : '';
    const unused = summary.unusedLabels > 0 ? `; ${summary.unusedLabels} labels match no row` : '';
    writeSummary(io, summary, `msc-merge-target: ${summary.labelled} labelled rows${left}${unused} → ${summary.output}`);
    return 0;
  },
});
