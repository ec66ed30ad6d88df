/**
 * Cell-by-cell input to a SeriesReducer, for readers that know which cells repeat the previous
 * row's (the byte scanner, scan-delimited.ts): `startRow` with the row's key cells, then
 * `addCell` for its cells. A cell equal to one already added to the same series may be left out,
 * except number_of_images, number_of_frames and image columns (`isPerRowColumn`), which count
 * every row.
 */
import type { Cell, Row } from '@msc/core';
import type { SeriesAccumulator, SeriesReducer } from './reducer.js';
import { isPerRowColumn } from './rules.js';

/** A series being reduced, as `startRow` hands it back (opaque to the reader). */
export type SeriesGroup = object;

export class ReducerCells {
  constructor(readonly reducer: SeriesReducer) {}

  /**
   * Starts a row with these key cells (patient_id, study_uid, series_uid as present); returns its
   * series, or undefined for a blank key (the reducer counts the row; leave its cells out).
   */
  startRow(keyCells: Row): SeriesGroup | undefined {
    const keyed = this.reducer.keyOf(keyCells);
    if (!keyed) return undefined;
    const { id, key } = keyed;
    const group = this.reducer.groupOf(id, key);
    this.reducer.materialize(group);
    group.rows += 1;
    return group;
  }

  /** Starts another row of the series of the previous `startRow` (same key, no lookup). */
  repeatRow(group: SeriesGroup): void {
    const accumulator = group as SeriesAccumulator;
    this.reducer.materialize(accumulator);
    accumulator.rows += 1;
  }

  addCell(group: SeriesGroup, column: string, cell: Cell | undefined): void {
    this.reducer.accumulateCell(group as SeriesAccumulator, column, cell);
  }

  /** Columns whose every row counts (`addCell` must not skip repeats of them). */
  isPerRowColumn(column: string): boolean {
    return isPerRowColumn(column);
  }

  /** Whether the reducer leaves this column out anyway (the reader need not read it). */
  drops(column: string): boolean {
    return this.reducer.drops(column);
  }
}
