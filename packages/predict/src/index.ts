export * from './model-bundle.js';
export * from './score.js';
export * from './predict.js';
