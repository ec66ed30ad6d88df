export * from './model-bundle.js';
export * from './predict.js';
export * from './inputs.js';
export * from './predict-files.js';
export * from './default-model.js';
export * from './explain.js';
export * from './predict-pacs.js';
/** Study context for callers that hold series rows (msc-serve's routes). */
export { addStudyContext } from '@msc/features';
