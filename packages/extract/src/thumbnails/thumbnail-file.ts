/**
 * What the thumbnail threads do with one file: read where it lies in its series (a few header
 * attributes), or turn its chosen frame into a PNG — a placeholder PNG and the reason when the
 * pixels cannot be decoded, never an exception.
 */
import { readFileSync } from 'node:fs';
import { errorMessage } from '@msc/core';
import type { ParseOptions } from '../reader/parse.js';
import { readHeaderSync, type ReadBuffer } from '../reader/read-file.js';
import { elementValues } from '../values/convert.js';
import { decodeFrame } from './codecs.js';
import { PixelDataError, readEncodedFrame } from './image-file.js';
import { encodePng } from '@msc/core';
import { placeholderRaster, renderThumbnail, THUMBNAIL_SIZE } from './render.js';

const ACQUISITION_NUMBER = 0x00200012;
const INSTANCE_NUMBER = 0x00200013;
const IMAGE_POSITION = 0x00200032;
const IMAGE_ORIENTATION = 0x00200037;
const PLACE_VRS = new Map([
  [ACQUISITION_NUMBER, 'IS'],
  [INSTANCE_NUMBER, 'IS'],
  [IMAGE_POSITION, 'DS'],
  [IMAGE_ORIENTATION, 'DS'],
]);
const PLACE_OPTIONS: ParseOptions = { keep: (tag) => PLACE_VRS.has(tag), vrOf: (tag) => PLACE_VRS.get(tag) };

/** Where an instance lies in its series; each part undefined when the file does not say. */
export interface Place {
  acquisition?: number;
  instance?: number;
  /** Distance along the slice normal (ImagePositionPatient · (row × column direction)). */
  position?: number;
}

function numbers(element: Parameters<typeof elementValues>[0] | undefined): number[] {
  if (!element) return [];
  return elementValues(element)
    .map((text) => (text.trim() === '' ? NaN : Number(text)))
    .filter((value) => Number.isFinite(value));
}

/**
 * A place from the attributes as numbers (AcquisitionNumber, InstanceNumber, ImagePositionPatient,
 * ImageOrientationPatient), wherever they were read (a file, a PACS's JSON).
 */
export function placeFrom(acquisition: number | undefined, instance: number | undefined, ipp: readonly number[], iop: readonly number[]): Place {
  const place: Place = {};
  if (acquisition !== undefined && Number.isFinite(acquisition)) place.acquisition = acquisition;
  if (instance !== undefined && Number.isFinite(instance)) place.instance = instance;
  if (ipp.length === 3 && iop.length === 6 && [...ipp, ...iop].every(Number.isFinite)) {
    const [r0, r1, r2, c0, c1, c2] = iop as [number, number, number, number, number, number];
    const normal = [r1 * c2 - r2 * c1, r2 * c0 - r0 * c2, r0 * c1 - r1 * c0];
    place.position = ipp[0]! * normal[0]! + ipp[1]! * normal[1]! + ipp[2]! * normal[2]!;
  }
  return place;
}

export function placeOf(path: string, buffer: ReadBuffer): Place {
  try {
    // no `admit` callback: a header always comes back (or the read throws)
    const { elements } = readHeaderSync(path, PLACE_OPTIONS, buffer)!;
    return placeFrom(
      numbers(elements.get(ACQUISITION_NUMBER))[0],
      numbers(elements.get(INSTANCE_NUMBER))[0],
      numbers(elements.get(IMAGE_POSITION)),
      numbers(elements.get(IMAGE_ORIENTATION)),
    );
  } catch {
    // A file the header pass read but this one cannot (changed since?) sorts last; its thumbnail says why.
    return {};
  }
}

export type ThumbnailResult =
  { status: 'decoded'; png: Uint8Array; frame: number; width: number; height: number } | { status: 'placeholder'; png: Uint8Array; reason: string };

let placeholder: Uint8Array | undefined;

export function placeholderPng(): Uint8Array {
  placeholder ??= encodePng(placeholderRaster());
  return placeholder;
}

/** Frame `frame` (the middle one when undefined) of a file's bytes as a thumbnail PNG. */
export async function thumbnailOfBytes(bytes: Uint8Array, frame?: number, size = THUMBNAIL_SIZE): Promise<ThumbnailResult> {
  try {
    const encoded = readEncodedFrame(bytes, frame);
    const decoded = await decodeFrame(encoded);
    const raster = renderThumbnail(decoded, encoded.display, encoded.image.bitsStored, size);
    return { status: 'decoded', png: encodePng(raster), frame: encoded.index, width: raster.width, height: raster.height };
  } catch (error) {
    const reason = error instanceof PixelDataError ? error.message : `undecodable pixel data: ${errorMessage(error)}`;
    return { status: 'placeholder', png: placeholderPng(), reason };
  }
}

export async function thumbnailOfFile(path: string, frame?: number, size = THUMBNAIL_SIZE): Promise<ThumbnailResult> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { status: 'placeholder', png: placeholderPng(), reason: `unreadable (${code ?? errorMessage(error)})` };
  }
  return thumbnailOfBytes(bytes, frame, size);
}
