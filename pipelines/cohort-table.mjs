// Shared by the pipeline scripts: a synthetic cohort → one labelled series table (extract's
// per-series rows joined with the generator's labels on series_uid).
import { join } from 'node:path';
import { writeTable } from '../packages/core/dist/index.js';
import { extractSeries } from '../packages/extract/dist/index.js';
import { generateCohort } from '../packages/synth/dist/index.js';

export async function labelledSeriesTable({ outDir, studies, seed, vendors }) {
  const cohort = await generateCohort({ outDir: join(outDir, 'dicom'), studies, seed, ...(vendors ? { vendors } : {}) });
  const labels = new Map(cohort.labels.map((label) => [label.series_uid, label]));
  const { rows } = await extractSeries([cohort.outDir]);
  const labelled = rows.map((row) => ({ ...row, class: labels.get(row.series_uid)?.class ?? '-', vendor: labels.get(row.series_uid)?.vendor ?? '-' }));
  const missing = labelled.filter((row) => row.class === '-').length;
  if (missing > 0) throw new Error(`${missing} extracted series have no label`);
  const columns = [...new Set(labelled.flatMap((row) => Object.keys(row)))];
  const path = join(outDir, 'series.parquet');
  await writeTable(path, columns, labelled);
  return { path, cohort, rows: labelled };
}
