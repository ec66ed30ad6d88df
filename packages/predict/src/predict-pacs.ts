/**
 * Studies in a PACS in, predictions out: what `msc-predict --orthanc/--dicomweb` runs, on the same
 * client code and reduction as msc-serve's PACS routes.
 */
import { inShard, type Shard } from '@msc/core';
import { addStudyContext } from '@msc/features';
import type { CompiledRuleSet } from '@msc/heuristics';
import { readStudiesSeries, type PacsSeries, type StudySource } from '@msc/pacs';
import type { ModelBundle } from './model-bundle.js';
import { predictSeries, predictionRows, type PredictOptions } from './predict.js';
import type { PredictFilesResult } from './predict-files.js';

export interface PredictStudiesOptions extends Omit<PredictOptions, 'heuristics'> {
  heuristics?: CompiledRuleSet;
  shard?: Shard;
}

export interface PredictStudiesResult extends Omit<PredictFilesResult, 'skipped' | 'warnings'> {
  /** What was read: series found (with Orthanc ids), studies not found, instances skipped. */
  read: PacsSeries;
}

export async function predictStudies(
  source: StudySource,
  studies: readonly string[],
  models: readonly ModelBundle[],
  options: PredictStudiesOptions = {},
): Promise<PredictStudiesResult> {
  const read = await readStudiesSeries(source, studies);
  // Study context over each study's every series, then the shard.
  const context = addStudyContext(read.rows);
  const rows = options.shard ? context.rows.filter((row) => inShard(options.shard, String(row.study_uid), String(row.series_uid))) : context.rows;
  await Promise.all(models.map((model) => model.ready));
  const predictions = await predictSeries(rows, models, options);
  const first = models[0]!;
  return { predictions, table: predictionRows(predictions, first.task === 'classification' ? first.classNames : []), read, studyContext: context.studyContext };
}
