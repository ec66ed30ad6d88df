/**
 * Malformed tables are errors that name the place, never rows silently dropped, padded or made
 * up (adversarial findings #9, #10, #25, #26), on both CSV readers: the streaming one and the
 * threaded byte scanner of large files (forced here with parallelMinBytes 0).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSeriesTable, readTableAll } from '@msc/tables';

let dir: string;
const header = ['patient_id', 'study_uid', 'series_uid', 'file_path', 'series_description', 'echo_time'];

/** 40 series of 5 instances each, one line per instance. */
function lines(): string[] {
  const out: string[] = [];
  for (let s = 0; s < 40; s++)
    for (let f = 0; f < 5; f++) out.push(['P1', `1.2.${s >> 3}`, `1.2.${s >> 3}.${s}`, `/a/${s}/${f}.dcm`, `t2 tse ${s}`, String(80 + s)].join(','));
  return out;
}

function table(name: string, body: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${header.join(',')}\n${body.join('\n')}\n`);
  return path;
}

/** Every reader of a CSV: rows as they are, series one pass, series by threads. */
const readers = {
  readTableAll: (path: string) => readTableAll(path),
  'readSeriesTable, one pass': (path: string) => readSeriesTable(path, { workers: 1 }),
  'readSeriesTable, threads': (path: string) => readSeriesTable(path, { workers: 3, parallelMinBytes: 0 }),
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'msc-csv-robust-'));
});

describe.each(Object.entries(readers))('%s', (_name, read) => {
  it('a stray quote that swallows lines: E_TABLE_FORMAT naming the lines, not 58 rows dropped (#9)', async () => {
    const body = lines();
    body[4] = body[4]!.replace('t2 tse', '"t2 tse'); // line 6 of the file
    body[60] = body[60]!.replace('t2 tse', 't2" tse'); // a later quote closes it
    // Closed by a quote in the same column 56 lines on: the field count alone would look right.
    await expect(read(table('stray.csv', body))).rejects.toMatchObject({
      code: 'E_TABLE_FORMAT',
      message: expect.stringContaining(`line 6: a quoted field opened here ends 56 line(s) later at a quote followed by ' ' (a stray quote?`),
    });
    // Closed by a well-formed quoted field further on, the record has the wrong number of fields.
    const second = lines();
    second[4] = second[4]!.replace('t2 tse', '"t2 tse');
    second[60] = second[60]!.replace('t2 tse 12', '"t2 tse 12"');
    await expect(read(table('stray2.csv', second))).rejects.toMatchObject({
      code: 'E_TABLE_FORMAT',
      message: expect.stringMatching(/line 6: a quoted field opened here ends 56 line\(s\) later at a quote followed by 't'/),
    });
    const unclosed = lines();
    unclosed[150] = unclosed[150]!.replace('t2 tse', '"t2 tse');
    await expect(read(table('unclosed.csv', unclosed))).rejects.toMatchObject({
      code: 'E_TABLE_FORMAT',
      message: expect.stringMatching(/line 152: a quoted field is not closed before the end of the file/),
    });
  });

  it('short rows: E_TABLE_FORMAT naming the line, not padded with missing values (#10)', async () => {
    const body = lines();
    body[20] = body[20]!.split(',').slice(0, 3).join(',');
    await expect(read(table('short.csv', body))).rejects.toMatchObject({
      code: 'E_TABLE_FORMAT',
      message: expect.stringContaining('line 22 has 3 fields but the header has 6'),
    });
  });

  it('a column named twice: E_TABLE_FORMAT naming it, not the last one silently winning (#26)', async () => {
    const path = join(dir, 'twice.csv');
    writeFileSync(
      path,
      `${header.join(',')},Series Description\n${lines()
        .map((line) => `${line},x`)
        .join('\n')}\n`,
    );
    await expect(read(path)).rejects.toMatchObject({
      code: 'E_TABLE_FORMAT',
      message: expect.stringContaining('column "series_description" appears more than once'),
    });
  });

  it('still reads quoted cells with separators and line breaks', async () => {
    const body = lines();
    body[7] = body[7]!.replace('t2 tse 1', '"t2, ""tse""\nsecond line"');
    const result = await read(table('quoted.csv', body));
    expect('rows' in result ? result.rows.length : 0).toBeGreaterThan(0);
  });
});

describe('rows without a study or series UID (#25)', () => {
  it.each([1, 3])('are left out and counted (%s thread(s)), not reduced into a series "-"', async (workers) => {
    const body = lines();
    body[3] = body[3]!.replace(',1.2.0.0,', ',,'); // empty series_uid
    body[9] = body[9]!.replace(',1.2.0.1,', ',-,'); // `-` series_uid
    body[100] = body[100]!.replace(/^P1,1\.2\.2,/, 'P1,,'); // empty study_uid
    const result = await readSeriesTable(table(`blank-${workers}.csv`, body), { workers, parallelMinBytes: 0 });
    expect(result.blankKeyRows).toBe(3);
    expect(result.rows).toHaveLength(40);
    expect(result.rows.filter((row) => row.series_uid === '-' || row.study_uid === '-')).toEqual([]);
  });
});

describe('every table error says what to do (#30)', () => {
  it.each([
    ['notarray.json', '42'],
    ['items.json', '[1, 2, 3]'],
    ['bad.jsonl', '{"study_uid": "1"}\n{broken\n'],
    ['scalar.jsonl', '{"study_uid": "1"}\n[1]\n'],
    ['cut.parquet', 'PAR1garbage'],
    ['missing.csv', undefined],
  ])('%s: an error with a hint', async (name, text) => {
    const path = join(dir, name);
    if (text !== undefined) writeFileSync(path, text);
    await expect(readTableAll(path)).rejects.toMatchObject({
      code: expect.stringMatching(/^E_(TABLE_FORMAT|INPUT_NOT_FOUND)$/),
      hint: expect.stringMatching(/\S/),
    });
  });
});
