/**
 * Units at the featurizer's input (feature spec version 3): timing tags some exports write in
 * seconds although DICOM says milliseconds. Applied here rather than at extraction so that one
 * function serves training and prediction alike, whatever tool made the table (MSC's extraction,
 * the original's, a PACS), and so extracted tables keep the values the scanner wrote (parity
 * with the original).
 *
 * The rule is one threshold per column, below which a positive value is taken as seconds:
 * - temporal_resolution < 100 → seconds. DCE frames take 2–30 s (2,000–30,000 ms); written in
 *   seconds they read 2–30. Ambiguous for a true resolution under 100 ms (real-time cine), which
 *   mpMRI does not acquire; it would read 1,000× too slow.
 * - echo_time < 1 and repetition_time < 1 → seconds. No TE of an mpMRI sequence is under 1 ms
 *   (ultrashort-TE sequences are, and would be misread) and no TR is; written in seconds every
 *   TE (0.001–0.3) and every gradient-echo TR (0.002–0.1) falls under 1. A spin-echo TR written
 *   in seconds (1–15) cannot be told from a gradient-echo TR in ms by its value and stays as is.
 */

/** Below this positive value a column's numbers are seconds (× 1000 → ms). */
export const SECONDS_BELOW: Readonly<Record<string, number>> = { temporal_resolution: 100, echo_time: 1, repetition_time: 1 };

/** Whether the column's values are unit-normalised (temporal_resolution, echo_time, repetition_time). */
export function hasUnitRule(column: string): boolean {
  return Object.hasOwn(SECONDS_BELOW, column);
}

/** One value in milliseconds by the column's rule (values of other columns unchanged). */
export function toMilliseconds(column: string, value: number): number {
  const limit = SECONDS_BELOW[column];
  return limit !== undefined && value > 0 && value < limit ? value * 1000 : value;
}

/** Every value of a cell's numbers in milliseconds by the column's rule. */
export function numbersInMilliseconds(column: string, values: readonly number[]): number[] {
  return hasUnitRule(column) ? values.map((value) => toMilliseconds(column, value)) : [...values];
}
