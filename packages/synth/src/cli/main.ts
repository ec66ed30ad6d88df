/**
 * msc-synth: write a synthetic prostate mpMRI cohort (Part-10 DICOM files + labels.csv).
 */
import { readdirSync } from 'node:fs';
import { MscError, Option, Progress, defineCli, parse, writeSummary, type Command } from '@msc/core';
import { generateCohort } from '../cohort.js';
import { ALL_VENDORS, DEFAULT_VENDORS, HELD_OUT_VENDORS, KINDS, SITE_VENDORS, type Vendor } from '../profiles.js';

function seed(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number) || number < 0 || number > 0xffffffff)
    throw new Error(`expected a whole number from 0 to 4294967295, not '${value}'`);
  return number;
}

function vendors(value: string): Vendor[] {
  const list = value.split(',').map((name) => name.trim().toUpperCase());
  for (const name of list) if (!ALL_VENDORS.includes(name as Vendor)) throw new Error(`unknown vendor '${name}' (choose from ${ALL_VENDORS.join(', ')})`);
  return list as Vendor[];
}

function kinds(value: string): string[] {
  const list = value.split(',').map((name) => name.trim());
  for (const name of list)
    if (!KINDS.some((kind) => kind.id === name)) throw new Error(`unknown series kind '${name}' (choose from ${KINDS.map((kind) => kind.id).join(', ')})`);
  return list;
}

interface Flags {
  out?: string;
  studies: number;
  seed: number;
  layout: 'nested' | 'flat';
  pixels: 'none' | 'tiny' | 'realistic';
  vendors?: Vendor[];
  noise: boolean;
  maxInstancesPerSeries?: number;
  includeKinds?: string[];
  force?: boolean;
}

/** Entries in a folder (0 when it does not exist or is not a folder: writing then reports the problem). */
function entriesIn(dir: string): number {
  try {
    return readdirSync(dir).length;
  } catch {
    return 0;
  }
}

export const main = defineCli<Flags>({
  name: 'msc-synth',
  writesTables: true,
  description: 'Write a synthetic prostate mpMRI cohort as real DICOM files, with labels.csv',
  configure: (command: Command) =>
    command
      .option('-o, --out <dir>', 'output folder (required)')
      .option('-n, --studies <n>', 'number of studies', parse.count(1), 10)
      .option('-s, --seed <n>', 'random seed (same seed, same bytes)', parse.via(seed), 1)
      .addOption(new Option('--layout <layout>', 'folder layout').choices(['nested', 'flat']).default('nested'))
      .addOption(new Option('--pixels <mode>', 'pixel data per file').choices(['none', 'tiny', 'realistic']).default('tiny'))
      .option(
        '--vendors <list>',
        `comma-separated vendors (default ${DEFAULT_VENDORS.join(',')}; held out, only when named: ${HELD_OUT_VENDORS.join(',')}; a site profile for site models: ${SITE_VENDORS.join(',')})`,
        parse.via(vendors),
      )
      .option('--max-instances-per-series <n>', 'write at most n files per series (series-level values kept; fewer files, faster)', parse.count(1))
      .option('--include-kinds <list>', 'comma-separated series kinds every study draws where its vendor writes them (targeted cohorts)', parse.via(kinds))
      .option('--no-noise', 'no archive noise (odd descriptions, missing tags, SEG/SR, other transfer syntaxes)')
      .option('--force', 'write into a folder that is not empty (files already there stay; labels.csv lists only this cohort)'),
  interrupted: (flags) => (flags.out ? `the cohort in ${flags.out} is incomplete; rerun into a new folder` : 'nothing was written'),
  async run(flags, _args, io) {
    if (!flags.out) throw new MscError('E_USAGE', 'no output folder given', { hint: 'msc-synth --out cohort --studies 10' });
    // Another cohort's files would stay beside this one's while labels.csv lists only this one.
    const present = entriesIn(flags.out);
    if (present > 0 && !flags.force) {
      throw new MscError(
        'E_USAGE',
        `${flags.out} is not empty (${present} entries): its files would mix with the new cohort's, and labels.csv would list only the new one`,
        {
          path: flags.out,
          hint: 'give a new or empty folder, or add --force to write into it anyway',
        },
      );
    }
    const progress = new Progress(io.stderr, 100);
    const result = await generateCohort({
      outDir: flags.out,
      studies: flags.studies,
      seed: flags.seed,
      layout: flags.layout,
      pixels: flags.pixels,
      noise: flags.noise,
      ...(flags.vendors ? { vendors: flags.vendors } : {}),
      ...(flags.maxInstancesPerSeries !== undefined ? { maxInstancesPerSeries: flags.maxInstancesPerSeries } : {}),
      ...(flags.includeKinds ? { includeKinds: flags.includeKinds } : {}),
      onStudy: (done: number, total: number) => progress.update(`msc-synth: study ${done}/${total}`),
    });
    progress.done();
    const summary = {
      outDir: result.outDir,
      labels: result.labelsPath,
      studies: flags.studies,
      series: result.labels.length,
      instances: result.instances,
      files: result.files,
      nonImageObjects: result.skippedObjects,
      megabytes: Number((result.bytes / 1e6).toFixed(1)),
      seconds: Number(result.seconds.toFixed(2)),
    };
    writeSummary(
      io,
      summary,
      `msc-synth: ${summary.studies} studies, ${summary.series} series, ${summary.instances} instances (+${summary.nonImageObjects} SEG/SR) in ${summary.seconds} s → ${summary.outDir}`,
    );
    return 0;
  },
});
