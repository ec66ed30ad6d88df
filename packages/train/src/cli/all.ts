/**
 * `msc-train all`: the original's train_all_models.smk in one command — study-grouped split,
 * every exclusion × training fraction, leave-one-centre-out and leave-one-vendor-out, in
 * parallel, resumable, then the long metric and importance tables.
 */
import { resolve } from 'node:path';
import { MscError, Option, Progress, defineCli, parse, writeSummary, type Command } from '@msc/core';
import { parseParamOverrides, resolveParams, type Task } from '../params.js';
import { ORIGINAL_EXCLUSIONS, ORIGINAL_FRACTIONS } from '../grid/plan.js';
import { runGrid, type GridEvent, type GridSummary } from '../grid/run.js';

interface AllFlags {
  inputPath?: string;
  outputDir?: string;
  testSet?: string;
  testFraction: number;
  exclusions: string[];
  fractions: number[];
  groupFile?: string;
  vendorColumn: string;
  logoVendor: boolean;
  modelName: string;
  targetColumn: string;
  task: Task;
  seed: number;
  param?: string[];
  folds: number;
  nIter: number;
  innerFolds: number;
  minDf: number;
  derivedFeatures: boolean;
  skipImportance?: boolean;
  nJobs?: number;
}

const list = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
const percentages = (value: string): number[] =>
  list(value).map((item) => {
    const number = Number(item.replace(/%$/, ''));
    if (!(number > 0 && number <= 100)) throw new Error(`training fractions are percentages in (0, 100], not '${item}'`);
    return number;
  });
const share = (value: string): number => {
  const number = Number(value);
  if (value.trim() === '' || !(number > 0 && number < 1)) throw new Error(`expected a share between 0 and 1 (exclusive), not '${value}'`);
  return number;
};
const positive = (value: string): number => {
  const number = Number(value);
  if (value.trim() === '' || !(number > 0) || !Number.isFinite(number)) throw new Error(`expected a number > 0, not '${value}'`);
  return number;
};

function configure(command: Command): Command {
  return command
    .argument('[table]', 'labelled feature table (.parquet .csv .tsv .json): series from msc-extract with a label column')
    .option('-i, --input-path <table>', 'the table (as the positional argument; the original spelling)')
    .option('-o, --output-dir <dir>', 'where the split, models, tables and report go (required)')
    .option('--test-set <table>', 'a separate labelled test table (default: split the input by study)')
    .option('--test-fraction <share>', 'share of studies held out as the test set when splitting', parse.via(share), 0.2)
    .addOption(
      new Option('--exclusions <list>', "exclusion sets, comma-separated; each 'standard' or columns joined by ':'")
        .argParser(parse.via(list))
        .default([...ORIGINAL_EXCLUSIONS], ORIGINAL_EXCLUSIONS.join(',')),
    )
    .addOption(
      new Option('--fractions <list>', 'training fractions in percent of the training studies, comma-separated')
        .argParser(parse.via(percentages))
        .default([...ORIGINAL_FRACTIONS], ORIGINAL_FRACTIONS.join(',')),
    )
    .option('--group-file <json>', 'JSON study_uid → centre: adds leave-one-centre-out runs')
    .option('--vendor-column <name>', 'column whose vendor names the leave-one-vendor-out groups', 'manufacturer')
    .option('--no-logo-vendor', 'no leave-one-vendor-out runs')
    .option('--model-name <name>', 'model name: files are <name>.<exclusion>.<fraction>.onnx', 'gbdt')
    .option('--target-column <name>', 'label column', 'class')
    .addOption(new Option('--task <task>', 'what to learn').choices(['classification', 'regression']).default('classification'))
    .option('--seed <n>', 'random seed (split, subsets, folds, boosting)', parse.count(0), 42)
    .option('--param <key=value...>', 'booster parameter for every model (repeatable), e.g. n_estimators=50')
    .option('--folds <n>', 'outer cross-validation folds grouped by study', parse.count(2), 5)
    .option('--n-iter <n>', 'inner random-search draws per fold (0 = off)', parse.count(0), 0)
    .option('--inner-folds <n>', 'inner search folds', parse.count(2), 5)
    .option('--min-df <x>', 'minimum document frequency of n-gram terms', parse.via(positive), 0.01)
    .option('--no-derived-features', 'leave out derived features (plane, b-value range, ...)')
    .option('--skip-importance', 'no feature importance (default: for the 100 % models, as the original)')
    .option('-j, --n-jobs <n>', 'models trained at once (worker threads; default and maximum: the cores)', parse.count(1));
}

const f4 = (x: number | undefined) => (x === undefined ? '   –  ' : x.toFixed(4));

export function formatGridSummary(s: GridSummary): string {
  const width = Math.max(...s.jobs.map((job) => job.name.length), 5);
  const lines = [`${'model'.padEnd(width)}  status   cv      test    seconds`];
  for (const job of s.jobs) {
    lines.push(
      `${job.name.padEnd(width)}  ${job.status.padEnd(7)}  ${f4(job.cvScore)}  ${f4(job.testScore)}  ${job.seconds === undefined ? '' : job.seconds.toFixed(0).padStart(6)}${job.reason ? `  ${job.reason}` : ''}`,
    );
  }
  lines.push(
    `${s.models} models: ${s.trained} trained, ${s.reused} already done, ${s.skipped} skipped, ${s.failed} failed; ${s.threads} thread${s.threads > 1 ? 's' : ''}, ${s.seconds.toFixed(0)} s`,
  );
  lines.push(`tables: ${[s.tables.metrics, ...Object.values(s.tables.logo), s.tables.importance, s.tables.predictions].filter(Boolean).join(', ')}`);
  lines.push(`report: msc-report --grid ${s.outDir} -o ${s.outDir}/report.html`);
  return lines.join('\n');
}

