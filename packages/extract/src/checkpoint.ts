/**
 * Resumable extraction. Rows are committed in parts to `<output>.partial/` as the run goes (each
 * part written atomically), and the output is assembled from the parts only at the end: a killed
 * run leaves no output file, and `--resume` carries on from the parts instead of starting over.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { LineFormat } from './events.js';
import {
  MscError,
  type AtomicStream,
  atomicWriteFile,
  createAtomicStream,
  makeOutputDirectory,
  sweepStaleTemporaries,
  type Row,
  errorMessage,
} from '@msc/core';
import { batchRows, formatDelimitedLine, formatFromPath, readTable } from '@msc/tables/table';

export interface SkippedFile {
  path: string;
  reason: string;
}

/** What must match for a partial run to be continued. */
export interface RunIdentity {
  inputs: string[];
  perSeries: boolean;
  shard: string | null;
  pattern: string | null;
  maxDepth: number | null;
  featureTypes: string[];
}

/** A skipped-files table (a part's, or an earlier run's report). */
export async function readSkippedFiles(path: string): Promise<SkippedFile[]> {
  const skipped: SkippedFile[] = [];
  for await (const batch of readTable(path)) for (const row of batchRows(batch)) skipped.push({ path: String(row.path), reason: String(row.reason) });
  return skipped;
}

const RUN_FILE = 'run.json';
/** The lock a run holds on its partial folder (see core's lockOutput). */
export const LOCK_FILE = 'run.lock';
const PART = /^part-(\d{6})\.(tsv|csv)$/;

export function checkpointDirFor(output: string): string {
  return `${output}.partial`;
}

export class Checkpoint {
  private parts: string[] = [];
  /** The number the next part takes (one more than the highest so far, so none is overwritten). */
  private nextPart = 1;
  /** True once `open` has started afresh or taken over a partial run: `remove` may delete the folder. */
  private owned = false;
  private readonly separator: ',' | '\t';
  private readonly extension: 'csv' | 'tsv';
  /** The output `growOutput` grows, and (from the second part on) its temporary file. */
  private growing: { target: string; output?: Promise<AtomicStream> } | undefined;

  constructor(
    readonly dir: string,
    private readonly columns: readonly string[],
    outputPath: string,
  ) {
    // Parts use the output's own delimited format when it has one, so the output can be their concatenation.
    this.extension = formatFromPath(outputPath) === 'csv' ? 'csv' : 'tsv';
    this.separator = this.extension === 'csv' ? ',' : '\t';
  }

  get partPaths(): readonly string[] {
    return this.parts;
  }

  /**
   * Starts afresh, or (resume) reopens a partial run made with the same identity: its parts are
   * checked, damaged ones repaired or dropped (their files are then read again), temporaries of
   * killed runs removed. Returns what was repaired, in words.
   */
  async open(identity: RunIdentity, resume: boolean): Promise<string[]> {
    const runFile = join(this.dir, RUN_FILE);
    if (resume && existsSync(runFile)) {
      let previous: RunIdentity | undefined;
      try {
        previous = JSON.parse(await readFile(runFile, 'utf8')) as RunIdentity;
      } catch {
        previous = undefined;
      }
      if (JSON.stringify(previous) !== JSON.stringify(identity)) {
        throw new MscError('E_USAGE', `the partial run in ${this.dir} was started with other inputs or options`, {
          path: this.dir,
          hint: `rerun with the same inputs and options, or without --resume to start over (that deletes ${this.dir})`,
        });
      }
      this.owned = true;
      const notes: string[] = [];
      const stale = sweepStaleTemporaries(this.dir);
      if (stale.length > 0) notes.push(`removed ${stale.length} temporary file(s) left by an interrupted run in ${this.dir}`);
      const names = (await readdir(this.dir)).filter((name) => PART.test(name) && name.endsWith(`.${this.extension}`)).sort();
      for (const name of names) {
        const part = join(this.dir, name);
        const problem = await this.repair(part);
        if (problem) notes.push(problem);
        if (existsSync(part)) this.parts.push(part);
        this.nextPart = Math.max(this.nextPart, Number(PART.exec(name)![1]) + 1);
      }
      return notes;
    }
    // Starting over: everything but the lock this run holds goes.
    makeOutputDirectory(this.dir, this.dir);
    for (const entry of await readdir(this.dir)) if (entry !== LOCK_FILE) await rm(join(this.dir, entry), { recursive: true, force: true });
    this.owned = true;
    await atomicWriteFile(runFile, `${JSON.stringify(identity)}\n`);
    return [];
  }

