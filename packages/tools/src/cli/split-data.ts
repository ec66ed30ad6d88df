/** msc-split-data: the original's split_data — a table into parts by study, reproducibly. */
import { MscError, defineCli, namedPath, parse, writeSummary, type Command } from '@msc/core';
import { formatFromPath } from '@msc/tables';
import { splitData } from '../split-data.js';

interface Flags {
  inputPath?: string;
  outputPaths?: string[];
  fractions?: string[];
  randomSeed: number;
  idCol: string;
  sep?: string;
}

const positive = (value: string): number => {
  const number = Number(value);
  if (value.trim() === '' || !(number > 0) || !Number.isFinite(number))
    throw new MscError('E_USAGE', `--fractions takes numbers > 0, not '${value}'`, { hint: 'e.g. --fractions 0.8 0.2' });
  return number;
};

/** The original's --sep, checked against the format the output's extension gives. */
function checkSeparator(sep: string, paths: readonly string[]): void {
  const separator = sep === '\\t' || sep === 'tab' ? '\t' : sep;
  for (const path of paths) {
    const format = formatFromPath(path);
    const expected = format === 'tsv' ? '\t' : format === 'csv' ? ',' : undefined;
    if (expected !== undefined && expected !== separator) {
      throw new MscError('E_USAGE', `--sep '${sep}' does not match ${path} (${format})`, {
        hint: 'the separator follows the extension: .csv is comma-separated, .tsv tab-separated',
      });
    }
  }
}

export const main = defineCli<Flags>({
  name: 'msc-split-data',
  writesTables: true,
  description: 'Split a table into parts (train/test) by study: every row of a study lands in one part, the same parts for the same seed',
  configure: (command: Command) =>
    command
      .argument('[table]', 'the table (.parquet .csv .tsv .json .jsonl), per instance or per series')
      .option('-i, --input-path <table>', 'the table (as the positional argument; the original spelling)')
      .option('-o, --output-paths <tables...>', 'one output per part, e.g. train.csv test.csv')
      .option('--fractions <x...>', 'share of studies per output (default 0.8 0.2 for two outputs, equal parts otherwise)')
      .option('--random-seed <n>', 'seed of the split', parse.count(0), 42)
      .option('--id-col <name>', 'rows with the same value stay together', 'study_uid')
      .option('--sep <separator>', "the original's separator flag; checked against the outputs' extensions"),
  aliases: { '--seed': '--random-seed', '--output-path': '--output-paths' },
  paths: (flags, args) => ({
    inputs: [...args, flags.inputPath].map((path) => namedPath(path, 'the input table')),
    outputs: (flags.outputPaths ?? []).map((path, i) => ({ path, role: `output ${i + 1}` })),
  }),
  async run(flags, args, io) {
    const inputs = [...args, ...(flags.inputPath ? [flags.inputPath] : [])];
    if (inputs.length !== 1)
      throw new MscError('E_USAGE', inputs.length === 0 ? 'no input table given' : 'give exactly one input table', {
        hint: 'msc-split-data series.parquet -o train.parquet test.parquet',
      });
    const outputs = flags.outputPaths ?? [];
    if (flags.sep !== undefined) checkSeparator(flags.sep, [inputs[0]!, ...outputs]);
    const summary = await splitData({
      input: inputs[0]!,
      outputs,
      ...(flags.fractions ? { fractions: flags.fractions.flatMap((f) => f.split(',')).map(positive) } : {}),
      seed: flags.randomSeed,
      idColumn: flags.idCol,
    });
    writeSummary(
      io,
      summary,
      `msc-split-data: ${summary.rows} rows, ${summary.groups} ${flags.idCol} → ${summary.parts.map((p) => `${p.output} (${p.groups} ${flags.idCol}, ${p.rows} rows)`).join(', ')}`,
    );
    return 0;
  },
});
