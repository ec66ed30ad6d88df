/**
 * Resumable extraction. Rows are committed in parts to `<output>.partial/` as the run goes (each
 * part written atomically), and the output is assembled from the parts only at the end: a killed
 * run leaves no output file, and `--resume` carries on from the parts instead of starting over.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { LineFormat } from './events.js';
import { MscError, atomicWriteFile, makeOutputDirectory, type Row } from '@msc/core';
import { batchRows, formatDelimitedLine, formatFromPath, readTable } from '@msc/tables';

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
const PART = /^part-(\d{6})\.(tsv|csv)$/;

export function checkpointDirFor(output: string): string {
  return `${output}.partial`;
}

export class Checkpoint {
  private parts: string[] = [];
  private readonly separator: ',' | '\t';
  private readonly extension: 'csv' | 'tsv';

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

  /** Starts afresh, or (resume) reopens a partial run made with the same identity. */
  async open(identity: RunIdentity, resume: boolean): Promise<void> {
    const runFile = join(this.dir, RUN_FILE);
    if (resume && existsSync(runFile)) {
      const previous = JSON.parse(await readFile(runFile, 'utf8')) as RunIdentity;
      if (JSON.stringify(previous) !== JSON.stringify(identity)) {
        throw new MscError('E_USAGE', `the partial run in ${this.dir} was started with other inputs or options`, {
          path: this.dir,
          hint: `rerun with the same inputs and options, or without --resume to start over (that deletes ${this.dir})`,
        });
      }
      const names = (await readdir(this.dir)).filter((name) => PART.test(name) && name.endsWith(`.${this.extension}`)).sort();
      this.parts = names.map((name) => join(this.dir, name));
      return;
    }
    await rm(this.dir, { recursive: true, force: true });
    makeOutputDirectory(this.dir, this.dir);
    await atomicWriteFile(runFile, `${JSON.stringify(identity)}\n`);
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
  async commit(lines: string, skipped: readonly SkippedFile[]): Promise<void> {
    const part = join(this.dir, `part-${String(this.parts.length + 1).padStart(6, '0')}.${this.extension}`);
    let skippedText = formatDelimitedLine(['path', 'reason'], '\t');
    for (const file of skipped) skippedText += formatDelimitedLine([file.path, file.reason], '\t');
    await atomicWriteFile(this.skippedPathOf(part), skippedText);
    await atomicWriteFile(part, this.headerLine() + lines);
    this.parts.push(part);
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

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private skippedPathOf(part: string): string {
    return join(this.dir, `${basename(part).replace(/\.(tsv|csv)$/, '')}.skipped.tsv`);
  }
}
