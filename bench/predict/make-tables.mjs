// Tables for bench/predict, made directly (not through DICOM files): instance rows of a small
// synthetic cohort, extracted by msc-extract, are the templates; each of the 60,000 series copies a
// template series under new UIDs and paths, instance values (b-values, temporal positions...) kept.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, renameSync, writeSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTableAll, reduceToSeries, writeTable, formatDelimitedLine } from '@msc/tables';
import { generateCohort } from '@msc/synth';

const root = fileURLToPath(new URL('../..', import.meta.url));

async function templates(out) {
  const cohortDir = join(out, 'predict-template-cohort');
  const table = join(out, 'predict-template-instances.tsv');
  if (!existsSync(table)) {
    await rm(cohortDir, { recursive: true, force: true });
    await generateCohort({ outDir: cohortDir, studies: 40, seed: 4242, pixels: 'none' });
    const result = spawnSync(process.execPath, [join(root, 'packages/extract/bin/msc-extract.mjs'), cohortDir, '-o', table], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(result.stderr);
  }
  const { columns, rows } = await readTableAll(table);
  const bySeries = new Map();
  for (const row of rows) {
    const key = `${row.study_uid}\u0000${row.series_uid}`;
    if (!bySeries.has(key)) bySeries.set(key, []);
    bySeries.get(key).push(row);
  }
  return { columns, series: [...bySeries.values()] };
}

/** Series i: its UIDs and its template; instance counts sum to `instances` over `seriesCount`. */
function plan(seriesCount, instances, templateCount) {
  const base = Math.floor(instances / seriesCount);
  const extra = instances - base * seriesCount;
  return (i) => ({
    patient: `BENCH${String(Math.floor(i / 12)).padStart(6, '0')}`,
    study: `1.2.826.0.1.3680043.8.498.77.${Math.floor(i / 12)}`,
    series: `1.2.826.0.1.3680043.8.498.77.${Math.floor(i / 12)}.${i}`,
    template: (i * 7919) % templateCount,
    instances: base + (i < extra ? 1 : 0),
  });
}

/** `withTsv: false` makes only the parquet (profiling predict on parquet needs no 5.5M-row TSV). */
export async function makeTables({ out, seriesCount = 60_000, instances = 5_520_218, withTsv = true }) {
  await mkdir(out, { recursive: true });
  const tsv = join(out, `predict-instances-${seriesCount}-${instances}.tsv`);
  const parquet = join(out, `predict-series-${seriesCount}.parquet`);
  if ((!withTsv || existsSync(tsv)) && existsSync(parquet)) return { tsv, parquet };
  const { columns, series: templateSeries } = await templates(out);
  const seriesOf = plan(seriesCount, instances, templateSeries.length);
  if (withTsv && !existsSync(tsv)) writeInstanceTsv(tsv, columns, templateSeries, seriesOf, seriesCount);
  if (!existsSync(parquet)) await writeSeriesParquet(parquet, columns, templateSeries, seriesOf, seriesCount);
  return { tsv, parquet };
}

function writeInstanceTsv(tsv, columns, templateSeries, seriesOf, seriesCount) {
  // (b) the instance TSV, written in 8 MB blocks.
  const temporary = `${tsv}.tmp`;
  const fd = openSync(temporary, 'w');
  let block = formatDelimitedLine(columns, '\t');
  for (let i = 0; i < seriesCount; i++) {
    const s = seriesOf(i);
    const template = templateSeries[s.template];
    for (let j = 0; j < s.instances; j++) {
      const row = {
        ...template[j % template.length],
        patient_id: s.patient,
        study_uid: s.study,
        series_uid: s.series,
        file_path: `/archive/${s.patient}/${i}/IM${String(j + 1).padStart(5, '0')}.dcm`,
      };
      block += formatDelimitedLine(
        columns.map((column) => row[column]),
        '\t',
      );
    }
    if (block.length > 8 << 20) {
      writeSync(fd, block);
      block = '';
    }
  }
  writeSync(fd, block);
  closeSync(fd);
  renameSync(temporary, tsv);
}

/** (a) the same series, reduced, as parquet. */
async function writeSeriesParquet(parquet, columns, templateSeries, seriesOf, seriesCount) {
  const templateRows = templateSeries.map((rows) => reduceToSeries(rows)[0]);
  const seriesColumns = columns.filter((column) => column !== 'file_path');
  const rows = [];
  for (let i = 0; i < seriesCount; i++) {
    const s = seriesOf(i);
    rows.push({ ...templateRows[s.template], patient_id: s.patient, study_uid: s.study, series_uid: s.series, number_of_images: s.instances });
  }
  await writeTable(parquet, seriesColumns, rows);
}
