// the lean entry (what worker threads need) and the rest: CLI kit, outputs, PNG
export * from './lean.js';
export * from './atomic.js';
export * from './outputs.js';
export * from './random.js';
export * from './cli.js';
export * from './worker-url.js';
export * from './progress.js';
export * from './read-input.js';
export * from './png.js';