export const trainAllMain = defineCli<AllFlags>({
  name: 'msc-train all',
  writesTables: true,
  description:
    'Train the whole grid of the original pipeline: every exclusion set × training fraction, leave-one-centre-out and leave-one-vendor-out, then the long metric and importance tables',
  configure,
  aliases: {
    '--output-path': '--output-dir',
    '--models-dir': '--output-dir',
    '--test-set-path': '--test-set',
    '--random-seed': '--seed',
    '--jobs': '--n-jobs',
  },
  helpText: `
Layout of the output folder:
  data/train.parquet, data/test.parquet   the study-grouped split (kept while input and settings are unchanged)
  models/<model>.<exclusion>.<fraction>.onnx (+ .metrics.csv, .metrics.json, .predictions.csv, .importance.csv at 100 %)
  models_logo_centre/<model>.<exclusion>.onnx, models_logo_vendor/<model>.<exclusion>.onnx
  metrics.csv, metrics_logo_centre.csv, metrics_logo_vendor.csv   model, exclusion, metric, value, true, pred, set, split, fold, fraction
  feature_importances.csv   model, exclusion, class, value, feature, fold, fraction (value: mean |SHAP|)
  test_predictions.csv      every test series as each model labelled it, with description, vendor, centre
Rerun the same command after an interruption: finished models (model, metrics and job record with
the same settings and data) are not trained again.`,
  async run(flags, args, io) {
    const inputs = [...args, ...(flags.inputPath ? [flags.inputPath] : [])];
    if (inputs.length !== 1)
      throw new MscError('E_USAGE', inputs.length === 0 ? 'no input table given' : 'give exactly one input table', {
        hint: 'msc-train all features.parquet -o grid/',
      });
    if (!flags.outputDir) throw new MscError('E_USAGE', 'no output folder given', { hint: 'add -o grid/' });
    const params = { ...parseParamOverrides(flags.param ?? []), seed: flags.seed };
    resolveParams(params); // checks every value before any thread starts
    const outDir = resolve(flags.outputDir);

    const progress = new Progress(io.stderr, 200);
    const running = new Map<string, number>();
    let done = 0;
    let total = 0;
    const show = () => {
      const now = performance.now();
      const jobs = [...running].map(([name, since]) => `${name.replace(/^models[^/]*\//, '')} ${((now - since) / 1000).toFixed(0)} s`).join(', ');
      progress.update(`msc-train all: ${done}/${total} models${jobs ? ` · ${jobs}` : ''}`);
    };
    // On a terminal the line is redrawn every second, so long jobs show their time.
    const ticker = io.stderr.isTTY ? setInterval(show, 1000).unref() : undefined;
    const onEvent = (event: GridEvent) => {
      if (event.type === 'planned') {
        total = event.total;
        done = event.done;
      } else if (event.type === 'started') running.set(event.name, performance.now());
      else {
        running.delete(event.result.name);
        done += 1;
      }
      show();
    };
    const stopListening = io.onInterrupt(() => {
      progress.done();
      io.stderr.write(`msc-train all: interrupted; finished models are kept in ${outDir}; rerun the same command to continue\n`);
    });
    try {
      const { summary, failure } = await runGrid(
        {
          input: inputs[0]!,
          outDir,
          ...(flags.testSet ? { testSet: flags.testSet } : {}),
          testFraction: flags.testFraction,
          exclusions: flags.exclusions,
          fractions: flags.fractions,
          ...(flags.groupFile ? { groupFile: flags.groupFile } : {}),
          ...(flags.logoVendor ? { vendorColumn: flags.vendorColumn } : {}),
          modelName: flags.modelName,
          targetColumn: flags.targetColumn,
          task: flags.task,
          seed: flags.seed,
          params,
          folds: flags.folds,
          nIter: flags.nIter,
          innerFolds: flags.innerFolds,
          minDocFreq: flags.minDf,
          derivedFeatures: flags.derivedFeatures,
          skipImportance: flags.skipImportance === true,
          ...(flags.nJobs !== undefined ? { jobs: flags.nJobs } : {}),
        },
        onEvent,
      );
      progress.done();
      writeSummary(io, summary, formatGridSummary(summary));
      if (failure !== undefined) throw failure;
      const skipped = summary.jobs.filter((job) => job.status === 'skipped');
      for (const job of skipped) io.stderr.write(`msc-train all: skipped ${job.name}: ${job.reason ?? 'no reason given'}\n`);
      if (summary.trained + summary.reused === 0) {
        // A grid that trained nothing is a failed run for the pipeline that called it.
        throw new MscError('E_BAD_DATA', `no model was trained: all ${summary.models} jobs were skipped (${skipped[0]?.reason ?? 'nothing to train'})`, {
          hint: 'check the labelled table: every job needs at least two classes in its training rows',
        });
      }
      return 0;
    } finally {
      if (ticker) clearInterval(ticker);
      progress.done();
      stopListening();
    }
  },
});
