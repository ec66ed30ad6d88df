import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTableAll, writeTable } from '@msc/tables';
import { captureIo, type Row } from '@msc/core';
import { main } from '../src/cli/main.js';
import { seriesRows } from '../src/test-support/series-rows.js';

// The built binary, as a user runs it (`pnpm test` builds first), for the first test: the shim, the
// exit status and the piped summary of a process. The rest call the same main in-process.
const BIN = fileURLToPath(new URL('../bin/msc-train.mjs', import.meta.url));
const runBinary = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
async function run(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const status = await main(args, io);
  return { status, stdout: io.out(), stderr: io.err() };
}

let dir: string;
let table: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-train-cli-'));
  table = join(dir, 'series.csv');
  const rows = seriesRows(30, 7);
  await writeTable(table, [...new Set(rows.flatMap((row) => Object.keys(row)))], rows);
});

describe('msc-train binary', () => {
  it('trains from a series CSV and writes model, metrics and importance', async () => {
    const model = join(dir, 'model.onnx');
    const result = runBinary([table, '-o', model, '--folds', '3', '--param', 'n_estimators=20']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout) as { rows: number; studies: number; cvScore: number; outputs: string[] };
    expect(summary).toMatchObject({ rows: 150, studies: 30 });
    expect(summary.cvScore).toBeGreaterThan(0.9);
    for (const output of summary.outputs) expect(existsSync(output), output).toBe(true);
    const metrics = await readTableAll(join(dir, 'model.metrics.csv'));
    expect(metrics.columns).toEqual(expect.arrayContaining(['model', 'exclusion', 'metric', 'value', 'set', 'split', 'fold', 'fraction']));
  });

  it('reduces an instance table to series before training', async () => {
    const instances: Row[] = seriesRows(20, 9).flatMap((row) => [row, { ...row }, { ...row }]);
    const path = join(dir, 'instances.tsv');
    await writeTable(path, Object.keys(instances[0]!), instances);
    const result = await run([path, '-o', join(dir, 'instances.onnx'), '--folds', '2', '--param', 'n_estimators=10', '--skip-importance']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ rows: 100, studies: 20 });
  });

  it('prints help and exits 0', async () => {
    const result = await run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/msc-train/);
  });

  it.each([
    ['an unknown flag', ['x.csv', '-o', 'm.onnx', '--no-such-flag'], 2, /E_USAGE/],
    ['a missing input file', ['/nonexistent/t.csv', '-o', 'm.onnx'], 3, /E_INPUT_NOT_FOUND.*nonexistent/],
    ['an unknown table format', ['/tmp/t.xlsx', '-o', 'm.onnx'], 3, /E_TABLE_FORMAT/],
  ])('exits non-zero with a message for %s', async (_name, args, code, message) => {
    const result = await run(args as string[]);
    expect(result.status).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace for user errors
  });

  it('names a missing target column', async () => {
    const path = join(dir, 'unlabelled.csv');
    await writeFile(path, 'study_uid,series_uid,series_description\n1,1.1,t2\n2,2.1,adc\n');
    const result = await run([path, '-o', join(dir, 'u.onnx')]);
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/class/);
    expect(existsSync(join(dir, 'u.onnx'))).toBe(false);
  });
});
