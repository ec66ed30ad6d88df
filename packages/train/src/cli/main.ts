/**
 * msc-train: flags → runTrain with the table readers (instance tables are reduced to series
 * first) and atomic writers → summary.
 */
import { readFile } from 'node:fs/promises';
import { MscError, Progress, atomicWriteFile, defineCli, writeSummary, type Row } from '@msc/core';
import { writeTable } from '@msc/tables';
import { readLabelledTable } from '../labelled-table.js';
import { TRAIN_ALIASES, configureTrain, trainOptionsFrom, type TrainFlags } from './options.js';
import { checkTrainOutputs, formatSummary, runTrain } from '../train-from-table.js';

function columnsOf(rows: readonly Row[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const column of Object.keys(row)) columns.add(column);
  return [...columns];
}

export const main = defineCli<TrainFlags>({
  name: 'msc-train',
  description: 'Train cross-validated gradient-boosted trees on a labelled feature table and export them as one ONNX model',
  configure: configureTrain,
  aliases: TRAIN_ALIASES,
  interrupted: () => 'no model was written',
  async run(flags, args, io) {
    const options = trainOptionsFrom(flags, args);
    checkTrainOutputs(options);
    const progress = new Progress(io.stderr);
    const summary = await runTrain(options, {
      readRows: (path, labelColumn) => readLabelledTable(path, labelColumn),
      readText: (path) =>
        readFile(path, 'utf8').catch((cause: Error) => {
          throw new MscError('E_INPUT_NOT_FOUND', `cannot read ${path}: ${cause.message}`, { path, cause, hint: 'check the path' });
        }),
      writeBytes: (path, bytes) => atomicWriteFile(path, bytes),
      writeRows: (path, rows) => writeTable(path, columnsOf(rows), rows),
      progress: (message) => progress.update(message),
    });
    progress.done();
    for (const warning of summary.warnings) io.stderr.write(`msc-train: warning: ${warning}\n`);
    writeSummary(io, summary, formatSummary(summary, options.task));
    return 0;
  },
});
