/**
 * A synthetic cohort (msc-synth) → one labelled series table (msc-extract's per-series rows with
 * the generator's labels), and the same again from a model's recipe, cached by recipe.
 * The pipelines train the default model on these tables; `msc-train --base` regenerates them.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MscError, type Row } from '@msc/core';
import { writeTable } from '@msc/tables';
import { extractSeries } from '@msc/extract';
import { GENERATOR_VERSION, generateCohort, type CohortResult, type PixelMode, type Vendor } from '@msc/synth';
import { readLabelledTable, type LabelledTable } from '../labelled-table.js';
import { cohortKey, rowsDigest, type SyntheticCohort } from './recipe.js';

export interface LabelledSeriesTableOptions {
  outDir: string;
  studies: number;
  seed: number;
  vendors?: readonly string[];
  /** Default tiny. */
  pixels?: PixelMode;
  maxInstancesPerSeries?: number;
}

/**
 * Writes the cohort's DICOM files under outDir/dicom and its labelled series table to
 * outDir/series.parquet. Under `maxInstancesPerSeries`, number_of_images — the only series column
 * the file count changes — is set back to the full series' count, so the table equals that of the
 * whole cohort.
 */
export async function labelledSeriesTable(options: LabelledSeriesTableOptions): Promise<{ path: string; cohort: CohortResult; rows: Row[] }> {
  const { outDir, studies, seed, vendors, pixels, maxInstancesPerSeries } = options;
  const cohort = await generateCohort({
    outDir: join(outDir, 'dicom'),
    studies,
    seed,
    ...(vendors ? { vendors: vendors as Vendor[] } : {}),
    ...(pixels ? { pixels } : {}),
    ...(maxInstancesPerSeries ? { maxInstancesPerSeries } : {}),
  });
  const labels = new Map(cohort.labels.map((label) => [label.series_uid, label]));
  const { rows } = await extractSeries([cohort.outDir]);
  const labelled: Row[] = rows.map((row) => {
    const label = labels.get(row.series_uid);
    const restored = maxInstancesPerSeries && label ? { number_of_images: label.planned_instances } : {};
    return { ...row, ...restored, class: label?.class ?? '-', vendor: label?.vendor ?? '-' };
  });
  const missing = labelled.filter((row) => row.class === '-').length;
  if (missing > 0) throw new MscError('E_BAD_DATA', `${missing} extracted series of the synthetic cohort have no label`);
  const columns = [...new Set(labelled.flatMap((row) => Object.keys(row)))];
  const path = join(outDir, 'series.parquet');
  await writeTable(path, columns, labelled);
  return { path, cohort, rows: labelled };
}

/** Where regenerated cohorts are kept: --cache-dir, else $XDG_CACHE_HOME/msc/cohorts or ~/.cache/msc/cohorts. */
export function defaultCohortCache(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'msc', 'cohorts');
}

/**
 * The labelled series table of a recipe's cohort, made again (or taken from the cache when its
 * digest still matches) and checked against the digest the model recorded: a generator or
 * extractor that changed since fails here, not as a quietly different site model.
 */
export async function regenerateCohortTable(
  cohort: SyntheticCohort,
  expected: { generator: string; digest: string | undefined; role: string; model: string },
  cacheDir: string,
  progress?: (message: string) => void,
): Promise<LabelledTable> {
  if (expected.generator !== GENERATOR_VERSION)
    throw new MscError('E_MODEL', `${expected.model} was trained on cohorts of generator ${expected.generator}; this msc-synth is ${GENERATOR_VERSION}`, {
      path: expected.model,
      hint: 'use the msc version the base model was trained with, or retrain the base model (node pipelines/train-default-model.mjs)',
    });
  const folder = join(cacheDir, cohortKey(expected.generator, cohort));
  const table = join(folder, 'series.parquet');
  if (existsSync(table)) {
    const cached = await readLabelledTable(table, 'class');
    if (expected.digest === undefined || rowsDigest(cached.rows) === expected.digest) return cached;
  }
  progress?.(`regenerating the ${expected.role} (${cohort.studies} studies, seed ${cohort.seed})`);
  const work = `${folder}.tmp-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  try {
    await mkdir(work, { recursive: true });
    const made = await labelledSeriesTable({
      outDir: work,
      studies: cohort.studies,
      seed: cohort.seed,
      ...(cohort.vendors ? { vendors: cohort.vendors } : {}),
      ...(cohort.maxInstancesPerSeries ? { maxInstancesPerSeries: cohort.maxInstancesPerSeries } : {}),
    });
    const regenerated = await readLabelledTable(made.path, 'class');
    if (expected.digest !== undefined && rowsDigest(regenerated.rows) !== expected.digest)
      throw new MscError('E_MODEL', `the ${expected.role} of ${expected.model} regenerates differently from the table it was trained on (digest mismatch)`, {
        path: expected.model,
        hint: `msc-synth or msc-extract changed without a new generator version (${GENERATOR_VERSION}); use the msc version the base model was trained with`,
      });
    await mkdir(folder, { recursive: true });
    await rename(made.path, table);
    return regenerated;
  } catch (cause) {
    if (cause instanceof MscError) throw cause;
    throw new MscError('E_OUTPUT', `cannot regenerate the ${expected.role} in ${cacheDir}: ${(cause as Error).message}`, {
      path: cacheDir,
      cause,
      hint: 'give a writable --cache-dir with free space',
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
