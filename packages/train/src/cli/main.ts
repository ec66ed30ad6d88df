/**
 * msc-train entry: flags → runTrain with core's table readers (instance tables are reduced to
 * series first) and atomic writers → summary. Exit codes follow core's `exitCodeFor`.
 */
import { readFile } from 'node:fs/promises';
import { atomicWriteFile, runCli, type Row } from '@msc/core';
import { readSeriesTable, writeTable } from '@msc/tables';
import { parseTrainArgs, trainHelp } from './options.js';
import { Progress } from './progress.js';
import { formatSummary, runTrain } from './run.js';

function columnsOf(rows: readonly Row[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const column of Object.keys(row)) columns.add(column);
  return [...columns];
}

async function main(argv: readonly string[]): Promise<number> {
  const options = parseTrainArgs(argv);
  if (!options) {
    process.stdout.write(`${trainHelp()}\n`);
    return 0;
  }
  const progress = new Progress(process.stderr);
  const summary = await runTrain(options, {
    readRows: async (path) => (await readSeriesTable(path)).rows,
    readText: (path) => readFile(path, 'utf8'),
    writeBytes: (path, bytes) => atomicWriteFile(path, bytes),
    writeRows: (path, rows) => writeTable(path, columnsOf(rows), rows),
    progress: (message) => progress.update(message),
  });
  progress.done();
  if (process.stdout.isTTY) process.stdout.write(`${formatSummary(summary, options.task)}\n`);
  else process.stdout.write(`${JSON.stringify(summary)}\n`);
  return 0;
}

runCli(main);
