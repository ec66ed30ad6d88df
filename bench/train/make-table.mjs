#!/usr/bin/env node
// A labelled series table of issue 20's training size (59,000 series) for timing and profiling
// msc-train: the labelled series of a small synthetic cohort (pipelines/cohort-table.mjs), copied
// under new study and series UIDs until the count is reached (study-grouped folds stay meaningful:
// each copy of a study is its own study). Cached under bench/out/.
//   node bench/train/make-table.mjs [series=59000]   → prints the table's path
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTable } from '@msc/tables';
import { labelledSeriesTable } from '../../pipelines/cohort-table.mjs';

const out = fileURLToPath(new URL('../out', import.meta.url));
const seriesCount = Number(process.argv[2] ?? 59_000);
const path = join(out, `train-series-${seriesCount}.parquet`);
if (!existsSync(path)) {
  await mkdir(out, { recursive: true });
  const template = await labelledSeriesTable({ outDir: join(out, 'train-template'), studies: 100, seed: 2026, maxInstancesPerSeries: 2 });
  const columns = [...new Set(template.rows.flatMap((row) => Object.keys(row)))];
  const rows = [];
  for (let copy = 0; rows.length < seriesCount; copy++) {
    for (const row of template.rows) {
      if (rows.length === seriesCount) break;
      rows.push({
        ...row,
        patient_id: `${row.patient_id}.${copy}`,
        study_uid: `${row.study_uid}.${copy}`,
        series_uid: `${row.series_uid}.${copy}`,
      });
    }
  }
  await writeTable(path, columns, rows);
}
console.log(path);
