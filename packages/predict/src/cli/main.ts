/**
 * msc-predict: DICOM folders or tables (CSV, TSV, parquet, JSON, the original's nested JSON; per
 * instance or per series) → one label per series with probabilities, confidence and the heuristic
 * rule that fired.
 */
import { MscError, Option, defineCli, parse, parseShard, writeSummary, type Command, type Shard } from '@msc/core';
import { formatDelimitedLine, writeTable } from '@msc/tables';
import { compileRuleSet, loadRuleSet } from '@msc/heuristics';
import { defaultModelPath } from '../default-model.js';
import { parseColumnMap, type PredictionLevel } from '../inputs.js';
import { openModel } from '../model-bundle.js';
import { predictFiles } from '../predict-files.js';

interface Flags {
  inputPath?: string[];
  modelPath?: string[];
  heuristics?: string;
  output?: string;
  vote: 'soft' | 'hard';
  minConfidence?: number;
  reduce: PredictionLevel;
  columnMap?: string[];
  classes?: string;
  dicomRecursion?: number;
  shard?: Shard;
  explain?: number | true;
}

export const main = defineCli<Flags>({
  name: 'msc-predict',
  description: 'Classify MRI series (T2W, ADC, DWI, DCE, Others) from DICOM folders or metadata tables',
  configure: (command: Command) =>
    command
      .argument('[inputs...]', 'DICOM folders (series or whole archives) or tables: .csv .tsv .parquet .json .jsonl, per instance or per series')
      .option('-i, --input-path <path...>', 'inputs (as positional arguments; the original spelling)')
      .option('-m, --model-path <path...>', 'one or more .onnx models from msc-train (default: the shipped prostate_mpmri model)')
      .option('--heuristics <name-or-yaml>', "rule set applied on top: 'prostate_mpmri' or a YAML file")
      .option('-o, --output <path>', 'write the table here (format by extension, atomic) instead of CSV on stdout')
      .addOption(new Option('--vote <kind>', 'soft: average probabilities; hard: most common label over models').choices(['soft', 'hard']).default('soft'))
      .option('--min-confidence <p>', "label series whose top probability is below p 'uncertain'", parse.fraction)
      .addOption(new Option('--reduce <level>', 'one row per series, per study, or per instance').choices(['series', 'study', 'instance']).default('series'))
      .option('--column-map <old:new...>', 'rename input columns before predicting')
      .option('--dicom-recursion <depth>', 'folder levels to descend below a DICOM input (default: unlimited)', parse.count(0))
      .option('--classes <names>', 'class names, comma-separated, for a model that carries none')
      .option('--explain [n]', 'add an explanation column: the n features (default 3) that moved each series to its label most (TreeSHAP)', parse.count(1))
      .option('--shard <k/n>', "only the k-th of n deterministic parts of the series (by study+series UID); n jobs together give one run's output", parse.via(parseShard)),
  helpText: `
Output: without -o the table is CSV on stdout; with -o a one-line JSON summary goes to stdout when
it is piped (a readable line on a terminal). Skipped DICOM files are listed on stderr.`,
  async run(flags, args, io) {
    const inputs = [...args, ...(flags.inputPath ?? [])];
    if (inputs.length === 0) throw new MscError('E_USAGE', 'no input given', { hint: 'msc-predict <dicom-folder | table> [more inputs] [--model-path model.onnx]' });
    const columnMap = parseColumnMap(flags.columnMap ?? []);
    const heuristics = flags.heuristics ? compileRuleSet(await loadRuleSet(flags.heuristics)) : undefined;
    const started = performance.now();
    const classNames = flags.classes?.split(',').map((name) => name.trim());
    // ONNX Runtime loads each model on its scoring thread while the inputs are read.
    const models = [];
    try {
      for (const path of flags.modelPath ?? [defaultModelPath(io.env)]) models.push(await openModel(path, classNames ? { classNames } : {}));
      const result = await predictFiles(inputs, models, {
        level: flags.reduce,
        columnMap,
        ...(flags.shard ? { shard: flags.shard } : {}),
        ...(flags.dicomRecursion !== undefined ? { dicomRecursion: flags.dicomRecursion } : {}),
        vote: flags.vote,
        ...(flags.minConfidence !== undefined ? { minConfidence: flags.minConfidence } : {}),
        ...(heuristics ? { heuristics } : {}),
        ...(flags.explain !== undefined ? { explain: flags.explain === true ? 3 : flags.explain } : {}),
      });
      for (const { path, reason } of result.skipped) if (reason !== 'not DICOM') io.stderr.write(`msc-predict: skipped ${path}: ${reason}\n`);
      const { columns, rows } = result.table;
      if (!flags.output) {
        let text = formatDelimitedLine(columns, ',');
        for (const row of rows) text += formatDelimitedLine(columns.map((column) => row[column]), ',');
        io.stdout.write(text);
        return 0;
      }
      await writeTable(flags.output, columns, rows);
      const labels: Record<string, number> = {};
      for (const prediction of result.predictions) labels[prediction.prediction_heuristics] = (labels[prediction.prediction_heuristics] ?? 0) + 1;
      const seconds = (performance.now() - started) / 1000;
      writeSummary(
        io,
        { series: result.predictions.length, labels, skipped: result.skipped.length, seconds: Number(seconds.toFixed(2)), output: flags.output },
        `msc-predict: ${result.predictions.length} ${flags.reduce === 'series' ? 'series' : `${flags.reduce} rows`} → ${flags.output} (${Object.entries(labels).map(([label, n]) => `${n} ${label}`).join(', ') || 'none'}), ${seconds.toFixed(1)} s`,
      );
      return 0;
    } finally {
      await Promise.all(models.map((model) => model.close()));
    }
  },
});
