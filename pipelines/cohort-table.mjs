// Shared by the pipeline scripts: a synthetic cohort → one labelled series table (extract's
// per-series rows joined with the generator's labels on series_uid).
import { join } from 'node:path';
import { writeTable } from '@msc/tables';
import { extractSeries } from '@msc/extract';
import { generateCohort } from '@msc/synth';

/**
 * Options beyond the cohort's: `pixels` (default tiny) and `maxInstancesPerSeries` (write fewer
 * files per series). Under a cap, number_of_images — the only series column the file count
 * changes — is set back to the full series' count, so the table equals that of the whole cohort.
 */
export async function labelledSeriesTable({ outDir, studies, seed, vendors, pixels, maxInstancesPerSeries }) {
  const cohort = await generateCohort({
    outDir: join(outDir, 'dicom'),
    studies,
    seed,
    ...(vendors ? { vendors } : {}),
    ...(pixels ? { pixels } : {}),
    ...(maxInstancesPerSeries ? { maxInstancesPerSeries } : {}),
  });
  const labels = new Map(cohort.labels.map((label) => [label.series_uid, label]));
  const { rows } = await extractSeries([cohort.outDir]);
  const labelled = rows.map((row) => {
    const label = labels.get(row.series_uid);
    const restored = maxInstancesPerSeries && label ? { number_of_images: label.planned_instances } : {};
    return { ...row, ...restored, class: label?.class ?? '-', vendor: label?.vendor ?? '-' };
  });
  const missing = labelled.filter((row) => row.class === '-').length;
  if (missing > 0) throw new Error(`${missing} extracted series have no label`);
  const columns = [...new Set(labelled.flatMap((row) => Object.keys(row)))];
  const path = join(outDir, 'series.parquet');
  await writeTable(path, columns, labelled);
  return { path, cohort, rows: labelled };
}
