/**
 * The README's promises about every binary, checked on the real binaries as a user runs them:
 * `--help` with the exit-code table, the original's snake_case spellings, one error format
 * (`error [CODE]: …` + `hint:`) for every flag mistake, the documented exit codes, and a one-line
 * JSON summary when stdout is piped. Each binary runs as a process where the process is what is
 * checked (its bin shim with --help, a closed pipe, exit codes and summaries end to end); flag
 * mistakes call the same `main` the shim starts, in-process.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES, captureIo, type CliMain } from '@msc/core';

const root = fileURLToPath(new URL('..', import.meta.url));
const BINARIES = {
  'msc-extract': 'packages/extract/bin/msc-extract.mjs',
  'msc-train': 'packages/train/bin/msc-train.mjs',
  'msc-predict': 'packages/predict/bin/msc-predict.mjs',
  'msc-synth': 'packages/synth/bin/msc-synth.mjs',
  'msc-merge-target': 'packages/tools/bin/msc-merge-target.mjs',
  'msc-split-data': 'packages/tools/bin/msc-split-data.mjs',
  'msc-metadata-json': 'packages/tools/bin/msc-metadata-json.mjs',
  'msc-merge-shards': 'packages/tools/bin/msc-merge-shards.mjs',
  'msc-report': 'packages/report/bin/msc-report.mjs',
} as const;
type Binary = keyof typeof BINARIES;
const run = (binary: Binary, args: string[]) => spawnSync(process.execPath, [join(root, BINARIES[binary]), ...args], { encoding: 'utf8', cwd: root });

/** The `main` a binary's shim launches (`launch(import.meta.url, name, module = 'cli/main.js')`), from source. */
async function mainOf(binary: Binary): Promise<CliMain> {
  const shim = readFileSync(join(root, BINARIES[binary]), 'utf8');
  const module = /launch\(import\.meta\.url, '[^']+'(?:, '([^']+)')?\)/.exec(shim)?.[1] ?? 'cli/main.js';
  const source = join(root, BINARIES[binary], '..', '..', 'src', module.replace(/\.js$/, '.ts'));
  return ((await import(source)) as { main: CliMain }).main;
}
/** A binary's main in-process, as its shim would run it (stdout piped: not a terminal). */
async function runInProcess(binary: Binary, args: string[]) {
  const io = captureIo();
  const status = await (await mainOf(binary))(args, io);
  return { status, stdout: io.out(), stderr: io.err() };
}

/** A wrong value for a flag each binary has, in the original's snake_case spelling. */
const BAD_VALUE: Record<Binary, string[]> = {
  'msc-extract': ['x', '-o', 'x.csv', '--n_workers', '-1'],
  'msc-train': ['x.csv', '-o', 'm.onnx', '--n_iter', 'many'],
  'msc-predict': ['x.csv', '--min_confidence', '2'],
  'msc-synth': ['--out', 'x', '--max_instances_per_series', '0'],
  'msc-merge-target': ['x.csv', '-o', 'y.csv', '--target_path'],
  'msc-split-data': ['x.csv', '-o', 'a.csv', 'b.csv', '--random_seed', '-3'],
  'msc-metadata-json': ['x', '-o', 'm.json', '--n_workers', '-1'],
  'msc-merge-shards': ['a.csv', '--output_path'],
  'msc-report': ['--grid', 'x', '--output_path'],
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'msc-contract-'));
});

describe.each(Object.keys(BINARIES) as Binary[])('%s', (binary) => {
  it('has --help (and -h) with the exit-code table, exit 0', async () => {
    for (const [flag, result] of [
      ['--help', await runInProcess(binary, ['--help'])],
      ['-h', await runInProcess(binary, ['-h'])],
    ] as const) {
      expect(result.status, flag).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: ${binary}`));
      for (const code of Object.values(EXIT_CODES)) expect(result.stdout).toMatch(new RegExp(`^  ${code}  \\S`, 'm'));
      expect(result.stdout).toMatch(/snake_case|--input_dir/);
    }
  });

  it('reports a wrong flag value, in snake_case, as error [E_USAGE] with a hint, exit 2, no help dump', async () => {
    const result = await runInProcess(binary, BAD_VALUE[binary]);
    expect(result.status).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/^error \[E_USAGE\]: .+\nhint: see msc-[a-z-]+ --help\n$/);
    expect(result.stdout).toBe('');
  });

  // the binary as a process (its bin shim, exit status and streams); the help's content is checked above
  it('stops quietly with exit 0 when its reader closes the pipe early (--help | head -1)', () => {
    const script = `"${process.execPath}" "${join(root, BINARIES[binary])}" --help | head -1; exit \${PIPESTATUS[0]}`;
    const result = spawnSync('/bin/bash', ['-c', script], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: ${binary}`));
    expect(result.stderr).toBe('');
  });

  it('reports an unknown flag the same way', async () => {
    const result = await runInProcess(binary, ['--no-such-flag']);
    expect(result.status).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/^error \[E_USAGE\]: unknown option '--no-such-flag'/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // never a stack trace
  });
});

