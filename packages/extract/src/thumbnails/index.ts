export {
  writeThumbnails,
  writeThumbnailTable,
  thumbnailRecord,
  thumbnailInstanceOf,
  thumbnailFileName,
  middleInstance,
  middleTemporalGroup,
  THUMBNAIL_TABLE,
  THUMBNAIL_COLUMNS,
} from './thumbnails.js';
export type { ThumbnailInstance, ThumbnailOptions, ThumbnailRecord, ThumbnailSummary } from './thumbnails.js';
export { thumbnailOfBytes, thumbnailOfFile, placeholderPng, placeFrom, type ThumbnailResult, type Place } from './thumbnail-file.js';
export { readEncodedFrame, PixelDataError, type EncodedFrame, type ImageDescription, type Display } from './image-file.js';
export { decodeFrame, type DecodedFrame } from './codecs.js';
export { encodePng, type Raster } from '@msc/core';
export { renderThumbnail, THUMBNAIL_SIZE } from './render.js';
