export * from './cohort.js';
export * from './profiles.js';
export { capInstances, cohortProfiles, planCohort, type PlannedSeries, type PlannedStudy, type TransferSyntax } from './plan.js';
export { MR_IMAGE_STORAGE, SEGMENTATION_STORAGE, ENHANCED_SR_STORAGE } from './dataset.js';
export type { PixelMode } from './pixels.js';
/** The Part-10 writer, for tests that build their own small fixtures. */
export { part10File, text, number, ds, orientation } from './dataset.js';
export type { Dataset, Element } from './part10.js';
