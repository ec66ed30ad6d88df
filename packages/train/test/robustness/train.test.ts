/**
 * msc-train on labels and paths a user gets wrong (adversarial findings #8, #11, #12, #19, #26,
 * #30, #32): unusable labels are left out with a count or refused, never turned into classes; an
 * output never overwrites an input; mistakes are found before training, not after it.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureIo, type Row } from '@msc/core';
import { MODEL_METADATA } from '@msc/features';
import { writeTable } from '@msc/tables';
import { main } from '../../src/cli/main.js';
import { readOnnxMetadata } from '../../src/export/onnx/export.js';
import { seriesRows } from '../../src/test-support/series-rows.js';

let dir: string;
let rows: Row[];
const FAST = ['--folds', '2', '--param', 'n_estimators=5', '--skip-importance'];

async function train(args: string[]) {
  const io = captureIo();
  const code = await main(args, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

async function tableOf(name: string, tableRows: readonly Row[]): Promise<string> {
  const path = join(dir, name);
  await writeTable(path, [...new Set(tableRows.flatMap((row) => Object.keys(row)))], tableRows);
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'msc-train-robust-'));
  rows = seriesRows(12, 4);
});

describe('labels', () => {
  it('rows labelled empty or - are left out with a count, not trained as a class "-" (#11)', async () => {
    const unlabelled = rows.map((row, i) => (i % 10 === 3 ? { ...row, class: i % 20 === 3 ? '' : '-' } : row));
    const left = unlabelled.filter((row) => row.class === '' || row.class === '-').length;
    const model = join(dir, 'blank.onnx');
    const result = await train([await tableOf('blank.csv', unlabelled), '-o', model, ...FAST]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`warning: ${left} of ${rows.length} rows of ${join(dir, 'blank.csv')} have no label in "class" (empty or -); left out`);
    expect(JSON.parse(result.stdout)).toMatchObject({ rows: rows.length - left });
    expect(JSON.parse(readOnnxMetadata(readFileSync(model))[MODEL_METADATA.classNames]!)).toEqual(['ADC', 'DCE', 'DWI', 'Others', 'T2W']);
  });

  it('instance rows of one series with two labels: E_BAD_DATA naming the series, not a class "ADC T2W" (#12)', async () => {
    const instances = rows.flatMap((row) => [row, { ...row }]);
    instances[1] = { ...instances[1]!, class: instances[1]!.class === 'ADC' ? 'T2W' : 'ADC' };
    const model = join(dir, 'conflict.onnx');
    const result = await train([await tableOf('conflict.csv', instances), '-o', model, ...FAST]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      new RegExp(
        `^error \\[E_BAD_DATA\\]: .*1 series has rows with different labels in "class": series ${String(rows[0]!.series_uid).replace(/\./g, '\\.')} has ADC and \\w+\\nhint: `,
      ),
    );
    expect(existsSync(model)).toBe(false);
  });

  it('warns when the label looks like an identifier, or a class is rarer than the folds (#32)', async () => {
    const ids: Row[] = rows.map((row) => ({ ...row, class: String(row.series_uid) }));
    const asIds = await train([await tableOf('ids.csv', ids), '-o', join(dir, 'ids.onnx'), ...FAST]);
    expect(asIds.stderr).toMatch(/warning: "class" has 60 different labels for 60 series: it looks like an identifier/);
    const rare = rows.map((row) => (row.study_uid === rows[0]!.study_uid && row.class === 'DCE' ? { ...row, class: 'FLAIR' } : row));
    const rareRun = await train([
      await tableOf('rare.csv', rare),
      '-o',
      join(dir, 'rare.onnx'),
      '--folds',
      '3',
      '--param',
      'n_estimators=5',
      '--skip-importance',
    ]);
    expect(rareRun.code, rareRun.stderr).toBe(0);
    expect(rareRun.stderr).toMatch(/warning: classes found in fewer studies than the 3 folds: FLAIR \(1\)/);
  });
});

describe('tables and paths', () => {
  it('a column named twice is E_TABLE_FORMAT naming it, not the last one winning (#26)', async () => {
    const path = join(dir, 'twice.csv');
    const csv = readFileSync(await tableOf('once.csv', rows), 'utf8').split('\n');
    writeFileSync(
      path,
      [
        `${csv[0]},CLASS`,
        ...csv
          .slice(1)
          .filter(Boolean)
          .map((line) => `${line},T2W`),
      ].join('\n'),
    );
    const result = await train([path, '-o', join(dir, 'twice.onnx'), ...FAST]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/E_TABLE_FORMAT.*column "class" appears more than once/);
  });

  it('an output that would overwrite an input is refused before training, the input untouched (#8)', async () => {
    // -o m.onnx also writes m.metrics.csv: here, the training table itself.
    const input = await tableOf('m.metrics.csv', rows);
    const before = readFileSync(input);
    const result = await train([input, '-o', join(dir, 'm.onnx'), ...FAST]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/E_USAGE.*m\.metrics\.csv\) is the same file as the input table/);
    expect(readFileSync(input)).toEqual(before);
    expect(existsSync(join(dir, 'm.onnx'))).toBe(false);
  });

  it('an unwritable output, a missing group file, a test set without labels: refused before training (#19, #30)', async () => {
    const input = await tableOf('ok.csv', rows);
    const proc = await train([input, '-o', '/proc/msc-robust/m.onnx', ...FAST]);
    expect(proc.code).toBe(5);
    expect(proc.stderr).toMatch(/^error \[E_OUTPUT\]/);
    const group = await train([input, '-o', join(dir, 'g.onnx'), '--group-file', join(dir, 'nonexistent.json'), ...FAST]);
    expect(group.code).toBe(3);
    expect(group.stderr).toMatch(/^error \[E_INPUT_NOT_FOUND\]: .*\nhint: /);
    const noLabels = await tableOf(
      'unlabelled-test.csv',
      rows.map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => column !== 'class')) as Row),
    );
    const test = await train([input, '-o', join(dir, 't.onnx'), '--test-set', noLabels, ...FAST]);
    expect(test.code).toBe(3);
    expect(test.stderr).toMatch(/E_MISSING_COLUMNS.*the test set .* has no "class" column\nhint: /);
    expect(existsSync(join(dir, 't.onnx'))).toBe(false);
  });
});
