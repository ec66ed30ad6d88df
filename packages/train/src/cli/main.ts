/**
 * msc-train: flags → runTrain with the table readers (instance tables are reduced to series
 * first) and atomic writers → summary.
 */
import { Progress, defineCli, writeSummary, type CliIo, type CliMain } from '@msc/core';
import { trainAllMain } from './all.js';
import { TRAIN_ALIASES, configureTrain, siteOptionsFrom, trainOptionsFrom, type TrainFlags } from './options.js';
import { fileTrainIo } from '../file-io.js';
import { checkTrainOutputs, formatSummary, runTrain } from '../train-from-table.js';

const trainMain = defineCli<TrainFlags>({
  name: 'msc-train',
  description: 'Train cross-validated gradient-boosted trees on a labelled feature table and export them as one ONNX model',
  writesTables: true,
  configure: configureTrain,
  aliases: TRAIN_ALIASES,
  interrupted: () => 'no model was written',
  helpText: `
Subcommand: msc-train all <table> -o <dir> trains the original pipeline's whole grid (every
exclusion set × training fraction, leave-one-centre/vendor-out) in parallel and resumably; see
msc-train all --help.`,
  async run(flags, args, io) {
    if (flags.base !== undefined || flags.corrections !== undefined) return runSiteCli(flags, args, io);
    const options = trainOptionsFrom(flags, args);
    checkTrainOutputs(options);
    const progress = new Progress(io.stderr);
    const summary = await runTrain(
      options,
      fileTrainIo((message) => progress.update(message)),
    );
    progress.done();
    for (const warning of summary.warnings) io.stderr.write(`msc-train: warning: ${warning}\n`);
    writeSummary(io, summary, formatSummary(summary, options.task));
    return 0;
  },
});

/** --base + --corrections: a site model (loaded only then: it brings the generator and the extractor). */
async function runSiteCli(flags: TrainFlags, args: readonly string[], io: CliIo): Promise<number> {
  const { runSiteTrain, formatSiteSummary } = await import('../site/site-train.js');
  const { defaultCohortCache } = await import('../cohort/synthetic.js');
  const options = siteOptionsFrom(flags, args, defaultCohortCache());
  const progress = new Progress(io.stderr);
  const summary = await runSiteTrain(
    options,
    fileTrainIo((message) => progress.update(message)),
  );
  progress.done();
  writeSummary(io, summary, formatSiteSummary(summary));
  return 0;
}

const SUBCOMMANDS: Readonly<Record<string, CliMain>> = { all: trainAllMain };

/** msc-train <table> … trains one model; msc-train all … the whole grid. */
export const main: CliMain = (argv, io) => {
  const sub = argv[0] !== undefined ? SUBCOMMANDS[argv[0]] : undefined;
  return sub ? sub(argv.slice(1), io) : trainMain(argv, io);
};
