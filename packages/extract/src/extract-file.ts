/**
 * One file → its instance row (with image features when asked), or why it was skipped. The
 * worker threads run only this; extract.ts walks the inputs and hands files out.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { IMAGE_COLUMN_NAMES, MISSING, errorMessage, inShard, type Shard } from '@msc/core/lean';
import type { ExtractEvent } from './events.js';
import type { ImageFeaturesResult } from './image/index.js';
import { HEADER_OPTIONS, STUDY_UID_OPTIONS, instanceCells, instanceRow, studyUidCell, unreadableReason, type InstanceCellsOutcome } from './instance-row.js';
import { DamagedData } from './reader/byte-reader.js';
import { NotDicomError, parseHeader, type ParsedHeader } from './reader/parse.js';
import { readHeader, readHeaderSync, type AdmitFile, type Confinement, type ReadBuffer, type SyncReadOptions } from './reader/read-file.js';

/** Why a file that failed to parse was skipped, in the report's words. */
export function skipReason(error: unknown): string {
  if (error instanceof NotDicomError) return 'not DICOM';
  if (error instanceof DamagedData) return unreadableReason(error);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EOUTSIDE') return 'outside the allowed roots';
  if (code) return `unreadable (${code})`;
  return `unparseable: ${errorMessage(error)}`;
}

function outcome(path: string, header: ParsedHeader): ExtractEvent {
  const result = instanceRow(header, path);
  if (result.kind === 'skipped') return { kind: 'skipped', path, reason: result.reason };
  return { kind: 'row', path, row: result.row, ...(result.partial ? { partial: result.partial } : {}) };
}

/** The pixel code, loaded by `loadImageFeatures` for the first run that asks for image features: a header-only run (a worker thread's start) loads none of it. */
let imageCode: typeof import('./image/index.js') | undefined;

/** Loads what `extractFileSync` needs for image features (`extractFile` loads it itself). */
export async function loadImageFeatures(): Promise<void> {
  imageCode ??= await import('./image/index.js');
}

/** Adds the image columns to a row event (`-` and a note when the pixels cannot be used). */
function withImageFeatures(event: ExtractEvent, bytes: () => Uint8Array): ExtractEvent {
  if (event.kind !== 'row') return event;
  if (!imageCode) throw new Error('image features asked for before loadImageFeatures()');
  const row = event.row as Record<string, string>;
  let result: ImageFeaturesResult;
  try {
    result = imageCode.imageFeaturesFromFile(bytes());
  } catch (error) {
    result = { kind: 'skipped', reason: `pixel data unreadable: ${errorMessage(error)}` };
  }
  for (const column of IMAGE_COLUMN_NAMES) row[column] = MISSING;
  if (result.kind === 'skipped') return { ...event, imageNote: result.reason };
  for (const [name, value] of Object.entries(result.values)) row[name] = String(value);
  row.image_x = String(result.columns);
  row.image_y = String(result.rows);
  return event;
}

/** One file → its row, or why it was skipped. Never throws for a bad file. */
export async function extractFile(path: string, options: { image?: boolean; confine?: Confinement } = {}): Promise<ExtractEvent> {
  let event: ExtractEvent;
  try {
    event = outcome(path, await readHeader(path, HEADER_OPTIONS, undefined, options.confine));
  } catch (error) {
    return { kind: 'skipped', path, reason: skipReason(error) };
  }
  if (!options.image || event.kind !== 'row') return event;
  await loadImageFeatures();
  const bytes = await readFile(path);
  return withImageFeatures(event, () => bytes);
}

/**
 * Whether a file's first block puts it in `shard`: its study UID, read there without the rest of the
 * header, picks the shard as the row's study_uid would. A block that does not reach the study UID
 * (a long header), or any trouble before it, admits the file: the whole read decides what it gives.
 */
export function shardAdmits(shard: Shard): AdmitFile {
  return (firstBlock, complete) => {
    let header: ParsedHeader;
    try {
      header = parseHeader(firstBlock, complete, STUDY_UID_OPTIONS);
    } catch {
      return true;
    }
    const study = header.damage ? undefined : studyUidCell(header);
    return study === undefined || inShard(shard, study);
  };
}

export interface SyncExtractOptions {
  image?: boolean;
  /** Files of other shards' studies are read no further than their study UID: undefined is returned for them. */
  shard?: Shard;
  confine?: Confinement;
}

function syncReadOptions(options: SyncExtractOptions): SyncReadOptions {
  return { ...(options.shard ? { admit: shardAdmits(options.shard) } : {}), ...(options.confine ? { confine: options.confine } : {}) };
}

/**
 * As `extractFile`, blocking, reading into a reused buffer (the worker threads' path, and the
 * main thread's with `workers: 0`); undefined for a file of another shard. With `image`, after
 * `loadImageFeatures()`.
 */
export function extractFileSync(path: string, buffer: ReadBuffer, options: SyncExtractOptions = {}): ExtractEvent | undefined {
  let event: ExtractEvent;
  try {
    const header = readHeaderSync(path, HEADER_OPTIONS, buffer, syncReadOptions(options));
    if (!header) return undefined;
    event = outcome(path, header);
  } catch (error) {
    return { kind: 'skipped', path, reason: skipReason(error) };
  }
  return options.image ? withImageFeatures(event, () => readFileSync(path)) : event;
}

/**
 * One file → its row as cells in `instanceColumns(false)` order (no image features), or why it was
 * skipped; undefined for a file of another shard. Never throws for a bad file.
 */
export function extractCellsSync(path: string, buffer: ReadBuffer, options: Omit<SyncExtractOptions, 'image'> = {}): InstanceCellsOutcome | undefined {
  try {
    const header = readHeaderSync(path, HEADER_OPTIONS, buffer, syncReadOptions(options));
    return header && instanceCells(header, path);
  } catch (error) {
    return { kind: 'skipped', reason: skipReason(error) };
  }
}