describe('exit codes and summaries end to end', () => {
  it('synth → extract → train → predict: exit 0 and one JSON line each when piped', () => {
    const cohort = join(dir, 'cohort');
    const steps: [Binary, string[]][] = [
      ['msc-synth', ['--out', cohort, '--studies', '6', '--seed', '3', '--max_instances_per_series', '2']],
      ['msc-extract', ['--input_dir', cohort, '--output_path', join(dir, 'series.csv'), '--per_series']],
    ];
    for (const [binary, args] of steps) {
      const result = run(binary, args);
      expect(result.status, result.stderr).toBe(0);
      expect(() => JSON.parse(result.stdout)).not.toThrow();
      expect(result.stdout.trim().split('\n')).toHaveLength(1);
    }
    // Labels joined the way users join them: the cohort's labels.csv by series_uid.
    const labels = new Map(
      readFileSync(join(cohort, 'labels.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(','))
        .map((cells) => [cells[1]!, cells[2]!]),
    );
    const [header, ...lines] = readFileSync(join(dir, 'series.csv'), 'utf8').trim().split('\n');
    const seriesIndex = header!.split(',').indexOf('series_uid');
    const labelled = [`${header},class`, ...lines.map((line) => `${line},${labels.get(line.split(',')[seriesIndex]!) ?? 'Others'}`)].join('\n');
    const table = join(dir, 'labelled.csv');
    writeFileSync(table, `${labelled}\n`);
    const train = run('msc-train', [
      '--input_path',
      table,
      '--output_path',
      join(dir, 'm.onnx'),
      '--folds',
      '2',
      '--param',
      'n_estimators=5',
      '--skip_importance',
    ]);
    expect(train.status, train.stderr).toBe(0);
    expect(JSON.parse(train.stdout)).toMatchObject({ outputs: [join(dir, 'm.onnx'), expect.any(String), expect.any(String)] });
    const predict = run('msc-predict', ['--input_path', cohort, '--model_path', join(dir, 'm.onnx'), '-o', join(dir, 'p.csv')]);
    expect(predict.status, predict.stderr).toBe(0);
    expect(JSON.parse(predict.stdout)).toMatchObject({ series: lines.length });
  });

  it("replays the original's commands: train_all_models.smk's train call and the README's predict call", () => {
    const folds = join(dir, 'centres.json');
    const studies = [
      ...new Set(
        readFileSync(join(dir, 'labelled.csv'), 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((line) => line.split(',')[1]!),
      ),
    ];
    writeFileSync(folds, JSON.stringify(Object.fromEntries(studies.map((study, i) => [study, `centre_${i % 2}`]))));
    const model = join(dir, 'original.standard.100.onnx');
    // train --n_folds 5 --random_seed … --n_jobs … --save_model --skip_feature_importance --exclude_cols a b c
    const train = run('msc-train', [
      '--input_path',
      join(dir, 'labelled.csv'),
      '--output_path',
      model,
      '--n_folds',
      '2',
      '--random_seed',
      '7',
      '--n_jobs',
      '1',
      '--save_model',
      '--skip_feature_importance',
      '--exclude_cols',
      'percent_phase_field_of_view',
      'sar',
      'series_description',
    ]);
    expect(train.status, train.stderr).toBe(0);
    const byFoldFile = run('msc-train', [
      '--input_path',
      join(dir, 'labelled.csv'),
      '--output_path',
      join(dir, 'by-centre.onnx'),
      '--folds',
      folds,
      '--skip_feature_importance',
    ]);
    expect(byFoldFile.status, byFoldFile.stderr).toBe(0);
    // One fold per centre of the fold file (leave-one-group-out), not a count.
    expect((JSON.parse(byFoldFile.stdout) as { folds: { name: string }[] }).folds.map((fold) => fold.name)).toEqual(['centre_0', 'centre_1']);
    // python msc_predict --input_path <PATH TO DICOM DIRECTORY> --model_path $MODEL_PATH
    const predict = run('msc-predict', ['--input_path', join(dir, 'cohort'), '--model_path', model]);
    expect(predict.status, predict.stderr).toBe(0);
    expect(predict.stdout.split('\n')[0]).toMatch(/^patient_id,study_uid,series_uid,/);
  });

  it('msc-report refuses a report path that is one of its inputs, leaving the input as it was (issue 22: every tool)', () => {
    const metrics = join(dir, 'm.metrics.csv');
    const before = readFileSync(metrics);
    const result = run('msc-report', ['--metrics', metrics, '-o', metrics]);
    expect(result.status).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/^error \[E_USAGE\]: the report \(.*m\.metrics\.csv\) is the same file as an input table/);
    expect(readFileSync(metrics)).toEqual(before);
  });

  it('runs under node V8 flags (--max-old-space-size, --stack-size): worker threads inherit them', () => {
    const cohort = join(dir, 'cohort');
    // both flags in one process: a worker thread refusing either fails the run
    const flags = ['--max-old-space-size=700', '--stack-size=2000'];
    const extract = spawnSync(
      process.execPath,
      [...flags, join(root, BINARIES['msc-extract']), cohort, '-o', join(dir, 'v8.csv'), '--per-series', '--n-workers', '2'],
      {
        encoding: 'utf8',
      },
    );
    expect(extract.status, extract.stderr).toBe(0);
    const predict = spawnSync(process.execPath, [...flags, join(root, BINARIES['msc-predict']), join(dir, 'v8.csv'), '--model-path', join(dir, 'm.onnx')], {
      encoding: 'utf8',
    });
    expect(predict.status, predict.stderr).toBe(0);
    expect(predict.stdout.split('\n')[0]).toMatch(/^patient_id,/);
  });

  it('refuses FIFOs and devices wherever a file is given, without opening them for reading (findings F2, F20)', () => {
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo, join(dir, 'pipe.onnx')]);
    // Bounded: a reader blocked on a FIFO would hit the timeout (status null), failing the test.
    const bounded = (binary: Binary, args: string[]) =>
      spawnSync(process.execPath, [join(root, BINARIES[binary]), ...args], { encoding: 'utf8', timeout: 30_000 });
    const table = bounded('msc-predict', [fifo]);
    expect(table.status, table.stderr).toBe(EXIT_CODES.input);
    expect(table.stderr).toMatch(/^error \[E_INPUT_NOT_FOUND\]: cannot read table .*pipe\.csv: it is a FIFO \(named pipe\)\nhint: /);
    for (const model of [join(dir, 'pipe.onnx'), '/dev/zero']) {
      const result = bounded('msc-predict', [join(dir, 'series.csv'), '--model-path', model]);
      expect(result.status, result.stderr).toBe(EXIT_CODES.model);
      expect(result.stderr).toMatch(/^error \[E_MODEL\]: cannot read model .*: it is (a FIFO \(named pipe\)|a device)\nhint: /);
    }
    const extract = bounded('msc-extract', [fifo, '-o', join(dir, 'fifo-out.csv')]);
    expect(extract.status, extract.stderr).toBe(EXIT_CODES.input);
    expect(readFileSync(join(dir, 'fifo-out.csv.skipped.csv'), 'utf8')).toMatch(/pipe\.csv,not a regular file \(a FIFO \(named pipe\)\)/);
  });

  it('uses 3 for missing input, 4 for a bad model, 5 for an unwritable output', async () => {
    // each code once as a process's exit status; the other binaries' missing input in-process
    expect(run('msc-extract', [join(dir, 'nope'), '-o', join(dir, 'a.csv')]).status).toBe(EXIT_CODES.input);
    expect((await runInProcess('msc-train', [join(dir, 'nope.csv'), '-o', join(dir, 'a.onnx')])).status).toBe(EXIT_CODES.input);
    expect((await runInProcess('msc-predict', [join(dir, 'nope.csv')])).status).toBe(EXIT_CODES.input);
    const notModel = join(dir, 'labelled.csv');
    const bad = run('msc-predict', [join(dir, 'series.csv'), '--model-path', notModel]);
    expect(bad.status).toBe(EXIT_CODES.model);
    expect(bad.stderr).toMatch(/^error \[E_MODEL\]: .+\nhint: /);
    expect(run('msc-synth', ['--out', '/proc/msc-cannot-write', '--studies', '1']).status).toBe(EXIT_CODES.output);
  });
});
