/**
 * `@msc/train/testing`: small labelled tables and matrices for tests of the trainer and of what
 * reads its output (report). Not a cohort generator: @msc/synth is.
 */
export { seriesRows } from './test-support/series-rows.js';
export { blobProblem, errorRate, missingnessProblem, xorProblem, type Problem } from './test-support/data.js';
