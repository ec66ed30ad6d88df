import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTable } from '../table/index.js';
import { readSeriesTable } from './read-series.js';

describe('readSeriesTable', () => {
  it('reduces instance tables and passes series tables through unchanged', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-series-'));
    const instances = join(dir, 'instances.csv');
    await writeFile(instances, 'study_uid,series_uid,diffusion_bvalue\n1,1.1,800\n1,1.1,0\n1,1.2,-\n');
    const reduced = await readSeriesTable(instances);
    expect(reduced).toMatchObject({ inputRows: 3, perInstance: true });
    expect(reduced.rows).toEqual([
      { study_uid: '1', series_uid: '1.1', diffusion_bvalue: '0 800', number_of_images: 2 },
      { study_uid: '1', series_uid: '1.2', diffusion_bvalue: '-', number_of_images: 1 },
    ]);
    // Writing the series rows and reading them again gives the same rows: reduction is idempotent.
    const series = join(dir, 'series.parquet');
    await writeTable(series, ['study_uid', 'series_uid', 'diffusion_bvalue', 'number_of_images'], reduced.rows);
    const again = await readSeriesTable(series);
    expect(again.perInstance).toBe(false);
    expect(again.rows).toEqual(reduced.rows);
  });

  it('names missing key columns', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-series-'));
    const path = join(dir, 'bad.csv');
    await writeFile(path, 'study_uid,echo_time\n1,80\n');
    await expect(readSeriesTable(path)).rejects.toMatchObject({ code: 'E_MISSING_COLUMNS', message: expect.stringContaining('series_uid') });
  });
});
