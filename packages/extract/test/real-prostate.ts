/**
 * The two real ProstateX exams committed at pipelines/real-prostate (headers only, hand labels):
 * unpacked into a test's temporary folder, with their labels.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Row } from '@msc/core';
import { readRows } from '@msc/tables';

const FOLDER = fileURLToPath(new URL('../../../pipelines/real-prostate/', import.meta.url));

/** Unpacks the headers into `dir` (one folder per patient, one per series) and returns it. */
export function unpackRealProstate(dir: string): string {
  execFileSync('tar', ['-xJf', `${FOLDER}headers.tar.xz`, '-C', dir]);
  return dir;
}

/** labels.csv: patient, study_uid, series_uid, class, series_description, reason. */
export async function realProstateLabels(): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of readRows(`${FOLDER}labels.csv`)) rows.push(row);
  return rows;
}
