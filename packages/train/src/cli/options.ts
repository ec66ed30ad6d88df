/**
 * msc-train flags (commander, through core's CLI kit) and their checking into the library's
 * TrainRunOptions.
 * Names follow the original tool where it had the option.
 */
import { InvalidArgumentError, MscError, Option, assertDistinctPaths, checkOutputPath, parse, type Command } from '@msc/core';
import { parseParamOverrides, type Task } from '../params.js';
import { checkTagDropout, type TagDropout } from '../augment/tag-dropout.js';
import type { TrainRunOptions } from '../train-from-table.js';
import type { SiteTrainOptions } from '../site/site-train.js';

/** The flags as commander hands them over. */
export interface TrainFlags {
  inputPath?: string;
  output?: string;
  testSet?: string;
  targetColumn: string;
  task: Task;
  excludeCols?: string[];
  includeCols?: string[];
  subset?: number;
  seed: number;
  param?: string[];
  folds: number | string;
  groupFile?: string;
  nJobs?: number;
  saveModel?: boolean;
  nIter: number;
  innerFolds: number;
  skipImportance?: boolean;
  minDf: number;
  derivedFeatures: boolean;
  modelName: string;
  tagDropout?: string;
  tagDropoutCopies: number;
  cohort?: string;
  base?: string;
  corrections?: string;
  correctionWeight?: number;
  maxBaseDrop: number;
  cacheDir?: string;
}

/** The original's spellings of flags MSC names differently. */
export const TRAIN_ALIASES = {
  '--output-path': '--output',
  '--test-set-path': '--test-set',
  '--test-path': '--test-set',
  // The original's train_all_models.smk spellings.
  '--n-folds': '--folds',
  '--random-seed': '--seed',
  '--skip-feature-importance': '--skip-importance',
};

/** `--folds`: a count of folds, or (the original's `--folds <file>`) a JSON file study_uid → group. */
const foldsOrFile = (value: string): number | string => {
  if (!/^\d+$/.test(value.trim())) return value;
  const count = Number(value);
  if (count < 2) throw new InvalidArgumentError(`expected a whole number ≥ 2 or a fold file, not '${value}'`);
  return count;
};

const positive = (value: string): number => {
  const number = Number(value);
  if (value.trim() === '' || !(number > 0) || !Number.isFinite(number)) throw new Error(`expected a number > 0, not '${value}'`);
  return number;
};

const nonNegative = (value: string): number => {
  const number = Number(value);
  if (value.trim() === '' || !(number >= 0) || !Number.isFinite(number)) throw new Error(`expected a number ≥ 0, not '${value}'`);
  return number;
};

export function configureTrain(command: Command): Command {
  return command
    .argument('[table]', 'labelled feature table (.parquet .csv .tsv .json .jsonl), per instance or per series')
    .option('-i, --input-path <table>', 'the table (as the positional argument; the original spelling)')
    .option('-o, --output <model.onnx>', 'model file to write (.onnx); metrics go beside it')
    .option('--test-set <table>', 'labelled table scored by every fold and by the ensemble')
    .option('--target-column <name>', 'label column', 'class')
    .addOption(new Option('--task <task>', 'what to learn').choices(['classification', 'regression']).default('classification'))
    .option('--exclude-cols <columns...>', 'columns left out: space-separated (the original) or separated by , or :')
    .option('--include-cols <columns...>', 'only these columns: space-separated or separated by , or :')
    .option('--subset <n>', 'fraction (0-1] or count of studies to train on', parse.via(positive))
    .option('--seed <n>', 'random seed', parse.count(0), 42)
    .option('--param <key=value...>', 'booster parameter (repeatable), e.g. max_depth=4')
    .option('--folds <n|file>', 'outer cross-validation folds grouped by study, or a fold file (JSON study_uid → group, as --group-file)', foldsOrFile, 5)
    .option('--group-file <json>', 'JSON study_uid → group: leave-one-group-out instead of k folds')
    .option('--n-jobs <n>', "the original's worker count: threads building the trees' histograms", parse.count(1))
    .option('--save-model', "the original's flag to write the model: msc-train always writes it (accepted, changes nothing)")
    .option('--n-iter <n>', 'inner random-search draws per fold (0 = off)', parse.count(0), 0)
    .option('--inner-folds <n>', 'inner search folds', parse.count(2), 5)
    .option('--skip-importance', 'skip gain/SHAP feature importance')
    .option('--min-df <x>', 'minimum document frequency of n-gram terms', parse.via(positive), 0.01)
    .option('--no-derived-features', 'leave out derived features (plane, b-value range, ...): for ablations')
    .option('--model-name <name>', 'model name in the metrics tables', 'gbdt')
    .option('--tag-dropout <p|one>', 'also train on copies with informative columns blank: each with probability p (0-1), or one per copy')
    .option('--tag-dropout-copies <n>', 'copies per row under --tag-dropout', parse.count(1), 1)
    .option(
      '--cohort <json>',
      'the synthetic cohorts the table and --test-set were made from ({generator, train, heldOut}): recorded in the model so --base can regenerate them',
    )
    .option(
      '--base <model.onnx>',
      "site model: retrain this model on its own (regenerated) training cohort plus the series in --corrections; the table is the site's features",
    )
    .option('--corrections <csv>', 'with --base: reviewed series (study_uid, series_uid, class, previous, reviewed_at), as msc-review writes them')
    .option(
      '--correction-weight <w>',
      'with --base: sample weight of each reviewed series (default: the base rows per reviewed series / 20)',
      parse.via(positive),
    )
    .option(
      '--max-base-drop <x>',
      "with --base: refuse a site model whose macro-F1 on the base model's held-out cohort is lower by more than this",
      parse.via(nonNegative),
      0.01,
    )
    .option('--cache-dir <dir>', 'with --base: where regenerated cohorts are kept (default ~/.cache/msc/cohorts)');
}

