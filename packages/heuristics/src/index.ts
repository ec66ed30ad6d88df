export * from './rule-schema.js';
export * from './match.js';
export * from './load-rules.js';
export * from './apply.js';
export * from './yaml-source.js';
