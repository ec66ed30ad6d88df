/**
 * The library entry: inputs → instance rows and skipped-file reports, in walk order, reading
 * headers with bounded I/O concurrency.
 */
import pLimit from 'p-limit';
import { MscError, type InstanceRow } from '@msc/core';
import { HEADER_OPTIONS, instanceRow } from './instance-row.js';
import { NotDicomError } from './reader/parse.js';
import { readHeader } from './reader/read-file.js';
import { walkFiles, type WalkOptions } from './walk.js';

export type ExtractEvent = { kind: 'row'; path: string; row: InstanceRow } | { kind: 'skipped'; path: string; reason: string };

export interface ExtractOptions extends WalkOptions {
  /** Files read at once (I/O concurrency). Default 16. */
  concurrency?: number;
}

/** One file → its row, or why it was skipped. Never throws for a bad file. */
export async function extractFile(path: string): Promise<ExtractEvent> {
  try {
    const header = await readHeader(path, HEADER_OPTIONS);
    const outcome = instanceRow(header, path);
    return outcome.kind === 'row' ? { kind: 'row', path, row: outcome.row } : { kind: 'skipped', path, reason: outcome.reason };
  } catch (error) {
    if (error instanceof NotDicomError) return { kind: 'skipped', path, reason: 'not DICOM' };
    const code = (error as NodeJS.ErrnoException).code;
    if (code) return { kind: 'skipped', path, reason: `unreadable (${code})` };
    const message = (error as Error).message;
    return { kind: 'skipped', path, reason: message.startsWith('file truncated') ? 'truncated' : `unparseable: ${message}` };
  }
}

export async function* extractInstances(inputs: readonly string[], options: ExtractOptions = {}): AsyncGenerator<ExtractEvent> {
  for (const input of inputs) {
    await import('node:fs/promises').then((fs) => fs.stat(input)).catch(() => {
      throw new MscError('E_INPUT_NOT_FOUND', `no such file or folder: ${input}`, { path: input });
    });
  }
  const concurrency = options.concurrency ?? 16;
  const limit = pLimit(concurrency);
  const window: Promise<ExtractEvent>[] = [];
  for await (const path of walkFiles(inputs, options)) {
    window.push(limit(() => extractFile(path)));
    // Results leave in walk order; the window bounds memory and keeps `concurrency` reads in flight.
    if (window.length >= concurrency * 4) yield await window.shift()!;
  }
  while (window.length > 0) yield await window.shift()!;
}
