/**
 * msc-predict: DICOM folders or tables (CSV, TSV, parquet, JSON, the original's nested JSON; per
 * instance or per series) → one label per series with probabilities, confidence and the heuristic rule that fired.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { MscError, inShard, normalizeFlagSpellings, parseShard, runCli, type Row, type Shard } from '@msc/core';
import { formatDelimitedLine, isTablePath, readSeriesTable, readTableAll, writeTable } from '@msc/tables';
import { extractSeries } from '@msc/extract';
import { compileRuleSet, loadRuleSet } from '@msc/heuristics';
import { openModel, type ModelBundle } from '../model-bundle.js';
import { predictRowsFrom } from './inputs.js';
import { predictSeries, predictionRows } from '../predict.js';

const DEFAULT_MODEL = new URL('../../../../models/prostate_mpmri.onnx', import.meta.url).pathname;

function fraction(value: string): number {
  const number = Number(value);
  if (!(number >= 0 && number <= 1)) throw new InvalidArgumentError('expected a number between 0 and 1');
  return number;
}

function program(): Command {
  return new Command('msc-predict')
    .description('Classify MRI series (T2W, ADC, DWI, DCE, Others) from DICOM metadata tables')
    .argument('[inputs...]', 'DICOM folders (series or whole archives) or tables: .csv .tsv .parquet .json .jsonl, per instance or per series')
    .option('-i, --input-path <path...>', 'inputs (as positional arguments; the original spelling)')
    .option('-m, --model-path <path...>', 'one or more .onnx models from msc-train', [DEFAULT_MODEL])
    .option('--heuristics <name-or-yaml>', "rule set applied on top: 'prostate_mpmri' or a YAML file")
    .option('-o, --output <path>', 'write the table here (format by extension, atomic) instead of CSV on stdout')
    .addOption(new Option('--vote <kind>', 'soft: average probabilities; hard: most common label over models').choices(['soft', 'hard']).default('soft'))
    .option('--min-confidence <p>', "label series whose top probability is below p 'uncertain'", fraction)
    .addOption(new Option('--reduce <level>', 'one row per series, per study, or per instance').choices(['series', 'study', 'instance']).default('series'))
    .option('--column-map <old:new...>', 'rename input columns before predicting')
    .option('--dicom-recursion <depth>', 'folder levels to descend below a DICOM input (default: unlimited)', (value: string) => {
      const depth = Number(value);
      if (!Number.isInteger(depth) || depth < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
      return depth;
    })
    .option('--classes <names>', 'class names, comma-separated, for a model that carries none')
    .option('--shard <k/n>', 'predict only the k-th of n deterministic parts of the series (by study+series UID); n jobs together give one run\'s output')
    .showHelpAfterError();
}

interface Flags {
  inputPath?: string[];
  modelPath: string[];
  heuristics?: string;
  output?: string;
  vote: 'soft' | 'hard';
  minConfidence?: number;
  reduce: 'series' | 'study' | 'instance';
  columnMap?: string[];
  classes?: string;
  dicomRecursion?: number;
  shard?: string;
}

async function main(argv: readonly string[]): Promise<number> {
  const command = program();
  command.exitOverride();
  command.configureOutput({ writeErr: (text) => process.stderr.write(text) });
  // The original's snake_case spellings (--input_dir, --model_path, ...) are accepted too.
  const args = normalizeFlagSpellings(argv);
  try {
    command.parse(args, { from: 'user' });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return 0;
    return 2;
  }
  const flags = command.opts<Flags>();
  const inputs = [...command.args, ...(flags.inputPath ?? [])];
  if (inputs.length === 0) throw new MscError('E_USAGE', 'no input given', { hint: 'msc-predict <dicom-folder | table> [more inputs] [--model-path model.onnx]' });
  const columnMap = parseColumnMap(flags.columnMap ?? []);
  const shard: Shard | undefined = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
  // ONNX Runtime loads each model on its scoring thread while the inputs are read.
  const models = await Promise.all(
    flags.modelPath.map((path) => openModel(path, flags.classes ? { classNames: flags.classes.split(',').map((name) => name.trim()) } : {})),
  );
  try {
    return await predictInputs(flags, inputs, columnMap, shard, models);
  } finally {
    await Promise.all(models.map((model) => model.close()));
  }
}

async function predictInputs(flags: Flags, inputs: readonly string[], columnMap: ReadonlyMap<string, string>, shard: Shard | undefined, models: readonly ModelBundle[]): Promise<number> {
  const heuristics = flags.heuristics ? compileRuleSet(await loadRuleSet(flags.heuristics)) : undefined;
  // Tables are read for these columns only: what the models and rules use, and the keys.
  const needed = [
    ...new Set(['patient_id', 'study_uid', 'series_uid', ...models.flatMap((model) => model.spec.features.map((feature) => feature.column)), ...(heuristics?.columns ?? [])]),
  ];
  const rows: Row[] = [];
  // A loop, not push(...rows): spreading millions of (instance) rows overflows the call stack.
  const keep = (found: readonly Row[]) => {
    for (const row of found) if (inShard(shard, keyText(row.study_uid), keyText(row.series_uid))) rows.push(row);
  };
  for (const input of inputs) {
    if (isTablePath(input)) {
      keep(await predictRowsFrom(input, flags.reduce, columnMap, { readSeriesTable, readTableAll }, needed));
      continue;
    }
    // A series folder or a whole archive: series come from the headers (SeriesInstanceUID).
    const extracted = await extractSeries([input], flags.dicomRecursion !== undefined ? { maxDepth: flags.dicomRecursion } : {});
    if (extracted.rows.length === 0) {
      throw new MscError('E_BAD_DATA', `no DICOM image series found in ${input}`, { path: input, hint: 'give a DICOM folder or a feature table' });
    }
    for (const { path, reason } of extracted.skipped) if (reason !== 'not DICOM') process.stderr.write(`msc-predict: skipped ${path}: ${reason}\n`);
    keep(extracted.rows);
  }
  // A model ONNX Runtime cannot load is an error even when there is nothing to score.
  await Promise.all(models.map((model) => model.ready));
  const predictions = await predictSeries(rows, models, {
    vote: flags.vote,
    ...(flags.minConfidence !== undefined ? { minConfidence: flags.minConfidence } : {}),
    ...(heuristics ? { heuristics } : {}),
  });
  const table = predictionRows(predictions, models[0]!.task === 'classification' ? models[0]!.classNames : []);
  if (flags.output) {
    await writeTable(flags.output, table.columns, table.rows);
    process.stderr.write(`msc-predict: ${predictions.length} series → ${flags.output}\n`);
  } else {
    let text = formatDelimitedLine(table.columns, ',');
    for (const row of table.rows) text += formatDelimitedLine(table.columns.map((column) => row[column]), ',');
    process.stdout.write(text);
  }
  return 0;
}

/** A key cell as the shard hash sees it (the text written to the output). */
function keyText(cell: Row[string] | undefined): string {
  return cell === null || cell === undefined ? '-' : String(cell);
}

function parseColumnMap(pairs: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of pairs) {
    const [from, to, ...rest] = pair.split(':');
    if (!from || !to || rest.length > 0) throw new MscError('E_USAGE', `--column-map takes old:new, not '${pair}'`);
    map.set(from.trim(), to.trim());
  }
  return map;
}

runCli(main);
