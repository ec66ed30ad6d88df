/**
 * msc-predict under hostile but fair use (adversarial findings #13, #15, #18, #19, #20, #25, #27,
 * #33): write errors exit 5, outputs are checked before reading, interrupted runs leave no
 * temporary file, odd inputs are counted or warned about, rule sets cannot hang or blow up a run.
 * In-process main() with the shipped model on a small synthetic cohort; child processes for signals.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo, type Row } from '@msc/core';
import { extractToTable } from '@msc/extract';
import { MODEL_METADATA } from '@msc/features';
import { generateCohort, type CohortResult } from '@msc/synth';
import { readTableAll, writeTable } from '@msc/tables';
import { defaultModelPath } from '../../src/default-model.js';
import { main } from '../../src/cli/main.js';
import { mountTmpfs, runHeldAtRename, skipWithoutTmpfs, temporariesIn, unmount } from '../../../../test-support/robustness.js';

const BIN = fileURLToPath(new URL('../../bin/msc-predict.mjs', import.meta.url));

let dir: string;
let cohort: CohortResult;
let instances: string;
let instanceTable: { columns: readonly string[]; rows: Row[] };

async function predict(args: string[]) {
  const io = captureIo();
  const code = await main(args, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

/** The instance table with every series copied `copies` times under other UIDs (a larger archive). */
async function copiedTable(name: string, copies: number): Promise<string> {
  const rows: Row[] = [];
  for (let copy = 0; copy < copies; copy++)
    for (const row of instanceTable.rows) rows.push({ ...row, study_uid: `${String(row.study_uid)}.${copy}`, series_uid: `${String(row.series_uid)}.${copy}` });
  const path = join(dir, name);
  await writeTable(path, instanceTable.columns, rows);
  return path;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'msc-predict-robust-'));
  cohort = await generateCohort({ outDir: join(dir, 'cohort'), studies: 3, seed: 8, maxInstancesPerSeries: 2 });
  instances = join(dir, 'instances.csv');
  await extractToTable([cohort.outDir], instances, { workers: 0 });
  instanceTable = await readTableAll(instances);
});

describe('outputs are checked before the input is read', () => {
  it('an output that is an input, a folder, or in /proc is refused (#13)', async () => {
    const same = await predict([instances, '-o', `${dir}/./instances.csv`]);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/E_USAGE.*is the same file as an input/);
    mkdirSync(join(dir, 'folder.csv'));
    for (const output of [join(dir, 'folder.csv'), '/proc/msc-robust.csv']) {
      const result = await predict([join(dir, 'never-read.csv'), '-o', output]);
      // E_OUTPUT, not E_INPUT_NOT_FOUND: the output was checked first.
      expect(result.code, output).toBe(5);
      expect(result.stderr).toMatch(/^error \[E_OUTPUT\]: .+\nhint: /);
    }
  });
});

