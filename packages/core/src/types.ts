/**
 * Row and label types shared by every package.
 *
 * Cells hold the text found in the file (numbers keep their written form, `-` marks a missing
 * value, as the original tool's tables do); only numeric columns such as `number_of_images` and
 * image statistics hold numbers. `null` is accepted on input and treated as missing.
 */
export type Cell = string | number | null;

/** One row of any feature table, keyed by column name. */
export type Row = Record<string, Cell>;

/** One DICOM instance (file): the columns of the tag table plus bookkeeping. */
export type InstanceRow = Row & {
  study_uid: string;
  series_uid: string;
};

/** One series: each column holds the unique instance values joined by one space. */
export type SeriesRow = Row & {
  study_uid: string;
  series_uid: string;
  number_of_images: number;
};

/**
 * A column of rows as codes: row r's cell is `cells[codes[r]]`, `cells` the column's distinct cells
 * (compared as Map keys compare them) in order of first appearance.
 */
export interface CodedCells {
  readonly codes: Int32Array;
  readonly cells: readonly (Cell | undefined)[];
  /**
   * The row objects coded, in the order of `codes` (a copy of the coder's array, taken when coding
   * ended, shared by the columns coded together): a reader takes the codes only for these very
   * rows in this order, so a filter, reorder or copy of the rows in between never meets wrong codes.
   */
  readonly rows: readonly Row[];
}

/** The text written for a missing value. */
export const MISSING = '-';

/** The five series classes, in the order models and outputs use (alphabetical, as the original). */
export const CLASS_LABELS = ['ADC', 'DCE', 'DWI', 'Others', 'T2W'] as const;
export type ClassLabel = (typeof CLASS_LABELS)[number];

const LABEL_ALIASES: ReadonlyMap<string, ClassLabel> = new Map([
  ['adc', 'ADC'],
  ['dce', 'DCE'],
  ['dwi', 'DWI'],
  ['others', 'Others'],
  ['other', 'Others'],
  ['t2', 'T2W'],
  ['t2w', 'T2W'],
]);

/**
 * Maps a label as written by users or the original tool (`t2`, `others`, `T2W`, ` ADC `) to its
 * canonical class, or `undefined` when it is not one of the five.
 */
export function parseClassLabel(text: string): ClassLabel | undefined {
  return LABEL_ALIASES.get(text.trim().toLowerCase());
}
