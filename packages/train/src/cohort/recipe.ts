/**
 * A model's training-cohort recipe (metadata `msc.training_cohort`): everything needed to make its
 * training table again, bit for bit — the generator's version, each cohort's seed, studies and
 * vendors, the extracted table's hash — and the training options, so that `msc-train --base`
 * trains a site model on the same data with the same options.
 */
import { createHash } from 'node:crypto';
import { MscError, type Row } from '@msc/core';
import type { BoosterParams } from '../params.js';
import type { TagDropout } from '../augment/tag-dropout.js';

export const COHORT_RECIPE_VERSION = 1;

/** One synthetic cohort as msc-synth makes it (generateCohort's options that change its files). */
export interface SyntheticCohort {
  studies: number;
  seed: number;
  /** Profiles in turn; absent: the generator's default mix. */
  vendors?: string[];
  maxInstancesPerSeries?: number;
}

/** What a pipeline states about the synthetic data it trains on (msc-train --cohort <json>). */
export interface CohortDescription {
  /** msc-synth's GENERATOR_VERSION the cohorts were made with. */
  generator: string;
  train: SyntheticCohort;
  /** The held-out cohort the model was tested on (a site model must not lose more than a margin on it). */
  heldOut: SyntheticCohort;
}

/** The training options a recipe replays (those of msc-train that change the model). */
export interface RecipeTraining {
  targetColumn: string;
  folds: number;
  seed: number;
  params: Partial<BoosterParams>;
  excludeCols: string[];
  includeCols: string[];
  minDocFreq: number;
  derivedFeatures: boolean;
  nIter: number;
  innerFolds: number;
  tagDropout?: TagDropout;
}

export interface CohortRecipe extends CohortDescription {
  recipeVersion: typeof COHORT_RECIPE_VERSION;
  /** rowsDigest of the training table's series rows and of the held-out table's, as msc-train read them. */
  trainDigest: string;
  heldOutDigest?: string;
  training: RecipeTraining;
}

const isCohort = (value: unknown): value is SyntheticCohort => {
  const cohort = value as SyntheticCohort;
  return (
    !!cohort &&
    typeof cohort === 'object' &&
    Number.isInteger(cohort.studies) &&
    cohort.studies > 0 &&
    Number.isInteger(cohort.seed) &&
    (cohort.vendors === undefined || (Array.isArray(cohort.vendors) && cohort.vendors.every((v) => typeof v === 'string'))) &&
    (cohort.maxInstancesPerSeries === undefined || (Number.isInteger(cohort.maxInstancesPerSeries) && cohort.maxInstancesPerSeries > 0))
  );
};

/** A pipeline's cohort description (msc-train --cohort), checked. */
export function parseCohortDescription(text: string, path: string): CohortDescription {
  let value: CohortDescription;
  try {
    value = JSON.parse(text) as CohortDescription;
  } catch (cause) {
    throw new MscError('E_BAD_DATA', `the cohort description is not JSON`, { path, cause, hint: COHORT_HINT });
  }
  if (!value || typeof value.generator !== 'string' || !isCohort(value.train) || !isCohort(value.heldOut))
    throw new MscError('E_BAD_DATA', 'the cohort description needs generator, train and heldOut ({studies, seed, vendors?})', { path, hint: COHORT_HINT });
  return { generator: value.generator, train: cohortOf(value.train), heldOut: cohortOf(value.heldOut) };
}

const COHORT_HINT = '{"generator": "msc-synth-…", "train": {"studies": 300, "seed": 2026}, "heldOut": {"studies": 60, "seed": 2027}}';

const cohortOf = (cohort: SyntheticCohort): SyntheticCohort => ({
  studies: cohort.studies,
  seed: cohort.seed,
  ...(cohort.vendors ? { vendors: [...cohort.vendors] } : {}),
  ...(cohort.maxInstancesPerSeries ? { maxInstancesPerSeries: cohort.maxInstancesPerSeries } : {}),
});

/** The recipe a model file carries, or an `E_MODEL` error saying why a site model cannot start from it. */
export function parseCohortRecipe(text: string | undefined, path: string): CohortRecipe {
  if (text === undefined || text === '')
    throw new MscError(
      'E_MODEL',
      `${path} does not record how its training data was made (no ${'msc.training_cohort'} metadata), so a site model cannot be trained on top of it`,
      {
        path,
        hint: 'retrain the base model with this msc-train and --cohort (node pipelines/train-default-model.mjs does), or train on a table of your own: msc-train table.parquet -o model.onnx',
      },
    );
  let recipe: CohortRecipe;
  try {
    recipe = JSON.parse(text) as CohortRecipe;
  } catch (cause) {
    throw new MscError('E_MODEL', `${path}: its training-cohort recipe is not JSON`, { path, cause, hint: 'the model file is damaged: retrain it' });
  }
  if (recipe.recipeVersion !== COHORT_RECIPE_VERSION)
    throw new MscError(
      'E_MODEL',
      `${path}: training-cohort recipe version ${String(recipe.recipeVersion)}, this msc-train reads version ${COHORT_RECIPE_VERSION}`,
      {
        path,
        hint: 'use the msc version the base model was trained with',
      },
    );
  if (!isCohort(recipe.train) || !isCohort(recipe.heldOut) || typeof recipe.trainDigest !== 'string' || !recipe.training)
    throw new MscError('E_MODEL', `${path}: its training-cohort recipe is incomplete`, { path, hint: 'retrain the base model with this msc-train' });
  return recipe;
}

/** A JSON cell: bigints as decimal text (parquet INT64 columns). */
const cellJson = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value);

/**
 * SHA-256 of series rows in order, each with its columns sorted: the same table read twice (or
 * regenerated from the same recipe) gives the same digest, whatever the column order of the file.
 */
export function rowsDigest(rows: readonly Row[]): string {
  const hash = createHash('sha256');
  for (const row of rows) {
    const sorted = Object.fromEntries(
      Object.keys(row)
        .sort()
        .map((key) => [key, row[key]]),
    );
    hash.update(JSON.stringify(sorted, cellJson));
    hash.update('\n');
  }
  return hash.digest('hex');
}

/** Cache key of a cohort: the generator version and the cohort's options. */
export function cohortKey(generator: string, cohort: SyntheticCohort): string {
  return createHash('sha256')
    .update(JSON.stringify({ generator, ...cohortOf(cohort) }))
    .digest('hex')
    .slice(0, 24);
}
