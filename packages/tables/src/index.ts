export * from './table/types.js';
export * from './table/format.js';
export * from './table/index.js';
export * from './series/reduce.js';
export * from './series/read-series.js';
