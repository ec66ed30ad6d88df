export * from './matrix.js';
export * from './tokenize.js';
export * from './numeric.js';
export * from './spec.js';
export * from './featurize.js';
export * from './derived.js';
export * from './model-contract.js';
export * from './tree-shap.js';