  /**
   * Parts are written atomically, so damage comes from outside (a disk error, a copy cut short,
   * an edit). A part cut inside its last line loses that line; a part that does not parse, or
   * whose skipped list is gone, is dropped. Either way the files of lost rows are read again.
   */
  private async repair(part: string): Promise<string | undefined> {
    const name = basename(part);
    const drop = async (why: string) => {
      await rm(part, { force: true });
      await rm(this.skippedPathOf(part), { force: true });
      return `${name} in ${this.dir} ${why}; dropped it, its files are read again`;
    };
    if (!existsSync(this.skippedPathOf(part))) return drop('has no skipped-files list');
    let bytes = await readFile(part);
    let note: string | undefined;
    const header = Buffer.from(this.headerLine());
    if (bytes.length < header.length || !bytes.subarray(0, header.length).equals(header)) return drop('does not start with the expected header');
    if (bytes[bytes.length - 1] !== 0x0a) {
      bytes = bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1);
      await atomicWriteFile(part, bytes);
      note = `${name} in ${this.dir} was cut short; kept its whole rows, the file of its last, cut row is read again`;
    }
    try {
      for await (const batch of readTable(part)) void batch;
      await readSkippedFiles(this.skippedPathOf(part));
    } catch (error) {
      return drop(`is damaged (${errorMessage(error)})`);
    }
    return note;
  }

  /** Rows (unless `skippedOnly`) and skipped files of the committed parts, part by part. */
  async *committed(skippedOnly = false): AsyncGenerator<{ rows: Row[]; skipped: SkippedFile[] }> {
    for (const part of this.parts) {
      const rows: Row[] = [];
      if (!skippedOnly) for await (const batch of readTable(part)) rows.push(...batchRows(batch));
      yield { rows, skipped: await readSkippedFiles(this.skippedPathOf(part)) };
    }
  }

  /** How rows are written in the parts. */
  get lineFormat(): LineFormat {
    return { columns: this.columns, separator: this.separator };
  }

  /** Commits rows (as lines in `lineFormat`) and skipped files as one part: the skipped list first, the rows file last marks it done. */
  async commit(lines: readonly Uint8Array[], skipped: readonly SkippedFile[]): Promise<void> {
    const part = join(this.dir, `part-${String(this.nextPart).padStart(6, '0')}.${this.extension}`);
    let skippedText = formatDelimitedLine(['path', 'reason'], '\t');
    for (const file of skipped) skippedText += formatDelimitedLine([file.path, file.reason], '\t');
    const write = async () => {
      await atomicWriteFile(this.skippedPathOf(part), skippedText);
      await atomicWriteFile(part, [Buffer.from(this.headerLine()), ...lines]);
    };
    const growing = this.growing;
    if (!growing || this.parts.length === 0) await write();
    else {
      // The grown output is only a shortcut: when it fails (a full disk), it is given up and the
      // output joined from the parts at the end, as without it; when a part fails while it takes
      // room, it is given up first, so that the parts fit wherever they did without it.
      let grew = true;
      // The first part (its header included) starts the output; each later part's lines are appended.
      growing.output ??= createAtomicStream(growing.target, { temporaryFolder: this.dir, startFrom: this.parts[0]! });
      const grow = growing.output.then((output) => output.writeChunks(lines));
      const [wrote] = await Promise.allSettled([write(), grow.catch(() => (grew = false))]);
      if (!grew || wrote.status === 'rejected') await this.abandonGrownOutput();
      if (wrote.status === 'rejected') await write();
    }
    this.parts.push(part);
    this.nextPart += 1;
  }

  /**
   * With a delimited output that is the concatenation of this run's parts (a fresh run, no earlier
   * output): from the second part on, the output's temporary file grows as parts are committed
   * (the first part copied, then each part's lines), so that the run ends with a rename instead
   * of reading and writing every part again while nothing else runs.
   */
  growOutput(target: string): void {
    // Its temporary file lives in the partial folder: a killed run leaves it there (swept by
    // `--resume`), not beside the output; the folder is the output's sibling, so the rename is atomic.
    if (this.parts.length === 0) this.growing = { target };
  }

  /** Renames the grown output onto its target; false when it was not grown (fewer than two parts). */
  async finishGrownOutput(): Promise<boolean> {
    const output = this.growing?.output;
    if (!output) return false;
    this.growing = undefined;
    await (await output).commit();
    return true;
  }

  /** Deletes the grown output's temporary file (a run that failed). */
  async abandonGrownOutput(): Promise<void> {
    const output = this.growing?.output;
    this.growing = undefined;
    // An output that failed to start removed its temporary itself.
    await output?.then(
      (stream) => stream.abort(),
      () => undefined,
    );
  }

  /** Moves the only part to `target` (same file system, so atomic); false when there is not exactly one. */
  async moveOnlyPartTo(target: string): Promise<boolean> {
    if (this.parts.length !== 1) return false;
    await rename(this.parts[0]!, target);
    return true;
  }

  /** A part's bytes without its header line (for concatenation into a delimited output). */
  async body(part: string): Promise<Uint8Array> {
    const bytes = await readFile(part);
    return bytes.subarray(bytes.indexOf(0x0a) + 1);
  }

  headerLine(): string {
    return formatDelimitedLine(this.columns, this.separator);
  }

  /** Deletes the folder, when this run made it or took it over (never another run's). */
  async remove(): Promise<void> {
    if (this.owned) await rm(this.dir, { recursive: true, force: true });
  }

  private skippedPathOf(part: string): string {
    return join(this.dir, `${basename(part).replace(/\.(tsv|csv)$/, '')}.skipped.tsv`);
  }
}
