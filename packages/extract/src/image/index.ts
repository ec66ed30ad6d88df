/**
 * Optional per-instance image features: the first frame's stored pixel values (see pixel-data.ts
 * for what is read and what is skipped) reduced to the numeric image columns of core.
 */
import { imageFeatures } from './features.js';
import { readFirstFrame } from './pixel-data.js';

export { IMAGE_FEATURE_NAMES, imageFeatures } from './features.js';
export { readFirstFrame, type FirstFrame } from './pixel-data.js';

export type ImageFeaturesResult =
  /** `rows`/`columns` are the frame size (core's image_y / image_x). */
  { kind: 'features'; values: Record<string, number>; rows: number; columns: number } | { kind: 'skipped'; reason: string };

export function imageFeaturesFromFile(bytes: Uint8Array): ImageFeaturesResult {
  const frame = readFirstFrame(bytes);
  if (frame.kind === 'skipped') return frame;
  return { kind: 'features', values: imageFeatures(frame.pixels, frame.rows, frame.columns), rows: frame.rows, columns: frame.columns };
}
