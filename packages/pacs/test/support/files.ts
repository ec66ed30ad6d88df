import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every file below a folder (a synthetic cohort's DICOM files), without its labels.csv. */
export function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== 'labels.csv')
    .map((entry) => join(entry.parentPath, entry.name));
}
