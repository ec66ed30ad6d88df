/**
 * The contract without the CLI kit (commander), output files and PNG: errors, row types, value
 * rules and row builders, the column table, shards, thread messaging (and worker script URLs) and the CSV formula policy. For worker threads,
 * whose start-up would otherwise load the whole package per thread.
 */
export * from './errors.js';
export * from './types.js';
export * from './values.js';
export { hasKeys, rowCopier, rowFactory, rowFiller, rowReader } from './row-builders.js';
export * from './dicom/tags.js';
export * from './shard.js';
export * from './threads.js';
export * from './csv-formulas.js';
