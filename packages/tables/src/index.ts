export * from './table/types.js';
export * from './table/format.js';
export * from './table/index.js';
export { SeriesReducer, reduceToSeries, type ReduceOptions } from './series/reduce/reducer.js';
export { assertReducible, reduceCells } from './series/reduce/rules.js';
export { ReducerCells, type SeriesGroup } from './series/reduce/cells.js';
export { absorb, toState, type ReducerState } from './series/reduce/state.js';
export * from './series/read-series.js';
