/** msc-report: metric, importance and prediction tables → one static HTML report that opens offline. */
import { MscError, defineCli, namedPath as role, writeSummary, type Command } from '@msc/core';
import { namedPath, writeReport } from '../report.js';

interface Flags {
  grid?: string;
  metrics?: string[];
  logo?: string[];
  importance?: string[];
  evaluation?: string[];
  labels?: string;
  title?: string;
  note?: string[];
  output?: string;
}

export const main = defineCli<Flags>({
  name: 'msc-report',
  description:
    'Write one static HTML report (learning curves, confusion matrices, per-class and per-vendor/centre F1, feature importance, calibration, the errors) that opens offline',
  configure: (command: Command) =>
    command
      .option('--grid <dir>', 'an output folder of msc-train all (reads its metrics, leave-one-group-out, importance and test prediction tables)')
      .option('--metrics <tables...>', 'long metric tables (msc-train <model>.metrics.csv, msc-train all metrics.csv)')
      .option('--logo <name=table...>', 'leave-one-group-out metric tables, e.g. centre=metrics_logo_centre.csv')
      .option('--importance <tables...>', 'long importance tables (feature_importances.csv, <model>.importance.csv)')
      .option('--evaluation <name=table...>', 'per-series tables with true class and prediction (test_predictions.csv, msc-predict output with --labels)')
      .option('--labels <table>', 'labels by series_uid (class, description, vendor, centre) joined onto evaluation tables lacking them')
      .option('--title <text>', 'report title', 'MSC model report')
      .option('--note <text...>', 'paragraphs under the title (how the figures were made)')
      .option('-o, --output <file.html>', 'the report'),
  aliases: { '--output-path': '--output', '--metrics-path': '--metrics' },
  paths: (flags) => ({
    inputs: [
      ...[...(flags.metrics ?? []), ...(flags.importance ?? [])].map((path) => role(path, 'an input table')),
      ...[...(flags.logo ?? []), ...(flags.evaluation ?? [])].map((text) => role(namedPath(text).path, 'an input table')),
      role(flags.labels, 'the label table'),
    ],
    outputs: [role(flags.output, 'the report')],
  }),
  async run(flags, _args, io) {
    if (!flags.output) throw new MscError('E_USAGE', 'no output given', { hint: 'add -o report.html' });
    if (!/\.html?$/i.test(flags.output))
      throw new MscError('E_USAGE', `the report is HTML: the output must end in .html, not ${flags.output}`, { hint: '-o report.html' });
    if (!flags.grid && !flags.metrics && !flags.evaluation)
      throw new MscError('E_USAGE', 'nothing to report', { hint: 'give --grid <msc-train all folder>, or --metrics and/or --evaluation tables' });
    const summary = await writeReport(
      {
        ...(flags.title ? { title: flags.title } : {}),
        ...(flags.note ? { notes: flags.note } : {}),
        ...(flags.grid ? { grid: flags.grid } : {}),
        ...(flags.metrics ? { metrics: flags.metrics } : {}),
        ...(flags.logo ? { logo: flags.logo.map(namedPath) } : {}),
        ...(flags.importance ? { importance: flags.importance } : {}),
        ...(flags.evaluation ? { evaluations: flags.evaluation.map(namedPath) } : {}),
        ...(flags.labels ? { labels: flags.labels } : {}),
      },
      flags.output,
    );
    writeSummary(
      io,
      summary,
      `msc-report: ${summary.charts} charts, ${summary.models} models, ${summary.evaluations.length} evaluation sets, ${(summary.bytes / 1024).toFixed(0)} KB → ${summary.output}`,
    );
    return 0;
  },
});
