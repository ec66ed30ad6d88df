export * from './errors.js';
export * from './types.js';
export * from './values.js';
export * from './atomic.js';
export * from './dicom/tags.js';
export * from './series/reduce.js';
export * from './table/types.js';
export * from './table/format.js';
