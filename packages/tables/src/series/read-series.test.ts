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

  it("hands a parquet series table's dictionary columns out coded, as a featurizer codes its rows' cells", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-series-'));
    const path = join(dir, 'series.parquet');
    // Cells that normalize alike (' T2 tra', 'T2  tra', 'T2;tra' → 'T2 tra'; null, '' and '-' → '-') must share one code.
    const descriptions = [' T2 tra', 'T2  tra', 'T2;tra', 'ADC', null, '', '-', 'DWI b800'];
    const rows = Array.from({ length: 400 }, (_, i) => ({
      study_uid: `1.${i % 7}`,
      series_uid: `1.${i % 7}.${i}`,
      series_description: descriptions[(i * 5) % descriptions.length]!,
      echo_time: i % 3 === 0 ? null : String(80 + (i % 4)),
    }));
    await writeTable(path, ['study_uid', 'series_uid', 'series_description', 'echo_time'], rows);
    const table = await readSeriesTable(path);
    // The same rows as a CSV of the same cells gives (read without dictionaries).
    const csv = join(dir, 'series.csv');
    await writeTable(csv, ['study_uid', 'series_uid', 'series_description', 'echo_time'], rows);
    expect(table.rows).toEqual((await readSeriesTable(csv)).rows);
    expect([...table.coded.keys()].sort()).toEqual(['echo_time', 'series_description']);
    for (const [column, { codes, cells }] of table.coded) {
      // codes in order of first appearance, cells distinct: what coding the rows' cells gives
      const expected: unknown[] = [];
      const ids = new Map<unknown, number>();
      const expectedCodes = table.rows.map((row) => {
        const cell = row[column];
        if (!ids.has(cell)) ids.set(cell, expected.push(cell) - 1);
        return ids.get(cell)!;
      });
      expect([...codes]).toEqual(expectedCodes);
      expect(cells).toEqual(expected);
    }
    expect(table.coded.get('series_description')!.cells).toEqual(expect.arrayContaining(['T2 tra', 'ADC', '-', 'DWI b800']));
    expect(table.coded.get('series_description')!.cells).toHaveLength(4);
    // Tied to these row objects in this order, not to the array: a sort of it in place leaves them be.
    const coded = table.coded.get('series_description')!;
    expect(coded.rows).not.toBe(table.rows);
    expect(coded.rows.every((row, r) => row === table.rows[r])).toBe(true);
    expect(table.coded.get('echo_time')!.rows).toBe(coded.rows);
    table.rows.reverse();
    expect(coded.rows[0]).toBe(table.rows[table.rows.length - 1]);
  });

  it('names missing key columns', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-series-'));
    const path = join(dir, 'bad.csv');
    await writeFile(path, 'study_uid,echo_time\n1,80\n');
    await expect(readSeriesTable(path)).rejects.toMatchObject({ code: 'E_MISSING_COLUMNS', message: expect.stringContaining('series_uid') });
  });
});

