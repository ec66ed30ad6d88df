/** Requests to the thumbnail threads and their answers (the same function runs on the main thread with no threads). */
import type { ReadBuffer } from '../reader/read-file.js';
import { placeOf, thumbnailOfFile, type Place, type ThumbnailResult } from './thumbnail-file.js';

export type ThumbnailRequest = { kind: 'places'; paths: string[] } | { kind: 'thumbnail'; path: string; frame?: number; size: number };
export type ThumbnailReply = { kind: 'places'; places: Place[] } | { kind: 'thumbnail'; result: ThumbnailResult };

export async function answer(request: ThumbnailRequest, buffer: ReadBuffer): Promise<ThumbnailReply> {
  if (request.kind === 'places') return { kind: 'places', places: request.paths.map((path) => placeOf(path, buffer)) };
  return { kind: 'thumbnail', result: await thumbnailOfFile(request.path, request.frame, request.size) };
}
