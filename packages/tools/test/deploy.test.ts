/**
 * The batch manifests of deploy/ as a scheduler would run them, on a tiny real cohort: each
 * parses, and its command, run with the index variables the scheduler sets (Kubernetes
 * JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, a CI matrix), writes parts that msc-merge-shards joins
 * into the table one msc-extract run writes, byte for byte, and msc-predict on the merged table gives
 * one run's predictions. The msc-* commands are
 * the built binaries of this checkout put on PATH (the image's /usr/local/bin).
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { parse } from 'yaml';
import { generateCohort } from '@msc/synth';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEPLOY = join(ROOT, 'deploy');
const BINARIES: Record<string, string> = {
  'msc-extract': 'packages/extract/bin/msc-extract.mjs',
  'msc-predict': 'packages/predict/bin/msc-predict.mjs',
  'msc-merge-shards': 'packages/tools/bin/msc-merge-shards.mjs',
};
/** Shards the Kubernetes and SLURM commands are run with here (the manifests say 8; two are a first and a last, their union one run). */
const RUN_SHARDS = 2;
let dir: string;
let archive: string;
let env: NodeJS.ProcessEnv;
let oneRun: { series: Buffer; predictions: Buffer; skipped: Buffer };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-deploy-'));
  archive = (await generateCohort({ outDir: join(dir, 'archive'), studies: 6, seed: 61, maxInstancesPerSeries: 2, pixels: 'none' })).outDir;
  const bin = join(dir, 'bin');
  await mkdir(bin);
  for (const [name, script] of Object.entries(BINARIES)) {
    await writeFile(join(bin, name), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, script)}" "$@"\n`);
    await chmod(join(bin, name), 0o755);
  }
  env = { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}` };
  const one = join(dir, 'one');
  await mkdir(one);
  sh(
    `msc-extract "${archive}" -o "${one}/series.parquet" --per-series --n-workers 1 && msc-predict "${one}/series.parquet" -o "${one}/predictions.csv" --heuristics prostate_mpmri`,
  );
  oneRun = {
    series: await readFile(join(one, 'series.parquet')),
    predictions: await readFile(join(one, 'predictions.csv')),
    skipped: await readFile(join(one, 'series.parquet.skipped.csv')),
  };
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

function sh(script: string, extra: Record<string, string> = {}, shell = '/bin/sh'): void {
  execFileSync(shell, ['-c', script], { env: { ...env, ...extra }, stdio: ['ignore', 'ignore', 'pipe'] });
}

async function expectOneRun(out: string, shards: number): Promise<void> {
  expect((await readdir(join(out, 'parts'))).filter((name) => /^series\..*\.parquet$/.test(name)).sort()).toEqual(
    Array.from({ length: shards }, (_, i) => `series.${i + 1}-of-${shards}.parquet`).sort(),
  );
  expect(await readFile(join(out, 'series.parquet'))).toEqual(oneRun.series);
  expect(await readFile(join(out, 'predictions.csv'))).toEqual(oneRun.predictions);
  expect(await readFile(join(out, 'series.parquet.skipped.csv'))).toEqual(oneRun.skipped);
}

interface Container {
  env: { name: string; value: string }[];
  command: string[];
  args: string[];
}
const container = (job: { spec: { template: { spec: { containers: Container[] } } } }) => job.spec.template.spec.containers[0]!;
const envOf = (c: Container) => Object.fromEntries(c.env.map((e) => [e.name, e.value]));

describe('deploy manifests', () => {
  it('Kubernetes: an Indexed Job (JOB_COMPLETION_INDEX → shard), then the merge Job', async () => {
    const shards = parse(await readFile(join(DEPLOY, 'kubernetes', 'shards-job.yaml'), 'utf8'));
    const merge = parse(await readFile(join(DEPLOY, 'kubernetes', 'merge-job.yaml'), 'utf8'));
    // Kubernetes' own schema of a batch/v1 Job (from its OpenAPI definitions)
    new Job(shards).validate();
    new Job(merge).validate();
    expect(shards).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', spec: { completionMode: 'Indexed' } });
    const n = shards.spec.completions as number;
    expect(shards.spec.parallelism).toBe(n);
    const c = container(shards);
    expect(envOf(c)['SHARDS']).toBe(String(n));
    expect(c.command).toEqual(['/bin/sh', '-c']);
    expect(envOf(c)['SHARD_BY']).toBe('folder');
    // As the pods run it: the container's env, the mounts at their paths, the index Kubernetes
    // sets. With SHARDS (= completions) lowered to RUN_SHARDS: the same command, fewer processes.
    // Split by folder as written (the SLURM test below runs the study split the comments offer).
    const out = join(dir, 'k8s');
    for (let index = 0; index < RUN_SHARDS; index++)
      sh(c.args[0]!, { ...envOf(c), SHARDS: String(RUN_SHARDS), DATA_DIR: archive, OUT_DIR: out, JOB_COMPLETION_INDEX: String(index) });
    expect(JSON.parse(await readFile(join(out, 'parts', `series.1-of-${RUN_SHARDS}.parquet.shard.json`), 'utf8'))).toMatchObject({ by: 'folder', depth: 1 });
    const m = container(merge);
    sh(m.args[0]!, { ...envOf(m), OUT_DIR: out });
    await expectOneRun(out, RUN_SHARDS);
  }, 120_000);

  it('SLURM: an array job (SLURM_ARRAY_TASK_ID → shard, 1-based whatever the first index), split by study, then the merge job', async () => {
    const script = join(DEPLOY, 'slurm', 'shards.sbatch');
    const text = await readFile(script, 'utf8');
    const [, first, last] = /^#SBATCH --array=(\d+)-(\d+)$/m.exec(text)!;
    const n = Number(last) - Number(first) + 1;
    expect(n).toBeGreaterThan(1);
    const out = join(dir, 'slurm');
    // run as a 0-based array of RUN_SHARDS tasks here: the shard must still be k/n with k from 1
    for (let task = 0; task < RUN_SHARDS; task++) {
      execFileSync('/bin/bash', [script], {
        env: {
          ...env,
          ARCHIVE: archive,
          OUT: out,
          MSC_RUN: '',
          SLURM_ARRAY_TASK_ID: String(task),
          SLURM_ARRAY_TASK_MIN: '0',
          SLURM_ARRAY_TASK_COUNT: String(RUN_SHARDS),
          SLURM_CPUS_PER_TASK: '1',
          SHARD_BY: 'study',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    }
    execFileSync('/bin/bash', [join(DEPLOY, 'slurm', 'merge.sbatch')], { env: { ...env, OUT: out, MSC_RUN: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
    await expectOneRun(out, RUN_SHARDS);
    // a study split: the part's record names no folder split
    const record = JSON.parse(await readFile(join(out, 'parts', `series.1-of-${RUN_SHARDS}.parquet.shard.json`), 'utf8'));
    expect(record).toMatchObject({ shard: `1/${RUN_SHARDS}` });
    expect(record.by).toBeUndefined();
    // without the array variables it refuses, with a message
    expect(() => execFileSync('/bin/bash', [script], { env: { ...env, ARCHIVE: archive, OUT: out, MSC_RUN: '' }, stdio: 'pipe' })).toThrow(
      /submit as an array job/,
    );
  }, 120_000);

  it('GitHub Actions: a matrix of shard jobs, then the merge job', async () => {
    const workflow = parse(await readFile(join(DEPLOY, 'ci', 'github-actions-shards.yml'), 'utf8'));
    const shardJob = workflow.jobs.shard;
    const values = shardJob.strategy.matrix.shard as number[];
    expect(values).toEqual(values.map((_, i) => i + 1));
    expect(workflow.jobs.merge.needs).toBe('shard');
    const out = join(dir, 'ci');
    const runSteps = (steps: { run?: string }[], expressions: Record<string, string>, stepEnv: Record<string, string>) => {
      for (const step of steps) {
        if (!step.run) continue; // artifact transfer: the parts are already in one folder here
        const script = step.run.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, name: string) => {
          if (!(name in expressions)) throw new Error(`unknown expression ${name}`);
          return expressions[name]!;
        });
        sh(script, stepEnv, '/bin/bash');
      }
    };
    expect(values.length).toBeGreaterThan(RUN_SHARDS);
    // as the matrix runs when cut to its first RUN_SHARDS values: the same steps, fewer processes
    for (const shard of values.slice(0, RUN_SHARDS))
      runSteps(shardJob.steps, { 'matrix.shard': String(shard), 'strategy.job-total': String(RUN_SHARDS) }, { ...shardJob.env, ARCHIVE: archive, OUT: out });
    runSteps(workflow.jobs.merge.steps, {}, { ...workflow.jobs.merge.env, OUT: out });
    await expectOneRun(out, RUN_SHARDS);
  }, 120_000);
});
