/**
 * The columns of an instance table, apart from the code that makes rows (instance-row.ts): the
 * main thread of a run with worker threads needs the names, not the header reading they load.
 */
import { COLUMNS, IMAGE_COLUMN_NAMES } from '@msc/core/lean';

const INSTANCE_COLUMNS = COLUMNS.map((spec) => spec.name);
const IMAGE_INSTANCE_COLUMNS = [...INSTANCE_COLUMNS, ...IMAGE_COLUMN_NAMES];

/** The columns of an instance table in table order (the fields of every row `instanceRow` makes), then the image columns with `image`. */
export function instanceColumns(image: boolean): readonly string[] {
  return image ? IMAGE_INSTANCE_COLUMNS : INSTANCE_COLUMNS;
}
