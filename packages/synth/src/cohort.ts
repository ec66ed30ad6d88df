/**
 * generateCohort: plan (plan.ts) → files (dataset.ts) in a nested or flat layout → labels.csv.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MscError, Random, makeDirectory, type ClassLabel } from '@msc/core';
import { writeTable } from '@msc/tables';
import { mrInstance, nonImageObject } from './dataset.js';
import { enhancedMrSeries } from './enhanced.js';
import { planCohort, randomUid, type PlannedSeries, type PlannedStudy } from './plan.js';
import { seriesPixels, type PixelMode } from './pixels.js';
import type { Vendor } from './profiles.js';

/**
 * The generator's output version: a model's training-cohort recipe names it, and regenerating that
 * cohort (msc-train --base) requires the same one. Change it whenever a seed's files change.
 */
export const GENERATOR_VERSION = 'msc-synth-2026-12-07';

export interface CohortOptions {
  outDir: string;
  studies: number;
  seed: number;
  /** nested: <patient>/<study>/<series>/files; flat: every file in outDir. */
  layout?: 'nested' | 'flat';
  pixels?: PixelMode;
  /** Profiles to draw from, in turn; default: the default mix (held-out profiles only when named). */
  vendors?: readonly Vendor[];
  /**
   * Write at most this many files per series (default: all). Series-level values (b-values,
   * temporal positions, timing) stay those of the full series; number_of_images read from the files
   * shrinks, and `planned_instances` in the labels keeps the full count.
   */
  maxInstancesPerSeries?: number;
  /** Kinds every study draws where its vendor writes them (targeted cohorts); others keep their frequency. */
  includeKinds?: readonly string[];
  /** Write each DWI series as one Enhanced MR file, its instances as frames (default false). */
  enhancedDwi?: boolean;
  /** Archive noise (default true): missing tags, odd descriptions, other transfer syntaxes, SEG/SR, ... */
  noise?: boolean;
  /** Called after each study (for progress bars). */
  onStudy?: (done: number, total: number) => void;
}

export interface LabelRow {
  study_uid: string;
  series_uid: string;
  class: ClassLabel;
  /** Series kind (kinds.ts): what the series is, finer than its class (BOLD, FLAIR, b0-only…). */
  kind: string;
  /**
   * One id shared by the series of one acquisition (the phases of a split DCE; a diffusion scan's
   * trace, ADC and calculated b; DTI raw and its maps), unique otherwise: what MSC's `series_group` should find.
   */
  acquisition_group: string;
  patient_id: string;
  vendor: string;
  field_strength: string;
  description: string;
  /** Files written for the series. */
  instances: number;
  /** Instances the full series has (differs from `instances` only under maxInstancesPerSeries; not in labels.csv). */
  planned_instances: number;
}

export interface CohortResult {
  outDir: string;
  labelsPath: string;
  labels: LabelRow[];
  files: number;
  instances: number;
  /** SEG and SR objects written (not series to classify; not in labels). */
  skippedObjects: number;
  bytes: number;
  seconds: number;
}

export const LABEL_COLUMNS = [
  'study_uid',
  'series_uid',
  'class',
  'patient_id',
  'vendor',
  'field_strength',
  'description',
  'instances',
  'kind',
  'acquisition_group',
] as const;

function seriesFolder(outDir: string, study: PlannedStudy, series: PlannedSeries, layout: 'nested' | 'flat', part: number): string {
  if (layout === 'flat') return outDir;
  const folder = part === 0 ? series.folder : `${series.folder}_part${part + 1}`;
  return join(outDir, study.patientId, `${study.studyDate}_MR`, folder);
}

export async function generateCohort(options: CohortOptions): Promise<CohortResult> {
  const start = performance.now();
  const layout = options.layout ?? 'nested';
  const pixelMode = options.pixels ?? 'tiny';
  const studies = planCohort({
    studies: options.studies,
    seed: options.seed,
    noise: options.noise ?? true,
    ...(options.vendors ? { vendors: options.vendors } : {}),
    ...(options.maxInstancesPerSeries !== undefined ? { maxInstancesPerSeries: options.maxInstancesPerSeries } : {}),
    ...(options.includeKinds ? { includeKinds: options.includeKinds } : {}),
  });
  // A second stream for per-file UIDs, so plans do not shift when files are added.
  const uids = new Random(options.seed ^ 0x5bd1e995);
  const labels: LabelRow[] = [];
  let files = 0;
  let instances = 0;
  let skippedObjects = 0;
  let bytes = 0;
  const made = new Set<string>();
  const write = (folder: string, name: string, data: Uint8Array) => {
    try {
      if (!made.has(folder)) {
        makeDirectory(folder);
        made.add(folder);
      }
      writeFileSync(join(folder, name), data);
    } catch (cause) {
      throw new MscError('E_OUTPUT', `cannot write the cohort to ${options.outDir}: ${(cause as Error).message}`, {
        path: join(folder, name),
        cause,
        hint: 'choose an output folder on a writable disk with free space',
      });
    }
    files += 1;
    bytes += data.byteLength;
  };
  studies.forEach((study, studyIndex) => {
    const frameOfReferenceUid = randomUid(uids);
    for (const series of study.series) {
      const pixels = seriesPixels(pixelMode, series.matrix, series.template.pixelScale, series.seriesNumber + studyIndex);
      const size = pixels ? Math.sqrt(pixels.length) : 0;
      if (options.enhancedDwi && series.label === 'DWI') {
        write(
          seriesFolder(options.outDir, study, series, layout, 0),
          `IM${series.seriesNumber}-enhanced.dcm`,
          enhancedMrSeries({ study, series, sopInstanceUid: randomUid(uids), frameOfReferenceUid, size }),
        );
        instances += series.instances.length;
      } else
        series.instances.forEach((_, index) => {
          const sopInstanceUid = randomUid(uids);
          const data = mrInstance({ study, series, index, sopInstanceUid, frameOfReferenceUid, pixels, size });
          const part = series.splitFolders && index % 2 === 1 ? 1 : 0;
          const stem =
            layout === 'flat' ? `${study.patientId}_${series.seriesNumber}_${index + 1}` : `IM${series.seriesNumber}-${String(index + 1).padStart(4, '0')}`;
          write(seriesFolder(options.outDir, study, series, layout, part), series.noExtension ? stem : `${stem}.dcm`, data);
          instances += 1;
        });
      labels.push({
        study_uid: study.studyUid,
        series_uid: series.seriesUid,
        class: series.label,
        kind: series.template.id,
        acquisition_group: series.acquisitionGroup,
        patient_id: study.patientId,
        vendor: study.vendor,
        field_strength: study.fieldStrength,
        description: series.description,
        instances: series.instances.length,
        planned_instances: series.plannedInstances,
      });
    }
    for (const kind of study.extraObjects) {
      const folder = layout === 'flat' ? options.outDir : join(options.outDir, study.patientId, `${study.studyDate}_MR`, kind.toLowerCase());
      write(folder, `${study.patientId}_${kind}.dcm`, nonImageObject(study, kind, randomUid(uids), randomUid(uids)));
      skippedObjects += 1;
    }
    options.onStudy?.(studyIndex + 1, studies.length);
  });
  const labelsPath = join(options.outDir, 'labels.csv');
  await writeTable(labelsPath, LABEL_COLUMNS, labels as unknown as Record<string, string | number>[]);
  return { outDir: options.outDir, labelsPath, labels, files, instances, skippedObjects, bytes, seconds: (performance.now() - start) / 1000 };
}
