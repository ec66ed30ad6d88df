#!/usr/bin/env node
// The original's train_all_models.smk in one command: msc-train all (study-grouped split, every
// exclusion × training fraction, leave-one-centre-out and leave-one-vendor-out, in parallel,
// resumable) on a labelled table — or on a synthetic cohort it makes first — then msc-report's
// HTML report of the grid (<out>/report.html).
//   pnpm build && node pipelines/train-all.mjs labelled.parquet -o grid/ [--group-file centres.json] [msc-train all flags]
//   pnpm build && node pipelines/train-all.mjs --synth-studies 500 [--synth-seed 2026] [--max-instances-per-series 4] -o grid/ [flags]
// With --synth-studies the cohort goes to <out>/cohort (kept and reused while its settings are the
// same; its DICOM files are deleted once the series table is written) and the centre group file
// maps each study to its scanner (vendor and field strength), the synthetic stand-in for a site.
// Rerunning the same command after an interruption continues where it stopped.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { captureIo, processIo } from '@msc/core';
import { main as reportMain } from '@msc/report/cli';
import { trainAllMain } from '@msc/train';
import { labelledSeriesTable } from './cohort-table.mjs';

const argv = process.argv.slice(2);
/** Takes `--name value` (or `--name=value`, snake_case too) out of argv. */
const take = (name) => {
  const spellings = [name, name.replace(/-/g, '_')];
  for (let i = 0; i < argv.length; i++) {
    for (const flag of spellings) {
      if (argv[i] === flag) return argv.splice(i, 2)[1];
      if (argv[i].startsWith(`${flag}=`)) return argv.splice(i, 1)[0].slice(flag.length + 1);
    }
  }
  return undefined;
};
const synthStudies = take('--synth-studies');
const synthSeed = Number(take('--synth-seed') ?? 2026);
const cap = take('--max-instances-per-series');

if (synthStudies !== undefined) {
  const outAt = argv.findIndex((arg) => ['-o', '--output-dir', '--output_dir', '--output-path', '--output_path'].includes(arg));
  if (outAt < 0) {
    process.stderr.write('error [E_USAGE]: no output folder given\nhint: node pipelines/train-all.mjs --synth-studies 500 -o grid/\n');
    process.exit(2);
  }
  const out = resolve(argv[outAt + 1]);
  const cohortDir = join(out, 'cohort');
  const settings = { studies: Number(synthStudies), seed: synthSeed, maxInstancesPerSeries: cap ? Number(cap) : null };
  const settingsFile = join(cohortDir, 'cohort.json');
  const table = join(cohortDir, 'series.parquet');
  const centres = join(cohortDir, 'centres.json');
  const same =
    existsSync(settingsFile) && existsSync(table) && existsSync(centres) && (await readFile(settingsFile, 'utf8')) === `${JSON.stringify(settings)}\n`;
  if (!same) {
    const started = performance.now();
    process.stderr.write(
      `train-all: synthetic cohort of ${settings.studies} studies (seed ${synthSeed}${cap ? `, at most ${cap} files per series` : ''}) → ${cohortDir}\n`,
    );
    await rm(cohortDir, { recursive: true, force: true });
    await mkdir(cohortDir, { recursive: true });
    const { cohort } = await labelledSeriesTable({
      outDir: cohortDir,
      studies: settings.studies,
      seed: synthSeed,
      pixels: 'none',
      ...(cap ? { maxInstancesPerSeries: Number(cap) } : {}),
    });
    const centreOf = Object.fromEntries(cohort.labels.map((label) => [label.study_uid, `${label.vendor} ${label.field_strength}T`]));
    await writeFile(centres, `${JSON.stringify(centreOf, null, 1)}\n`);
    await rm(join(cohortDir, 'dicom'), { recursive: true, force: true });
    await writeFile(settingsFile, `${JSON.stringify(settings)}\n`);
    process.stderr.write(
      `train-all: ${cohort.labels.length} series from ${cohort.instances} files in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
    );
  }
  argv.unshift(table);
  if (!argv.some((arg) => arg === '--group-file' || arg === '--group_file' || arg.startsWith('--group-file=') || arg.startsWith('--group_file=')))
    argv.push('--group-file', centres);
}

const code = await trainAllMain(argv, processIo);
const outAt = argv.findIndex((arg) => ['-o', '--output-dir', '--output_dir', '--output-path', '--output_path', '--models-dir', '--models_dir'].includes(arg));
if (code === 0 && outAt >= 0) {
  const grid = resolve(argv[outAt + 1]);
  const io = captureIo();
  const reportCode = await reportMain(
    [
      '--grid',
      grid,
      '--title',
      `MSC grid: ${grid}`,
      '--note',
      `node pipelines/train-all.mjs ${process.argv.slice(2).join(' ')}`,
      '-o',
      join(grid, 'report.html'),
    ],
    io,
  );
  process.stderr.write(reportCode === 0 ? `train-all: report → ${join(grid, 'report.html')}\n` : io.err());
  process.exitCode = reportCode;
} else process.exitCode = code;
