#!/usr/bin/env node
// Reproduces models/prostate_mpmri.onnx, the default model: trained by msc-train on a synthetic
// cohort from msc-synth (synthetic data only), then scored on a held-out cohort of another seed.
//   pnpm build && node pipelines/train-default-model.mjs [--studies 300] [--seed 2026]
// Booster: defaults plus colsample_bytree=0.5 (each tree sees half the features, so no single
// signal such as a b-value tag carries a class alone; see pipelines/reports/generalization.md),
// and tag dropout 0.25 × 2 copies (two copies of each row, each informative column blank with
// p = 0.25, so no class hangs on one tag; `--tag-dropout none` turns it off;
// pipelines/reports/tag-ablation.md).
// Also scored, by msc-predict, on a cohort of each held-out profile (CANON, UIH: never in training),
// with the misclassified series listed by kind.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { labelledSeriesTable } from './cohort-table.mjs';
import { readTableAll } from '@msc/tables';
import { GENERATOR_VERSION, HELD_OUT_VENDORS } from '@msc/synth';

const { values } = parseArgs({
  options: {
    studies: { type: 'string', default: '300' },
    seed: { type: 'string', default: '2026' },
    output: { type: 'string', default: 'models/prostate_mpmri.onnx' },
    // passed to msc-train: --tag-dropout p|one (issue 18), its copies, extra --param key=value
    'tag-dropout': { type: 'string', default: '0.25' },
    'tag-dropout-copies': { type: 'string', default: '2' },
    param: { type: 'string', multiple: true, default: [] },
  },
});
const root = fileURLToPath(new URL('..', import.meta.url));
const work = await mkdtemp(join(tmpdir(), 'msc-default-model-'));
const bin = (pkg) => join(root, 'packages', pkg, 'bin', `msc-${pkg}.mjs`);
const run = (pkg, args) => {
  const result = spawnSync(process.execPath, [bin(pkg), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`msc-${pkg} ${args.join(' ')} failed (${result.status})`);
  return result.stdout;
};

// The cohorts as the model's recipe records them (msc-train --cohort), so msc-train --base can
// regenerate them to train a site model on top of this one.
const cohorts = {
  generator: GENERATOR_VERSION,
  train: { studies: Number(values.studies), seed: Number(values.seed) },
  heldOut: { studies: 60, seed: Number(values.seed) + 1 },
};
const train = await labelledSeriesTable({ outDir: join(work, 'train'), ...cohorts.train });
const held = await labelledSeriesTable({ outDir: join(work, 'held'), ...cohorts.heldOut });
const cohortFile = join(work, 'cohort.json');
await writeFile(cohortFile, JSON.stringify(cohorts));
console.log(
  `training cohort: ${train.cohort.labels.length} series from ${values.studies} studies (seed ${values.seed}); held-out: ${held.cohort.labels.length} series (seed ${Number(values.seed) + 1})`,
);
const output = resolve(root, values.output);
const summary = JSON.parse(
  run('train', [
    train.path,
    '-o',
    output,
    '--folds',
    '5',
    '--seed',
    values.seed,
    '--test-set',
    held.path,
    '--cohort',
    cohortFile,
    '--model-name',
    'prostate_mpmri',
    '--param',
    'colsample_bytree=0.5',
    ...values.param.flatMap((param) => ['--param', param]),
    ...(values['tag-dropout'] !== 'none' ? ['--tag-dropout', values['tag-dropout'], '--tag-dropout-copies', values['tag-dropout-copies']] : []),
  ]),
);
console.log(`5-fold CV macro-F1 ${summary.cvScore.toFixed(4)}; held-out cohort macro-F1 ${summary.testScore.toFixed(4)} → ${values.output}`);
for (const [index, vendor] of HELD_OUT_VENDORS.entries()) {
  const seed = Number(values.seed) + 2 + index;
  const held = await labelledSeriesTable({ outDir: join(work, vendor), studies: 60, seed, vendors: [vendor] });
  const predicted = join(work, `${vendor}-predictions.csv`);
  run('predict', [held.path, '--model-path', output, '-o', predicted]);
  const truth = new Map(held.rows.map((row) => [row.series_uid, row]));
  const kinds = new Map(held.cohort.labels.map((label) => [label.series_uid, label.kind]));
  const rows = (await readTableAll(predicted)).rows;
  const wrong = rows.filter((row) => truth.get(String(row.series_uid))?.class !== row.prediction);
  const detail = wrong.map((row) => `${kinds.get(String(row.series_uid))} ${truth.get(String(row.series_uid))?.class}→${row.prediction}`);
  console.log(
    `held-out ${vendor} profile (unseen vendor and naming, seed ${seed}): ${rows.length - wrong.length}/${rows.length} series correct (${((100 * (rows.length - wrong.length)) / rows.length).toFixed(2)}%)${detail.length ? `; wrong: ${detail.join(', ')}` : ''}`,
  );
}
await rm(work, { recursive: true, force: true });
