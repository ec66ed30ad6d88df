import { extname } from 'node:path';
import { MscError } from '@msc/core/lean';
import type { TableFormat } from './types.js';

const EXTENSIONS: Record<string, TableFormat> = {
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/** The table format a path's extension names; an unknown extension is a user error. */
export function formatFromPath(path: string): TableFormat {
  const format = EXTENSIONS[extname(path).toLowerCase()];
  if (!format) {
    throw new MscError('E_TABLE_FORMAT', `cannot tell the table format of ${path} from its extension`, {
      path,
      hint: `use one of ${Object.keys(EXTENSIONS).join(', ')}`,
    });
  }
  return format;
}

export function isTablePath(path: string): boolean {
  return extname(path).toLowerCase() in EXTENSIONS;
}

/**
 * Column names as the original normalises them: trimmed, lower-cased, runs of white space → `_`
 * (`Series Description` → `series_description`).
 */
export function normalizeColumnName(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, '_');
}
