/**
 * msc: one command for every MSC job; `msc predict …` is `msc-predict …` (same flags, help, exit
 * codes and JSON summary). A job's module is loaded only when that job runs, so `msc synth` does not
 * start ONNX Runtime and `msc --help` loads nothing.
 */
import { MscError, exitCodeFor, exitCodeTable, formatError, type CliIo, type CliMain, processIo } from '@msc/core';

export interface Job {
  /** One line for `msc --help`. */
  summary: string;
  load(): Promise<{ main: CliMain }>;
}

export const JOBS: Readonly<Record<string, Job>> = {
  synth: { summary: 'write a synthetic prostate mpMRI cohort (real DICOM files + labels.csv)', load: () => import('@msc/synth/cli') },
  extract: { summary: 'DICOM folders → header feature table (one row per instance or per series)', load: () => import('@msc/extract/cli') },
  'merge-target': { summary: 'join a label table onto a feature table by series (or study) UID', load: () => import('@msc/tools/cli/merge-target') },
  'split-data': { summary: 'split a table into train/test parts by study', load: () => import('@msc/tools/cli/split-data') },
  train: { summary: 'train gradient-boosted trees on a labelled table → one ONNX model (train all: the whole grid)', load: () => import('@msc/train/cli') },
  predict: { summary: 'classify MRI series (T2W, ADC, DWI, DCE, Others) from DICOM folders or tables', load: () => import('@msc/predict/cli') },
  serve: { summary: 'HTTP service labelling the series of DICOM folders, Orthanc and DICOMweb studies', load: () => import('@msc/serve/cli') },
  review: {
    summary: 'review a predictions table in the browser and relabel series from the keyboard (corrections CSV)',
    load: () => import('@msc/review/cli'),
  },
  report: { summary: 'one static HTML report from metric, importance and prediction tables', load: () => import('@msc/report/cli') },
  'metadata-json': { summary: 'DICOM folders → the nested metadata JSON', load: () => import('@msc/tools/cli/metadata-json') },
  'merge-shards': { summary: 'join the parts of --shard 1/n … n/n runs into one table', load: () => import('@msc/tools/cli/merge-shards') },
};

function help(): string {
  const width = Math.max(...Object.keys(JOBS).map((name) => name.length));
  const jobs = Object.entries(JOBS).map(([name, job]) => `  ${name.padEnd(width)}  ${job.summary}`);
  return [
    'Usage: msc <job> [flags]',
    '',
    'DICOM Metadata Series Classification. Each job is also its own binary: msc <job> … = msc-<job> …',
    '',
    'Jobs:',
    ...jobs,
    '',
    'msc <job> --help (or msc help <job>) shows what the job does and its flags.',
    '',
    exitCodeTable(),
    '',
  ].join('\n');
}

function usageError(io: CliIo, message: string): number {
  const error = new MscError('E_USAGE', message, { hint: `see msc --help (jobs: ${Object.keys(JOBS).join(', ')})` });
  io.stderr.write(`${formatError(error)}\n`);
  return exitCodeFor(error);
}

export const main: CliMain = async (argv, io = processIo) => {
  const [name, ...rest] = argv;
  if (name === 'help' && rest.length > 0) return main([...rest, '--help'], io);
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help());
    return 0;
  }
  if (name === undefined) return usageError(io, 'no job given');
  const job = Object.hasOwn(JOBS, name) ? JOBS[name] : undefined;
  if (!job) return usageError(io, name.startsWith('-') ? `unknown option '${name}' (flags go after the job)` : `unknown job '${name}'`);
  const { main: jobMain } = await job.load();
  return jobMain(rest, io);
};
