/**
 * One file → its instance row (with image features when asked), or why it was skipped. The
 * worker threads run only this; extract.ts walks the inputs and hands files out.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { IMAGE_COLUMN_NAMES, MISSING, errorMessage } from '@msc/core';
import type { ExtractEvent } from './events.js';
import { imageFeaturesFromFile, type ImageFeaturesResult } from './image/index.js';
import { HEADER_OPTIONS, instanceCells, instanceRow, unreadableReason, type InstanceCellsOutcome } from './instance-row.js';
import { DamagedData } from './reader/byte-reader.js';
import { NotDicomError, type ParsedHeader } from './reader/parse.js';
import { readHeader, readHeaderSync, type Confinement, type ReadBuffer } from './reader/read-file.js';

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

/** Adds the image columns to a row event (`-` and a note when the pixels cannot be used). */
function withImageFeatures(event: ExtractEvent, bytes: () => Uint8Array): ExtractEvent {
  if (event.kind !== 'row') return event;
  const row = event.row as Record<string, string>;
  let result: ImageFeaturesResult;
  try {
    result = imageFeaturesFromFile(bytes());
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
  const bytes = await readFile(path);
  return withImageFeatures(event, () => bytes);
}

/** As `extractFile`, blocking, reading into a reused buffer (the worker threads' path). */
export function extractFileSync(path: string, buffer: ReadBuffer, options: { image?: boolean } = {}): ExtractEvent {
  let event: ExtractEvent;
  try {
    event = outcome(path, readHeaderSync(path, HEADER_OPTIONS, buffer));
  } catch (error) {
    return { kind: 'skipped', path, reason: skipReason(error) };
  }
  return options.image ? withImageFeatures(event, () => readFileSync(path)) : event;
}

/** One file → its row as cells in `instanceColumns(false)` order (no image features), or why it was skipped. Never throws for a bad file. */
export function extractCellsSync(path: string, buffer: ReadBuffer): InstanceCellsOutcome {
  try {
    return instanceCells(readHeaderSync(path, HEADER_OPTIONS, buffer), path);
  } catch (error) {
    return { kind: 'skipped', reason: skipReason(error) };
  }
}
