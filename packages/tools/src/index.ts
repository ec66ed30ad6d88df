export * from './merge-shards.js';
export * from './merge-target.js';
export * from './split-data.js';
export * from './metadata-json.js';
