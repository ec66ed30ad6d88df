/**
 * A parquet series table's dictionary columns reach the featurizer coded (the 60K-series predict
 * path's saving): readPredictionInputs hands them on for the very rows it returns, in their order,
 * which is what the featurizer checks before taking them; a shard of the rows hands none on.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTable } from '@msc/tables';
import { readPredictionInputs } from '../src/inputs.js';

describe('readPredictionInputs: coded columns', () => {
  it('hands on the codes of a parquet series table tied to the rows it returns', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-coded-'));
    const path = join(dir, 'series.parquet');
    const descriptions = ['t2_tse_tra', 'ep2d_diff_b800', 'ep2d_diff_ADC', 't1_vibe_dyn'];
    const rows = Array.from({ length: 40 }, (_, i) => ({
      study_uid: `1.2.${i % 5}`,
      series_uid: `1.2.${i % 5}.${i}`,
      series_description: descriptions[i % descriptions.length]!,
      echo_time: String(80 + (i % 3)),
      number_of_images: 20,
    }));
    await writeTable(path, Object.keys(rows[0]!), rows);
    const inputs = await readPredictionInputs([path]);
    expect(inputs.rows).toHaveLength(40);
    expect([...inputs.coded.keys()]).toEqual(expect.arrayContaining(['series_description', 'echo_time']));
    for (const [column, { codes, cells, rows: coded }] of inputs.coded) {
      expect(coded).toHaveLength(inputs.rows.length);
      expect(coded.every((row, r) => row === inputs.rows[r])).toBe(true);
      expect(inputs.rows.map((row, r) => cells[codes[r]!] === row[column]).every(Boolean)).toBe(true);
    }
    const shard = await readPredictionInputs([path], { shard: { index: 1, count: 2 } });
    expect(shard.rows.length).toBeLessThan(40);
    expect(shard.coded.size).toBe(0);
  });
});
