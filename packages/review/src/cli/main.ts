/**
 * msc-review: a predictions table (+ thumbnails) → a local web page to review and relabel its
 * series from the keyboard; corrections are written to a CSV as they are made.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { MscError, defineCli, namedPath, parse, writeSummary, type Command } from '@msc/core';
import { openReview } from '../review.js';
import { startReviewServer } from '../server.js';

interface Flags {
  thumbnails?: string;
  corrections?: string;
  port?: number;
  open: boolean;
  title?: string;
}

/** The system's way to open a URL in the default browser. */
function openInBrowser(url: string): void {
  const [command, ...args] = process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '', url] : ['xdg-open', url];
  try {
    const child = spawn(command!, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined); // no browser here: the URL is printed anyway
    child.unref();
  } catch {
    // as above
  }
}

export const main = defineCli<Flags>({
  name: 'msc-review',
  description:
    'Review a predictions table in the browser: series as cards (thumbnail, description, label, confidence, rule, why), least confident first; relabel with the keys 1–5, arrows, Enter, u (undo); corrections saved to a CSV as you go',
  configure: (command: Command) =>
    command
      .argument('<predictions>', 'the table msc-predict wrote (CSV, TSV, parquet, JSON); --explain adds the "why" line')
      .option('--thumbnails <dir>', 'the folder msc-extract --thumbnails wrote (<series_uid>.png, thumbnails.csv)')
      .option(
        '--corrections <file.csv>',
        'where corrections are written (study_uid, series_uid, class, previous, reviewed_at); an existing file is resumed',
        'corrections.csv',
      )
      .option('-p, --port <port>', 'port on 127.0.0.1 (default: a free one)', parse.count(0))
      .option('--no-open', 'do not open the page in the default browser (the URL is printed)')
      .option('--title <text>', 'the page title'),
  paths: (flags, args) => ({
    inputs: [namedPath(args[0], 'the predictions table')],
    outputs: [namedPath(flags.corrections, 'the corrections file')],
  }),
  interrupted: false,
  async run(flags, args, io) {
    const corrections = resolve(flags.corrections ?? 'corrections.csv');
    if (!/\.csv$/i.test(corrections))
      throw new MscError('E_USAGE', `corrections are written as CSV: ${flags.corrections} does not end in .csv`, { hint: '--corrections corrections.csv' });
    const { session, store, table } = await openReview({
      predictions: args[0]!,
      corrections,
      ...(flags.thumbnails ? { thumbnails: flags.thumbnails } : {}),
      ...(flags.title ? { title: flags.title } : {}),
    });
    const running = await startReviewServer(session, flags.port !== undefined ? { port: flags.port } : {});
    const reviewed = store.countReviewed(table.series.map((series) => series.series_uid));
    writeSummary(
      io,
      { url: running.url, series: table.series.length, classes: table.classes, reviewed, corrections },
      `msc-review: ${table.series.length} series (${reviewed} reviewed) at ${running.url}\n  corrections → ${corrections}; Ctrl+C stops`,
    );
    if (flags.open) openInBrowser(running.url);
    return new Promise<number>((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void store
          .flush()
          .then(() => running.close())
          .then(() => done(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
});
