/**
 * The grid of train_all_models.smk (docs/behaviour.md §6): every exclusion × training fraction on the
 * training part, plus leave-one-group-out runs (by centre from a group file, by vendor from the
 * table), each a msc-train run with the test part scored. Planning is pure: the same options and
 * data give the same jobs, names and config hashes, which is what makes a grid resumable.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { MscError } from '@msc/core';
import type { BoosterParams, Task } from '../params.js';
import type { TrainRunOptions } from '../train-from-table.js';

/** The original's exclusion sets: none, the description, two scanner-specific numbers, all three. */
export const ORIGINAL_EXCLUSIONS = [
  'standard',
  'series_description',
  'percent_phase_field_of_view:sar',
  'percent_phase_field_of_view:sar:series_description',
] as const;
/** The original's training fractions, in percent of the training studies. */
export const ORIGINAL_FRACTIONS = [1, 2, 5, 10, 25, 50, 70, 100] as const;

export type Grouping = 'centre' | 'vendor';

/** What every job of a grid shares (the msc-train options that are not the grid's axes). */
export interface GridTrainSettings {
  modelName: string;
  targetColumn: string;
  task: Task;
  seed: number;
  folds: number;
  params: Partial<BoosterParams>;
  nIter: number;
  innerFolds: number;
  minDocFreq: number;
  derivedFeatures: boolean;
  /** Skip feature importance everywhere (by default it is computed for the 100 % models, as the original does). */
  skipImportance: boolean;
}

/** The data a grid trains on, with content hashes (a changed file means changed models). */
export interface GridData {
  train: string;
  test: string;
  trainHash: string;
  testHash: string;
  trainStudies: number;
  /** Leave-one-group-out group files (study_uid → group) and their hashes. */
  groups: Partial<Record<Grouping, { path: string; hash: string; names: string[] }>>;
}

export interface GridPlanOptions extends GridTrainSettings {
  outDir: string;
  /** Exclusion names: `standard` or columns joined by `:`. */
  exclusions: readonly string[];
  /** Training fractions in percent (0, 100]. */
  fractions: readonly number[];
}

export interface GridJob {
  /** `models/gbdt.standard.100`, `models_logo_vendor/gbdt.series_description`. */
  name: string;
  kind: 'fraction' | 'logo';
  grouping?: Grouping;
  exclusion: string;
  /** Percent of the training studies. */
  fraction: number;
  /** Options of the msc-train run (output: the .onnx file). */
  options: TrainRunOptions;
  /** Hash of everything the job's outputs depend on: equal hash, same model. */
  configHash: string;
  /** When the job cannot be run with these data, why (too few studies for any fold). */
  skip?: string;
}

/** `standard` → no column; `a:b` → [a, b]. */
export function exclusionColumns(name: string): string[] {
  return name === 'standard'
    ? []
    : name
        .split(':')
        .map((c) => c.trim())
        .filter(Boolean);
}

/** The name the metrics tables give a column list (as msc-train writes it). */
export function exclusionName(columns: readonly string[]): string {
  return columns.length === 0 ? 'standard' : columns.join(':');
}

/** Studies a fraction keeps (as subsetByStudy counts them). */
export function studiesKept(studies: number, percent: number): number {
  return percent >= 100 ? studies : Math.max(1, Math.round((percent / 100) * studies));
}

/** What a job writes, as a version: bumped when that changes, so older grids' models are retrained. */
const JOB_FORMAT = 1;

export function configHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

export function planGrid(options: GridPlanOptions, data: GridData): GridJob[] {
  for (const fraction of options.fractions) {
    if (!(fraction > 0 && fraction <= 100))
      throw new MscError('E_USAGE', `training fractions are percentages in (0, 100], not ${fraction}`, { hint: 'e.g. --fractions 1,2,5,10,25,50,70,100' });
  }
  const names = options.exclusions.map((e) => exclusionName(exclusionColumns(e)));
  if (new Set(names).size !== names.length) throw new MscError('E_USAGE', `an exclusion set is listed twice: ${options.exclusions.join(', ')}`);
  // n_threads does not change a model (bit-identical with 1 or 2 threads), so it is not in the hash.
  const modelParams = Object.fromEntries(Object.entries(options.params).filter(([key]) => key !== 'n_threads'));
  const shared = {
    format: JOB_FORMAT,
    train: data.trainHash,
    test: data.testHash,
    model: options.modelName,
    target: options.targetColumn,
    task: options.task,
    seed: options.seed,
    params: modelParams,
    nIter: options.nIter,
    innerFolds: options.innerFolds,
    minDocFreq: options.minDocFreq,
    derived: options.derivedFeatures,
  };
  const base = (exclusion: string, output: string): TrainRunOptions => ({
    input: data.train,
    output,
    testSet: data.test,
    targetColumn: options.targetColumn,
    task: options.task,
    excludeCols: exclusionColumns(exclusion),
    includeCols: [],
    seed: options.seed,
    params: { ...options.params, seed: options.seed },
    folds: options.folds,
    nIter: options.nIter,
    innerFolds: options.innerFolds,
    skipImportance: true,
    minDocFreq: options.minDocFreq,
    derivedFeatures: options.derivedFeatures,
    modelName: options.modelName,
  });

  const jobs: GridJob[] = [];
  for (const exclusion of names) {
    for (const fraction of options.fractions) {
      const name = `models/${options.modelName}.${exclusion}.${fraction}`;
      const kept = studiesKept(data.trainStudies, fraction);
      const folds = Math.min(options.folds, kept);
      const trainOptions: TrainRunOptions = {
        ...base(exclusion, join(options.outDir, `${name}.onnx`)),
        folds,
        ...(fraction < 100 ? { subset: fraction / 100 } : {}),
        // Importance for the whole-data models only, as the original does (it is the slow part).
        skipImportance: options.skipImportance || fraction < 100,
      };
      const config = { ...shared, exclusion, fraction, folds, importance: !trainOptions.skipImportance };
      jobs.push({
        name,
        kind: 'fraction',
        exclusion,
        fraction,
        options: trainOptions,
        configHash: configHash(config),
        ...(kept < 2 ? { skip: `${fraction} % of ${data.trainStudies} training studies is ${kept} study: cross-validation needs two` } : {}),
      });
    }
  }
  for (const grouping of ['centre', 'vendor'] as const) {
    const groups = data.groups[grouping];
    if (!groups) continue;
    for (const exclusion of names) {
      const name = `models_logo_${grouping}/${options.modelName}.${exclusion}`;
      const trainOptions: TrainRunOptions = { ...base(exclusion, join(options.outDir, `${name}.onnx`)), groupFile: groups.path };
      const config = { ...shared, exclusion, logo: grouping, groups: groups.hash };
      jobs.push({
        name,
        kind: 'logo',
        grouping,
        exclusion,
        fraction: 100,
        options: trainOptions,
        configHash: configHash(config),
        ...(groups.names.length < 2 ? { skip: `one ${grouping} only (${groups.names[0] ?? 'none'}): leave-one-${grouping}-out needs two` } : {}),
      });
    }
  }
  return jobs;
}