describe('inputs', () => {
  it('rows without a study or series UID are left out with a warning, not predicted as series "-" (#25)', async () => {
    const rows = instanceTable.rows.map((row, i) => (i === 0 ? { ...row, series_uid: '' } : i === 1 ? { ...row, study_uid: '-' } : row));
    const path = join(dir, 'blank-uids.csv');
    await writeTable(path, instanceTable.columns, rows);
    const result = await predict([path, '-o', join(dir, 'blank-out.csv')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('warning: 2 input rows have no study_uid or series_uid (empty or -); left out');
    const out = await readTableAll(join(dir, 'blank-out.csv'));
    expect(out.rows.filter((row) => row.series_uid === '-' || row.study_uid === '-')).toEqual([]);
  });

  it('an input given twice (two spellings) is read once (#33)', async () => {
    const result = await predict([instances, `${dir}/./instances.csv`, '-o', join(dir, 'twice.csv')]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).series).toBe(cohort.labels.length);
  });

  it('warns about a rule or a column map naming a column no input has (#27)', async () => {
    const rules = join(dir, 'unknown-column.yaml');
    writeFileSync(rules, 'name: unknown\nrules:\n  - id: r\n    label: T2W\n    when: {column: no_such_column, contains: t2}\n');
    const result = await predict([instances, '--heuristics', rules, '--column-map', 'nonexistent:foo', '-o', join(dir, 'unknown.csv')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('warning: rule set unknown uses column(s) no_such_column, which no input has; rules on them never fire');
    expect(result.stderr).toContain('warning: --column-map nonexistent:foo: no input has a column "nonexistent"');
  });
});

describe('rule sets', () => {
  it('a catastrophic-backtracking regex on a crafted description finishes (linear-time engine) (#15)', async () => {
    const rows = instanceTable.rows.map((row, i) => (i === 0 ? { ...row, series_description: `${'a'.repeat(5000)}!` } : row));
    const path = join(dir, 'redos.csv');
    await writeTable(path, instanceTable.columns, rows);
    const rules = join(dir, 'redos.yaml');
    writeFileSync(rules, "name: redos\nrules:\n  - id: r\n    label: T2W\n    when: {column: series_description, matches: '^(a+)+$'}\n");
    // JavaScript's backtracking engine needs about 2^5000 steps here; RE2 needs one pass.
    const result = await predict([path, '--heuristics', rules, '-o', join(dir, 'redos-out.csv')]);
    expect(result.code, result.stderr).toBe(0);
  });

  it('a YAML alias bomb is E_CONFIG (exit 2), not a stack trace (#19)', async () => {
    const lines = ['name: bomb', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    lines.push('rules:', '  - id: r', '    label: T2W', '    when: {column: series_description, contains: t2}');
    const bomb = join(dir, 'bomb.yaml');
    writeFileSync(bomb, `${lines.join('\n')}\n`);
    const result = await predict([instances, '--heuristics', bomb, '-o', join(dir, 'bomb.csv')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error \[E_CONFIG\]: .*bomb\.yaml: .*alias.*\nhint: /i);
  });
});

describe('models', () => {
  it('malformed class names in the metadata are E_MODEL (exit 4), not a SyntaxError or TypeError (#19)', async () => {
    const model = onnxProto.onnx.ModelProto.decode(readFileSync(defaultModelPath()));
    for (const [name, classes] of [
      ['unparseable', '[ADC,'],
      ['object', '{"a":1}'],
    ]) {
      const props = model.metadataProps.map((prop) => (prop.key === MODEL_METADATA.classNames ? { key: prop.key, value: classes } : prop));
      const path = join(dir, `${name}.onnx`);
      writeFileSync(path, onnxProto.onnx.ModelProto.encode({ ...model, metadataProps: props }).finish());
      const result = await predict([instances, '-m', path, '-o', join(dir, `${name}.csv`)]);
      expect(result.code, name).toBe(4);
      expect(result.stderr).toMatch(/^error \[E_MODEL\]: .*malformed class names.*\nhint: /);
    }
  });
});

describe('interrupted while writing (#20)', () => {
  it.each([
    ['SIGINT', 130, 'csv'],
    ['SIGTERM', 143, 'parquet'],
  ] as const)('%s: exit %i, no temporary file and no output left (%s writer)', async (signal, code, format) => {
    const output = join(dir, `held-${signal}.${format}`);
    const held = await runHeldAtRename(BIN, [instances, '-o', output], `held-${signal}.${format}`);
    expect(existsSync(held.temporary)).toBe(true);
    const exit = await held.signal(signal);
    expect(exit.code).toBe(code);
    expect(exit.stderr).toContain(`msc-predict: interrupted (${signal}); nothing was written to ${output}`);
    expect(temporariesIn(dir)).toEqual([]);
    expect(existsSync(output)).toBe(false);
  });
});

describe.skipIf(skipWithoutTmpfs('predict disk-full tests'))('a disk that fills up while the predictions are written (#18)', () => {
  const small = () => join(dir, 'small');
  let big: string;
  beforeAll(async () => {
    big = await copiedTable('big.csv', 40);
    mountTmpfs(small(), 8 << 10);
  });
  afterAll(() => unmount(small()));

  it.each(['csv', 'parquet'])('E_OUTPUT (exit 5) with a hint, nothing left on the disk (%s)', async (format) => {
    const result = await predict([big, '-o', join(small(), `full.${format}`)]);
    expect(result.code, result.stderr).toBe(5);
    expect(result.stderr).toMatch(/^error \[E_OUTPUT\]: cannot write .*full\.\w+: .*ENOSPC.*\nhint: free space/);
    expect(readdirSync(small())).toEqual([]);
  });
});
