/**
 * msc-train flags (commander, through core's CLI kit) and their checking into the library's
 * TrainRunOptions.
 * Names follow the original tool where it had the option.
 */
import { MscError, Option, parse, type Command } from '@msc/core';
import { parseParamOverrides, type Task } from '../params.js';
import { checkTagDropout, type TagDropout } from '../augment/tag-dropout.js';
import type { TrainRunOptions } from '../train-from-table.js';

/** The flags as commander hands them over. */
export interface TrainFlags {
  inputPath?: string;
  output?: string;
  testSet?: string;
  targetColumn: string;
  task: Task;
  excludeCols?: string;
  includeCols?: string;
  subset?: number;
  seed: number;
  param?: string[];
  folds: number;
  groupFile?: string;
  nIter: number;
  innerFolds: number;
  skipImportance?: boolean;
  minDf: number;
  derivedFeatures: boolean;
  modelName: string;
  tagDropout?: string;
  tagDropoutCopies: number;
}

/** The original's spellings of flags MSC names differently. */
export const TRAIN_ALIASES = { '--output-path': '--output', '--test-set-path': '--test-set', '--test-path': '--test-set' };

const positive = (value: string): number => {
  const number = Number(value);
  if (value.trim() === '' || !(number > 0) || !Number.isFinite(number)) throw new Error(`expected a number > 0, not '${value}'`);
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
    .option('--exclude-cols <list>', 'columns left out, separated by , or :')
    .option('--include-cols <list>', 'only these columns, separated by , or :')
    .option('--subset <n>', 'fraction (0-1] or count of studies to train on', parse.via(positive))
    .option('--seed <n>', 'random seed', parse.count(0), 42)
    .option('--param <key=value...>', 'booster parameter (repeatable), e.g. max_depth=4')
    .option('--folds <n>', 'outer cross-validation folds grouped by study', parse.count(2), 5)
    .option('--group-file <json>', 'JSON study_uid → group: leave-one-group-out instead of k folds')
    .option('--n-iter <n>', 'inner random-search draws per fold (0 = off)', parse.count(0), 0)
    .option('--inner-folds <n>', 'inner search folds', parse.count(2), 5)
    .option('--skip-importance', 'skip gain/SHAP feature importance')
    .option('--min-df <x>', 'minimum document frequency of n-gram terms', parse.via(positive), 0.01)
    .option('--no-derived-features', 'leave out derived features (plane, b-value range, ...): for ablations')
    .option('--model-name <name>', 'model name in the metrics tables', 'gbdt')
    .option('--tag-dropout <p|one>', 'also train on copies with informative columns blank: each with probability p (0-1), or one per copy')
    .option('--tag-dropout-copies <n>', 'copies per row under --tag-dropout', parse.count(1), 1);
}

const columnList = (text: string | undefined): string[] =>
  text
    ? text
        .split(/[,:]/)
        .map((c) => c.trim())
        .filter(Boolean)
    : [];

/** Checks the parsed flags and positional arguments into the options runTrain takes. */
export function trainOptionsFrom(flags: TrainFlags, args: readonly string[]): TrainRunOptions {
  const inputs = [...args, ...(flags.inputPath ? [flags.inputPath] : [])];
  if (inputs.length !== 1)
    throw new MscError('E_USAGE', inputs.length === 0 ? 'no input table given' : 'give exactly one input table', { hint: 'msc-train <table> -o <model.onnx>' });
  const input = inputs[0]!;
  if (!flags.output) throw new MscError('E_USAGE', 'no output model given', { hint: 'add -o model.onnx' });
  if (!/\.onnx$/i.test(flags.output))
    throw new MscError('E_USAGE', `the output model must be an .onnx file, not ${flags.output}`, { hint: 'add -o model.onnx' });
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
    params: { ...parseParamOverrides(flags.param ?? []), seed: flags.seed },
    folds: flags.folds,
    ...(flags.groupFile ? { groupFile: flags.groupFile } : {}),
    nIter: flags.nIter,
    innerFolds: flags.innerFolds,
    skipImportance: flags.skipImportance === true,
    minDocFreq: flags.minDf,
    derivedFeatures: flags.derivedFeatures,
    modelName: flags.modelName,
    ...(flags.tagDropout !== undefined ? { tagDropout: tagDropoutFrom(flags.tagDropout, flags.tagDropoutCopies) } : {}),
  };
}

function tagDropoutFrom(text: string, copies: number): TagDropout {
  const dropout: TagDropout = text.trim() === 'one' ? { mode: 'one', copies } : { mode: 'each', probability: Number(text), copies };
  checkTagDropout(dropout);
  return dropout;
}
