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
import { Random } from '@msc/core';

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

/** Physics and geometry varied per series by a few per cent (each number of a multi-valued cell alike). */
const JITTERED = [
  'echo_time',
  'repetition_time',
  'flip_angle',
  'inversion_time',
  'slice_thickness',
  'pixel_spacing',
  'pixel_bandwidth',
  'sar',
  'percent_phase_field_of_view',
  'echo_train_length',
  'temporal_resolution',
  'trigger_time',
  'image_orientation_patient',
];
const TIMES = ['series_time', 'acquisition_time'];
const KEYS = new Set(['patient_id', 'study_uid', 'series_uid', 'number_of_images']);
const WORDS = ['ax', 'sag', 'cor', 'tra', 'prostate', 'pelvis', 'repeat', 'new', 'fast', 'hr', 'small fov', 'bh', 'nav', 'moco', 'rr', 'site', 'trial'];

function jitterNumber(value, factor) {
  return Number((value * factor).toPrecision(6));
}

function jitterCell(cell, factor) {
  if (typeof cell === 'number') return jitterNumber(cell, factor);
  if (typeof cell !== 'string' || cell === '-' || cell === '') return cell;
  return cell
    .split(' ')
    .map((part) => (part !== '' && Number.isFinite(Number(part)) ? String(jitterNumber(Number(part), factor)) : part))
    .join(' ');
}

/** `HHMMSS.ff` moved by `seconds` (within the day). */
function shiftTime(cell, seconds) {
  if (typeof cell !== 'string' || !/^\d{6}/.test(cell)) return cell;
  const total = (Number(cell.slice(0, 2)) * 3600 + Number(cell.slice(2, 4)) * 60 + Number(cell.slice(4, 6)) + seconds) % 86_400;
  const pad = (n) => String(Math.floor(n)).padStart(2, '0');
  return `${pad(total / 3600)}${pad((total % 3600) / 60)}${pad(total % 60)}${cell.slice(6)}`;
}

/**
 * (c) 60,000 series whose rows are all distinct: each copies a template series (as the bench
 * table does) but with its own description (a word and a serial appended), series number,
 * times (a per-study and per-series shift), physics (every number of the columns above scaled by
 * 0.95–1.05), instance count, and 2 % of its other cells blank (null). The bench table's rows
 * repeat 819 feature rows; here every row is scored.
 */
export async function makeVariedTable({ out, seriesCount = 60_000, seed = 2026 }) {
  await mkdir(out, { recursive: true });
  const parquet = join(out, `predict-series-${seriesCount}-varied.parquet`);
  if (existsSync(parquet)) return parquet;
  const { columns, series: templateSeries } = await templates(out);
  const templateRows = templateSeries.map((rows) => reduceToSeries(rows)[0]);
  const seriesColumns = columns.filter((column) => column !== 'file_path');
  const seriesOf = plan(seriesCount, seriesCount * 90, templateSeries.length);
  const random = new Random(seed); // the varied table is the same on every machine
  const draw = () => random.next();
  const rows = [];
  let studyShift = 0;
  for (let i = 0; i < seriesCount; i++) {
    const s = seriesOf(i);
    if (i % 12 === 0) studyShift = Math.floor(draw() * 36_000);
    const row = { ...templateRows[s.template], patient_id: s.patient, study_uid: s.study, series_uid: s.series };
    const factor = 0.95 + draw() * 0.1;
    for (const column of JITTERED) if (column in row) row[column] = jitterCell(row[column], factor);
    const shift = studyShift + Math.floor(draw() * 600);
    for (const column of TIMES) if (column in row) row[column] = shiftTime(row[column], shift);
    const word = WORDS[Math.floor(draw() * WORDS.length)];
    const description = typeof row.series_description === 'string' && row.series_description !== '-' ? row.series_description : 'series';
    row.series_description = `${description}${draw() < 0.5 ? '_' : ' '}${word} ${i.toString(36)}`;
    row.series_number = String(1 + (i % 12) + Math.floor(draw() * 3) * 100);
    row.number_of_images = 1 + Math.floor(draw() * 200);
    for (const column of seriesColumns) if (!KEYS.has(column) && column !== 'series_description' && draw() < 0.02) row[column] = null;
    rows.push(row);
  }
  await writeTable(parquet, seriesColumns, rows);
  return parquet;
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
