/**
 * The one command: `msc <job> …` runs the job's binary (same help, exit codes and JSON summary),
 * `msc --help` lists every job on one line, and an unknown job is a usage error like any flag mistake.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '@msc/core';

const root = fileURLToPath(new URL('..', import.meta.url));
const node = (script: string, args: string[]) => spawnSync(process.execPath, [join(root, script), ...args], { encoding: 'utf8', cwd: root });
const msc = (args: string[]) => node('packages/msc/bin/msc.mjs', args);

/** Every per-job binary the packages install (their package.json `bin`, msc-<job>), which msc must offer as a job. */
const JOB_BINARIES = readdirSync(join(root, 'packages'))
  .flatMap((dir) => Object.keys((JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as { bin?: object }).bin ?? {}))
  .filter((binary) => binary !== 'msc')
  .map((binary) => binary.replace(/^msc-/, ''));

describe('msc', () => {
  it('--help lists every job on one line, with the exit-code table, exit 0', () => {
    const result = msc(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: msc <job>/);
    for (const job of JOB_BINARIES) expect(result.stdout).toMatch(new RegExp(`^  ${job} +\\S.*$`, 'm'));
    for (const code of Object.values(EXIT_CODES)) expect(result.stdout).toMatch(new RegExp(`^  ${code}  \\S`, 'm'));
  });

  it('msc predict --help is msc-predict --help, byte for byte', () => {
    const viaMsc = msc(['predict', '--help']);
    const direct = node('packages/predict/bin/msc-predict.mjs', ['--help']);
    expect(viaMsc.status).toBe(0);
    expect(viaMsc.stdout).toMatch(/^Usage: msc-predict/);
    expect(viaMsc.stdout).toBe(direct.stdout);
    expect(msc(['help', 'predict']).stdout).toBe(direct.stdout);
  });

  it('reports an unknown job (and a missing one) as error [E_USAGE] with a hint, exit 2', () => {
    const unknown = msc(['predcit', 'x.csv']);
    expect(unknown.status).toBe(EXIT_CODES.usage);
    expect(unknown.stderr).toMatch(/^error \[E_USAGE\]: unknown job 'predcit'\nhint: see msc --help \(jobs: .*predict.*\)\n$/);
    expect(unknown.stdout).toBe('');
    expect(msc([]).status).toBe(EXIT_CODES.usage);
    expect(msc(['--studies', '2']).stderr).toMatch(/^error \[E_USAGE\]: unknown option '--studies'/);
  });

  it('passes a job its flags, exit code and JSON summary: msc synth → msc predict (default model), then a flag mistake', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'msc-command-')), 'cohort');
    const synth = msc(['synth', '--out', out, '--studies', '1', '--max_instances_per_series', '1']);
    expect(synth.status, synth.stderr).toBe(0);
    expect(JSON.parse(synth.stdout)).toMatchObject({ studies: 1 });
    const predict = msc(['predict', out, '-o', join(out, '..', 'predictions.csv')]);
    expect(predict.status, predict.stderr).toBe(0);
    const seriesInCohort = readFileSync(join(out, 'labels.csv'), 'utf8').trim().split('\n').length - 1;
    expect(JSON.parse(predict.stdout)).toMatchObject({ series: seriesInCohort });
    const otherDefault = spawnSync(process.execPath, [join(root, 'packages/msc/bin/msc.mjs'), 'predict', out], {
      encoding: 'utf8',
      env: { ...process.env, MSC_DEFAULT_MODEL: join(out, 'labels.csv') },
    });
    expect(otherDefault.status).toBe(EXIT_CODES.model);
    expect(otherDefault.stderr).toContain(join(out, 'labels.csv'));
    const bad = msc(['predict', out, '--min_confidence', '2']);
    expect(bad.status).toBe(EXIT_CODES.usage);
    expect(bad.stderr).toMatch(/^error \[E_USAGE\]: .+\nhint: see msc-predict --help\n$/);
  });
});