describe('readSeriesTable on worker threads (large CSV/TSV)', () => {
  const header = [
    'patient_id',
    'study_uid',
    'series_uid',
    'file_path',
    'series_description',
    'echo_time',
    'image_type',
    'diffusion_bvalue',
    'number_of_images',
    'image_mean',
  ];

  /** Instance rows with repeats, missing cells, odd spacing; optionally shuffled so series are not contiguous. */
  function instanceLines(separator: string, shuffled: boolean, seed: number): string[] {
    const descriptions = ['t2_tse_tra', 'ep2d diff  b800', '-', '', 'DCE;dyn', 'T2W\\SAG', ' padded '];
    const lines: string[] = [];
    let state = seed;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
    for (let s = 0; s < 300; s++) {
      const files = 1 + Math.floor(next() * 12);
      for (let f = 0; f < files; f++) {
        const cells = [
          `P${s % 7}`,
          `1.2.${Math.floor(s / 5)}`,
          `1.2.${Math.floor(s / 5)}.${s}`,
          `/a/${s}/${f}.dcm`,
          descriptions[(s + (f % 2)) % descriptions.length]!,
          String(80 + (s % 9)),
          f % 3 === 0 ? 'ORIGINAL PRIMARY M' : 'DERIVED SECONDARY',
          s % 4 === 0 ? String([0, 50, 800][f % 3]) : '-',
          s % 5 === 0 ? String(files) : '-',
          s % 3 === 0 ? String(f * 1.5) : '',
        ];
        lines.push(cells.join(separator));
      }
    }
    if (shuffled) lines.sort((a, b) => ((a.length * 31 + a.charCodeAt(a.length - 1)) % 17) - ((b.length * 31 + b.charCodeAt(b.length - 1)) % 17));
    return lines;
  }

  async function both(path: string, options: Parameters<typeof readSeriesTable>[1] = {}) {
    const one = await readSeriesTable(path, { ...options, workers: 1 });
    const threaded = await readSeriesTable(path, { ...options, workers: 3, parallelMinBytes: 0 });
    return { one, threaded };
  }

  it('gives the same series as one pass: TSV and CSV, CRLF, BOM, shuffled rows, projection, study level', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-series-parallel-'));
    for (const [name, separator, newline, shuffled] of [
      ['a.tsv', '\t', '\n', false],
      ['b.csv', ',', '\r\n', true],
      ['c.tsv', '\t', '\r\n', true],
    ] as const) {
      const path = join(dir, name);
      await writeFile(path, `\ufeff${header.join(separator)}${newline}${instanceLines(separator, shuffled, name.length).join(newline)}${newline}\n`);
      for (const options of [{}, { columns: ['study_uid', 'series_uid', 'patient_id', 'series_description', 'image_mean'] }, { level: 'study' as const }]) {
        const { one, threaded } = await both(path, options);
        expect(one.rows.length).toBeGreaterThan(10);
        expect(threaded.rows, `${name} ${JSON.stringify(options)}`).toEqual(one.rows);
        expect(threaded.inputRows).toBe(one.inputRows);
        expect(threaded.perInstance).toBe(true);
      }
    }
  });

  it('handles quoted cells, and falls back to one pass for a quoted line break', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-series-quoted-'));
    const lines = instanceLines(',', false, 5);
    lines.splice(40, 0, 'P1,1.2.9,1.2.9.999,/q.dcm,"with, comma ""quoted""",80,"A,B",-,-,');
    const quoted = join(dir, 'quoted.csv');
    await writeFile(quoted, `${header.join(',')}\n${lines.join('\n')}\n`);
    const first = await both(quoted);
    expect(first.threaded.rows).toEqual(first.one.rows);
    expect(first.one.rows.find((row) => row.series_uid === '1.2.9.999')?.series_description).toBe('with, comma "quoted"');
    lines.splice(200, 0, 'P1,1.2.9,1.2.9.998,/q.dcm,"two\nlines",80,x,-,-,');
    const multiline = join(dir, 'multiline.csv');
    await writeFile(multiline, `${header.join(',')}\n${lines.join('\n')}\n`);
    const second = await both(multiline);
    expect(second.threaded.rows).toEqual(second.one.rows);
    expect(second.one.rows.find((row) => row.series_uid === '1.2.9.998')?.series_description).toBe('two lines');
  });

  it('merges image means exactly as one pass sums them (values whose partial sums round differently)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-series-means-'));
    const path = join(dir, 'means.tsv');
    let state = 7;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
    const lines = ['study_uid\tseries_uid\timage_mean\timage_std'];
    // Series interleaved, so each one spans every thread's byte range.
    for (let f = 0; f < 400; f++) for (let s = 0; s < 20; s++) lines.push(`1\t1.${s}\t${(next() * 10 ** Math.floor(next() * 20)).toPrecision(17)}\t${next()}`);
    await writeFile(path, `${lines.join('\n')}\n`);
    const { one, threaded } = await both(path);
    expect(threaded.rows).toEqual(one.rows);
  });

  it('leaves a blank line before the header to the one-pass reader; a repeated column name is an error on both paths', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-series-odd-'));
    const lines = instanceLines('\t', false, 3);
    const blank = join(dir, 'blank.tsv');
    await writeFile(blank, `\n${header.join('\t')}\n${lines.join('\n')}\n`);
    const first = await both(blank);
    expect(first.one.rows.length).toBeGreaterThan(10);
    expect(first.threaded.rows).toEqual(first.one.rows);
    // 'Echo Time' and 'echo_time' are one column once names are normalised: which cell is the value?
    const repeated = join(dir, 'repeated.tsv');
    await writeFile(repeated, `${header.join('\t')}\tEcho Time\n${lines.map((line, i) => `${line}\t${i % 3}`).join('\n')}\n`);
    const error = { code: 'E_TABLE_FORMAT', message: expect.stringContaining('column "echo_time" appears more than once') };
    await expect(readSeriesTable(repeated, { workers: 1 })).rejects.toMatchObject(error);
    await expect(readSeriesTable(repeated, { workers: 3, parallelMinBytes: 0 })).rejects.toMatchObject(error);
  });

  it('counts a line holding only \'""\' as blank, as the one-pass reader does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-series-blank-'));
    const lines = instanceLines(',', false, 4);
    lines.splice(77, 0, '""');
    const path = join(dir, 'blank-quoted.csv');
    await writeFile(path, `${header.join(',')}\n${lines.join('\n')}\n`);
    const { one, threaded } = await both(path);
    expect(threaded.inputRows).toBe(one.inputRows);
    expect(threaded.rows).toEqual(one.rows);
  });

  it('reports a line with too many fields as the one-pass reader does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-series-bad-'));
    const path = join(dir, 'bad.tsv');
    const lines = instanceLines('\t', false, 9);
    lines[100] += '\textra';
    await writeFile(path, `${header.join('\t')}\n${lines.join('\n')}\n`);
    await expect(readSeriesTable(path, { workers: 3, parallelMinBytes: 0 })).rejects.toThrow(/line 102 has 11 fields but the header has 10/);
  });
});
