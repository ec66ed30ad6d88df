/**
 * The review tests' input: a small synthetic cohort (real DICOM files) labelled by msc-predict
 * --explain with the shipped model, and thumbnails for it (all but two, whose absence
 * thumbnails.csv explains).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { captureIo, type Row } from '@msc/core';
import { main as predictMain } from '@msc/predict/cli';
import { main as synthMain } from '@msc/synth/cli';
import { readTableAll, writeTable } from '@msc/tables';
import { greyPng } from '@msc/review/testing';

export interface ReviewFixture {
  predictions: string;
  columns: readonly string[];
  rows: Row[];
  thumbnails: string;
  /** Series without a thumbnail, and the reason thumbnails.csv gives. */
  withoutThumbnail: Map<string, string>;
}

export async function predictedCohort(dir: string, change?: (rows: Row[]) => void): Promise<ReviewFixture> {
  const cohort = join(dir, 'cohort');
  const synthIo = captureIo();
  expect(await synthMain(['--out', cohort, '--studies', '3', '--seed', '7', '--max-instances-per-series', '1'], synthIo), synthIo.err()).toBe(0);
  const predicted = join(dir, 'predicted.csv');
  const predictIo = captureIo();
  expect(await predictMain([cohort, '--heuristics', 'prostate_mpmri', '--explain', '-o', predicted], predictIo), predictIo.err()).toBe(0);
  const table = await readTableAll(predicted);
  const rows = table.rows;
  // msc-predict passes each series' Manufacturer through (the page's vendor filter)
  expect(new Set(rows.map((row) => row['manufacturer'])).size).toBeGreaterThan(1);
  expect(rows.every((row) => typeof row['manufacturer'] === 'string' && row['manufacturer'] !== '-')).toBe(true);
  change?.(rows);
  const predictions = join(dir, 'predictions.csv');
  await writeTable(predictions, table.columns, rows);

  const thumbnails = join(dir, 'thumbnails');
  await mkdir(thumbnails);
  const withoutThumbnail = new Map<string, string>();
  const index: Row[] = [];
  for (const [i, row] of rows.entries()) {
    const uid = String(row['series_uid']);
    if (i === 1 || i === 5) {
      withoutThumbnail.set(uid, 'placeholder: no pixel data');
      index.push({ study_uid: row['study_uid']!, series_uid: uid, file: '', status: 'placeholder', reason: 'no pixel data' });
    } else {
      await writeFile(join(thumbnails, `${uid}.png`), greyPng(64, (i * 37) % 128));
      index.push({ study_uid: row['study_uid']!, series_uid: uid, file: `${uid}.png`, status: 'decoded', reason: '' });
    }
  }
  await writeTable(join(thumbnails, 'thumbnails.csv'), ['study_uid', 'series_uid', 'file', 'status', 'reason'], index);
  return { predictions, columns: table.columns, rows, thumbnails, withoutThumbnail };
}

/** A clock for corrections: 2026-01-01T00:00:00Z, one second later at each call. */
export function steppingClock(): () => Date {
  let calls = 0;
  return () => new Date(Date.UTC(2026, 0, 1, 0, 0, calls++));
}
