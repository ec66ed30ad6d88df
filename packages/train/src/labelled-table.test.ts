import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTable } from '@msc/tables';
import { readLabelledTable } from './labelled-table.js';

describe('readLabelledTable', () => {
  it('keeps the series with no labelled row apart, for study context', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-labelled-'));
    try {
      const path = join(dir, 'instances.csv');
      const row = (series: string, label: string) => ({ study_uid: '1.2', series_uid: series, class: label, echo_time: '90' });
      await writeTable(
        path,
        ['study_uid', 'series_uid', 'class', 'echo_time'],
        [row('A', 'T2W'), row('A', 'T2W'), row('B', '-'), row('B', ''), row('C', 'DCE'), row('C', '-')],
      );
      const table = await readLabelledTable(path, 'class');
      expect(table.rows.map((r) => r.series_uid)).toEqual(['A', 'C']);
      expect(table.unlabelledSeries?.map((r) => r.series_uid)).toEqual(['B']);
      expect(table.unlabelledRows).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