const columnList = (values: readonly string[] | undefined): string[] =>
  (values ?? [])
    .flatMap((text) => text.split(/[,:\s]/))
    .map((c) => c.trim())
    .filter(Boolean);

/** Checks the parsed flags and positional arguments into the options runTrain takes. */
export function trainOptionsFrom(flags: TrainFlags, args: readonly string[]): TrainRunOptions {
  const inputs = [...args, ...(flags.inputPath ? [flags.inputPath] : [])];
  if (inputs.length !== 1)
    throw new MscError('E_USAGE', inputs.length === 0 ? 'no input table given' : 'give exactly one input table', { hint: 'msc-train <table> -o <model.onnx>' });
  const input = inputs[0]!;
  if (!flags.output) throw new MscError('E_USAGE', 'no output model given', { hint: 'add -o model.onnx' });
  if (!/\.onnx$/i.test(flags.output))
    throw new MscError('E_USAGE', `the output model must be an .onnx file, not ${flags.output}`, { hint: 'add -o model.onnx' });
  if (typeof flags.folds === 'string' && flags.groupFile && flags.groupFile !== flags.folds)
    throw new MscError('E_USAGE', `--folds ${flags.folds} (a fold file) and --group-file ${flags.groupFile} name two fold files`, { hint: 'give one of them' });
  const groupFile = typeof flags.folds === 'string' ? flags.folds : flags.groupFile;
  return {
    input,
    output: flags.output,
    ...(flags.testSet ? { testSet: flags.testSet } : {}),
    targetColumn: flags.targetColumn,
    task: flags.task,
    excludeCols: columnList(flags.excludeCols),
    includeCols: columnList(flags.includeCols),
    ...(flags.subset !== undefined ? { subset: flags.subset } : {}),
    seed: flags.seed,
    params: { ...parseParamOverrides(flags.param ?? []), seed: flags.seed, ...(flags.nJobs !== undefined ? { n_threads: flags.nJobs } : {}) },
    folds: typeof flags.folds === 'number' ? flags.folds : 5,
    ...(groupFile ? { groupFile } : {}),
    nIter: flags.nIter,
    innerFolds: flags.innerFolds,
    skipImportance: flags.skipImportance === true,
    minDocFreq: flags.minDf,
    derivedFeatures: flags.derivedFeatures,
    modelName: flags.modelName,
    ...(flags.tagDropout !== undefined ? { tagDropout: tagDropoutFrom(flags.tagDropout, flags.tagDropoutCopies) } : {}),
    ...(flags.cohort ? { cohort: flags.cohort } : {}),
  };
}

/** msc-train <site table> --base model.onnx --corrections reviews.csv -o site.onnx: checked into the site run's options. */
export function siteOptionsFrom(flags: TrainFlags, args: readonly string[], defaultCacheDir: string): SiteTrainOptions {
  const usage = 'msc-train site-features.parquet --base models/prostate_mpmri.onnx --corrections corrections.csv -o site.onnx';
  if (!flags.base || !flags.corrections)
    throw new MscError(
      'E_USAGE',
      flags.base ? '--base needs --corrections (the reviewed series)' : '--corrections needs --base (the model the site reviewed)',
      { hint: usage },
    );
  const inputs = [...args, ...(flags.inputPath ? [flags.inputPath] : [])];
  if (inputs.length !== 1)
    throw new MscError('E_USAGE', inputs.length === 0 ? 'no site features table given' : 'give exactly one site features table', { hint: usage });
  // A site model trains with the base model's recorded options: flags that would change them are refused, not ignored.
  const replayed = {
    '--param': flags.param,
    '--test-set': flags.testSet,
    '--cohort': flags.cohort,
    '--tag-dropout': flags.tagDropout,
    '--subset': flags.subset,
    '--group-file': flags.groupFile,
    '--exclude-cols': flags.excludeCols,
    '--include-cols': flags.includeCols,
  };
  const given = Object.entries(replayed)
    .filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0))
    .map(([flag]) => flag);
  if (given.length > 0)
    throw new MscError('E_USAGE', `${given.join(', ')} cannot be used with --base: a site model trains with the options the base model recorded`, {
      hint: usage,
    });
  if (!flags.output || !/\.onnx$/i.test(flags.output)) throw new MscError('E_USAGE', 'give the site model to write: -o site.onnx', { hint: usage });
  const report = `${flags.output.replace(/\.onnx$/i, '')}.site-report.json`;
  assertDistinctPaths(
    [
      { path: flags.output, role: 'the output model' },
      { path: report, role: `the output ${report}` },
    ],
    [
      { path: inputs[0]!, role: 'the site table' },
      { path: flags.base, role: 'the base model' },
      { path: flags.corrections, role: 'the corrections' },
    ],
  );
  for (const path of [flags.output, report]) checkOutputPath(path);
  return {
    input: inputs[0]!,
    output: flags.output,
    base: flags.base,
    corrections: flags.corrections,
    ...(flags.correctionWeight !== undefined ? { correctionWeight: flags.correctionWeight } : {}),
    maxBaseDrop: flags.maxBaseDrop,
    cacheDir: flags.cacheDir ?? defaultCacheDir,
  };
}

function tagDropoutFrom(text: string, copies: number): TagDropout {
  const dropout: TagDropout = text.trim() === 'one' ? { mode: 'one', copies } : { mode: 'each', probability: Number(text), copies };
  checkTagDropout(dropout);
  return dropout;
}
