#!/usr/bin/env node
// How well does a model trained on the synthetic training profiles carry to studies, descriptions
// and vendors it has not seen? Generates a training cohort (the default mix) and a cohort of each
// held-out profile (CANON, UIH), extracts labelled series tables, trains with msc-train and reports:
//   (a) k-fold CV grouped by study, all features;
//   (b) the same without series_description, and without any free text (series_description,
//       protocol_name, sequence_name);
//   (c) leave-one-vendor-out (--group-file study_uid → vendor), macro-F1 per held-out vendor;
//   (d) trained on the training profiles, scored on the held-out profiles pooled (--test-set), with
//       and without free text, and on each held-out profile alone (msc-predict);
// and an ablation: the same without core's derived features (--no-derived-features), on the whole
// training cohort and on a small subset of its studies (--small-studies), where they matter more.
// Writes pipelines/reports/generalization.md and prints it.
//   pnpm build && node pipelines/evaluate-generalization.mjs [--studies 2000] [--held-out-studies 400]
//     [--small-studies 150] [--seed 2026] [--folds 5] [--max-instances-per-series N] [--work DIR] [--keep]
//     [--param colsample_bytree=0.5 …] (booster parameters for every run, as train-default-model uses)
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readTableAll } from '@msc/tables';
import { labelledSeriesTable } from './cohort-table.mjs';
import { readTableAll as readAll, writeTable } from '@msc/tables';
import { HELD_OUT_VENDORS } from '@msc/synth';

const { values } = parseArgs({
  options: {
    studies: { type: 'string', default: '2000' },
    'held-out-studies': { type: 'string', default: '400' },
    'small-studies': { type: 'string', default: '150' },
    seed: { type: 'string', default: '2026' },
    folds: { type: 'string', default: '5' },
    'max-instances-per-series': { type: 'string' },
    work: { type: 'string' },
    keep: { type: 'boolean', default: false },
    report: { type: 'string', default: 'pipelines/reports/generalization.md' },
    parallel: { type: 'string', default: '2' },
    param: { type: 'string', multiple: true, default: [] },
  },
});
const root = fileURLToPath(new URL('..', import.meta.url));
const studies = Number(values.studies);
const heldOutStudies = Number(values['held-out-studies']);
const smallStudies = Number(values['small-studies']);
const seed = Number(values.seed);
const heldOutSeed = seed + 1;
const folds = Number(values.folds);
const cap = values['max-instances-per-series'] ? Number(values['max-instances-per-series']) : undefined;
const work = values.work ?? (await mkdtemp(join(tmpdir(), 'msc-generalization-')));
await mkdir(work, { recursive: true });
const started = performance.now();
const timings = [];
const log = (message) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s] ${message}\n`);
const timed = async (name, job) => {
  const t = performance.now();
  const result = await job();
  timings.push({ name, seconds: (performance.now() - t) / 1000 });
  return result;
};

const FREE_TEXT = ['series_description', 'protocol_name', 'sequence_name'];
const bin = (pkg) => join(root, 'packages', pkg, 'bin', `msc-${pkg}.mjs`);
const runTrain = (args) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin('train'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`msc-train ${args.join(' ')} failed (${code}): ${err}`))));
  });

// 1. Cohorts → labelled series tables.
log(`training cohort: ${studies} studies, seed ${seed}${cap ? `, at most ${cap} files per series` : ''}`);
const train = await timed('training cohort: generate + extract', () =>
  labelledSeriesTable({ outDir: join(work, 'train'), studies, seed, pixels: 'none', ...(cap ? { maxInstancesPerSeries: cap } : {}) }),
);
// One cohort per held-out profile (seeds heldOutSeed, heldOutSeed + 1, …), scored alone and pooled.
const heldOut = [];
for (const [index, vendor] of HELD_OUT_VENDORS.entries()) {
  log(`held-out cohort (${vendor}): ${heldOutStudies} studies, seed ${heldOutSeed + index}`);
  heldOut.push({
    vendor,
    seed: heldOutSeed + index,
    ...(await timed(`held-out cohort ${vendor}: generate + extract`, () =>
      labelledSeriesTable({
        outDir: join(work, `held-${vendor}`),
        studies: heldOutStudies,
        seed: heldOutSeed + index,
        vendors: [vendor],
        pixels: 'none',
        ...(cap ? { maxInstancesPerSeries: cap } : {}),
      }),
    )),
  });
}
const pooledRows = heldOut.flatMap((cohort) => cohort.rows);
const held = {
  path: join(work, 'held-pooled.parquet'),
  rows: pooledRows,
  cohort: { labels: heldOut.flatMap((cohort) => cohort.cohort.labels), instances: heldOut.reduce((sum, cohort) => sum + cohort.cohort.instances, 0) },
};
await writeTable(held.path, [...new Set(pooledRows.flatMap((row) => Object.keys(row)))], pooledRows);
const groupFile = join(work, 'vendor-groups.json');
await writeFile(groupFile, JSON.stringify(Object.fromEntries(train.cohort.labels.map((label) => [label.study_uid, label.vendor]))));

// 2. Training runs (two at a time: msc-train uses one core).
// An id says what a run is: small- (--subset of the training studies), lovo- (leave-one-vendor-out
// instead of k folds; otherwise the held-out cohort is scored too), which columns are left out,
// -no-derived (--no-derived-features). Whole-cohort runs first: they take longest.
const RUN_IDS = [
  'all',
  'no-description',
  'no-free-text',
  'lovo-all',
  'lovo-no-free-text',
  'no-free-text-no-derived',
  'lovo-no-free-text-no-derived',
  'small-all',
  'small-all-no-derived',
  'small-no-free-text',
  'small-no-free-text-no-derived',
  'small-lovo-all',
  'small-lovo-all-no-derived',
  'small-lovo-no-free-text',
  'small-lovo-no-free-text-no-derived',
];
const runs = RUN_IDS.map((id) => ({
  id,
  small: id.startsWith('small-'),
  groups: id.includes('lovo-'),
  test: !id.includes('lovo-'),
  derived: !id.endsWith('-no-derived'),
  exclude: id.includes('no-free-text') ? FREE_TEXT : id.includes('no-description') ? ['series_description'] : [],
}));
const results = new Map();
const queue = [...runs];
await timed('training runs', () =>
  Promise.all(
    Array.from({ length: Math.max(1, Number(values.parallel)) }, async () => {
      for (let run = queue.shift(); run; run = queue.shift()) {
        const output = join(work, 'models', `${run.id}.onnx`);
        const args = [train.path, '-o', output, '--seed', String(seed), '--skip-importance', '--model-name', run.id];
        if (run.exclude.length > 0) args.push('--exclude-cols', run.exclude.join(','));
        if (run.groups) args.push('--group-file', groupFile);
        else args.push('--folds', String(folds));
        if (run.test) args.push('--test-set', held.path);
        if (!run.derived) args.push('--no-derived-features');
        if (run.small) args.push('--subset', String(smallStudies));
        for (const param of values.param) args.push('--param', param);
        log(`msc-train ${run.id} …`);
        const t = performance.now();
        const summary = await runTrain(args);
        const metrics = (await readTableAll(output.replace(/\.onnx$/, '.metrics.csv'))).rows;
        results.set(run.id, { ...run, summary, metrics, seconds: (performance.now() - t) / 1000, args });
        log(
          `msc-train ${run.id}: CV ${summary.cvScore.toFixed(4)}${summary.testScore !== undefined ? `, held-out ${summary.testScore.toFixed(4)}` : ''} (${((performance.now() - t) / 1000).toFixed(0)} s)`,
        );
      }
    }),
  ),
);
// Each held-out profile alone, for the runs the targets name: msc-predict with the run's model.
const runPredict = (args) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin('predict'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`msc-predict ${args.join(' ')} failed (${code}): ${err}`))));
  });
/** Macro-F1 over the classes in the truth or the predictions, and the misclassified series by kind. */
function scoreProfile(truthRows, kinds, predictedRows) {
  const truth = new Map(truthRows.map((row) => [String(row.series_uid), String(row.class)]));
  const pairs = predictedRows.map((row) => [truth.get(String(row.series_uid)), String(row.prediction), kinds.get(String(row.series_uid))]);
  const classes = [...new Set(pairs.flatMap(([t, p]) => [t, p]))].sort();
  const f1 = classes.map((c) => {
    const tp = pairs.filter(([t, p]) => t === c && p === c).length;
    const fp = pairs.filter(([t, p]) => t !== c && p === c).length;
    const fn = pairs.filter(([t, p]) => t === c && p !== c).length;
    return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  });
  const wrong = pairs.filter(([t, p]) => t !== p);
  const byKind = new Map();
  for (const [t, p, kind] of wrong) byKind.set(`${kind} ${t}→${p}`, (byKind.get(`${kind} ${t}→${p}`) ?? 0) + 1);
  return { macroF1: f1.reduce((a, b) => a + b, 0) / f1.length, errors: wrong.length, series: pairs.length, byKind };
}
const PROFILE_RUNS = ['all', 'no-free-text', 'small-all', 'small-no-free-text'];
const profileScores = new Map();
await timed('held-out profiles: msc-predict', async () => {
  for (const id of PROFILE_RUNS) {
    for (const cohort of heldOut) {
      const out = join(work, 'predictions', `${id}-${cohort.vendor}.csv`);
      await mkdir(join(work, 'predictions'), { recursive: true });
      await runPredict([cohort.path, '--model-path', join(work, 'models', `${id}.onnx`), '-o', out]);
      const kinds = new Map(cohort.cohort.labels.map((label) => [label.series_uid, label.kind]));
      profileScores.set(`${id} ${cohort.vendor}`, scoreProfile(cohort.rows, kinds, (await readAll(out)).rows));
    }
  }
});
const totalSeconds = (performance.now() - started) / 1000;

// 3. Report.
const f4 = (x) => (x === undefined ? '–' : x.toFixed(4));
const verdict = (x, target) => (x >= target ? 'met' : `**below** (${(x - target).toFixed(4)})`);
const metricRows = (id, split, fold = '-') => results.get(id).metrics.filter((row) => row.split === split && String(row.fold) === fold);
const classes = [
  ...new Set(
    metricRows('all', 'cv')
      .filter((row) => row.metric === 'f1')
      .map((row) => String(row.true)),
  ),
];
const perClassF1 = (id, split) =>
  Object.fromEntries(
    metricRows(id, split)
      .filter((row) => row.metric === 'f1')
      .map((row) => [row.true, Number(row.value)]),
  );
const confusion = (id, split) => {
  const cells = metricRows(id, split).filter((row) => row.metric === 'confusion');
  const at = (t, p) => Number(cells.find((row) => row.true === t && row.pred === p)?.value ?? 0);
  return [
    `| true \\ predicted | ${classes.join(' | ')} |`,
    `|---|${classes.map(() => '---:').join('|')}|`,
    ...classes.map((t) => `| ${t} | ${classes.map((p) => at(t, p)).join(' | ')} |`),
  ].join('\n');
};
const count = (labels, key) => {
  const map = new Map();
  for (const label of labels) map.set(label[key], (map.get(label[key]) ?? 0) + 1);
  return [...map]
    .sort()
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
};
const r = (id) => results.get(id).summary;
/** Misclassified series of a run's split (off-diagonal confusion counts) and the series scored. */
const errors = (id, split) => {
  const cells = metricRows(id, split).filter((row) => row.metric === 'confusion');
  const wrong = cells.filter((row) => row.true !== row.pred).reduce((sum, row) => sum + Number(row.value), 0);
  return `${wrong} / ${cells.reduce((sum, row) => sum + Number(row.value), 0)}`;
};
const profileCell = (id, vendor) => {
  const score = profileScores.get(`${id} ${vendor}`);
  return `${f4(score.macroF1)} (${score.errors} / ${score.series})`;
};
const cvCell = (id) => `${f4(r(id).cvScore)} (${errors(id, 'cv')})`;
const testCell = (id) => `${f4(r(id).testScore)} (${errors(id, 'test_ensemble')})`;
const vendorFolds = (id) => Object.fromEntries(r(id).folds.map((fold) => [fold.name, fold.score]));
const capText = cap ? ` --max-instances-per-series ${cap}` : '';
const paramText = values.param.map((param) => ` --param ${param}`).join('');
const command = `node pipelines/evaluate-generalization.mjs --studies ${studies} --held-out-studies ${heldOutStudies} --small-studies ${smallStudies} --seed ${seed} --folds ${folds}${capText}${paramText}`;

const report = `# Generalization of the series classifier (synthetic data)

Made by \`pipelines/evaluate-generalization.mjs\` on ${new Date().toISOString().slice(0, 10)}; all figures are macro-F1 over
the five classes (ADC, DCE, DWI, Others, T2W) from msc-train's out-of-fold predictions (CV) or its fold
ensemble (held-out cohort).

\`\`\`
pnpm build && ${command}
\`\`\`

| | |
|---|---|
| training cohort | ${studies} studies (${train.cohort.labels.length} series) of the default mix, seed ${seed}: ${count(train.cohort.labels, 'vendor')} series by vendor |
| training classes | ${count(train.cohort.labels, 'class')} |
| held-out cohorts | ${heldOut.map((cohort) => `${cohort.vendor}: ${heldOutStudies} studies (${cohort.cohort.labels.length} series), seed ${cohort.seed}`).join('; ')}; pooled classes ${count(held.cohort.labels, 'class')} |
| files written | ${train.cohort.instances + held.cohort.instances} DICOM files${cap ? ` (at most ${cap} per series; number_of_images set to the full series' count)` : ''} |
| msc-train | seed ${seed}, ${folds} study-grouped folds (LOVO: one fold per vendor), ${values.param.length ? `booster parameters ${values.param.join(', ')}` : 'default booster parameters'}, no inner search |
| runtime | ${totalSeconds.toFixed(0)} s in all on ${cpus().length} cores: ${timings.map((t) => `${t.name} ${t.seconds.toFixed(0)} s`).join('; ')} |

## Results against the targets

Macro-F1, with (misclassified series / series scored). "Without free text" leaves out
series_description, protocol_name and sequence_name.

| evaluation | features | macro-F1 (errors) | target | |
|---|---|---:|---:|---|
| (a) ${folds}-fold CV, unseen studies | all | ${cvCell('all')} | 0.995 | ${verdict(r('all').cvScore, 0.995)} |
| (b) ${folds}-fold CV, unseen studies | without series_description | ${cvCell('no-description')} | 0.995 | ${verdict(r('no-description').cvScore, 0.995)} |
| (b) ${folds}-fold CV, unseen studies | without free text | ${cvCell('no-free-text')} | 0.995 | ${verdict(r('no-free-text').cvScore, 0.995)} |
| (c) leave-one-vendor-out (pooled) | all | ${cvCell('lovo-all')} | 0.98 | ${verdict(r('lovo-all').cvScore, 0.98)} |
| (c) leave-one-vendor-out (pooled) | without free text | ${cvCell('lovo-no-free-text')} | 0.98 | ${verdict(r('lovo-no-free-text').cvScore, 0.98)} |
| (d) held-out profiles, pooled | all | ${testCell('all')} | 0.98 | ${verdict(r('all').testScore, 0.98)} |
| (d) held-out profiles, pooled | without series_description | ${testCell('no-description')} | 0.98 | ${verdict(r('no-description').testScore, 0.98)} |
| (d) held-out profiles, pooled | without free text | ${testCell('no-free-text')} | 0.98 | ${verdict(r('no-free-text').testScore, 0.98)} |
${heldOut.map((cohort) => `| (d) held-out ${cohort.vendor} profile | all | ${profileCell('all', cohort.vendor)} | 0.98 | ${verdict(profileScores.get(`all ${cohort.vendor}`).macroF1, 0.98)} |`).join('\n')}
${heldOut.map((cohort) => `| (d) held-out ${cohort.vendor} profile | without free text | ${profileCell('no-free-text', cohort.vendor)} | 0.98 | ${verdict(profileScores.get(`no-free-text ${cohort.vendor}`).macroF1, 0.98)} |`).join('\n')}

### (d) Each held-out profile: macro-F1 (errors) and the misclassified series by kind

| run | ${heldOut.map((cohort) => cohort.vendor).join(' | ')} | misclassified (kind true→predicted: count) |
|---|${heldOut.map(() => '---:').join('|')}|---|
${PROFILE_RUNS.map(
  (id) =>
    `| ${id} | ${heldOut.map((cohort) => profileCell(id, cohort.vendor)).join(' | ')} | ${
      heldOut
        .map((cohort) => [...profileScores.get(`${id} ${cohort.vendor}`).byKind].map(([k, n]) => `${cohort.vendor} ${k}: ${n}`).join('; '))
        .filter(Boolean)
        .join('; ') || '–'
    } |`,
).join('\n')}

### (c) Leave-one-vendor-out, macro-F1 on each held-out vendor

| held-out vendor | all features | without free text |
|---|---:|---:|
${Object.keys(vendorFolds('lovo-all'))
  .map((vendor) => `| ${vendor} | ${f4(vendorFolds('lovo-all')[vendor])} | ${f4(vendorFolds('lovo-no-free-text')[vendor])} |`)
  .join('\n')}

### Ablation: without the derived features, and with few training studies

Derived features (packages/features/src/derived.ts): plane of image_orientation_patient,
b-value max/min/count, image-type spellings of diffusion/subtraction/projection, contrast agent
named. "${smallStudies} studies" trains (and cross-validates) on ${smallStudies} studies drawn from the
training cohort (msc-train --subset ${smallStudies}); the held-out cohort is the same.

| evaluation | features | training studies | with derived | without derived |
|---|---|---:|---:|---:|
| (b) CV | without free text | ${studies} | ${cvCell('no-free-text')} | ${cvCell('no-free-text-no-derived')} |
| (c) LOVO | without free text | ${studies} | ${cvCell('lovo-no-free-text')} | ${cvCell('lovo-no-free-text-no-derived')} |
| (d) held-out, pooled | without free text | ${studies} | ${testCell('no-free-text')} | ${testCell('no-free-text-no-derived')} |
| (a) CV | all | ${smallStudies} | ${cvCell('small-all')} | ${cvCell('small-all-no-derived')} |
| (b) CV | without free text | ${smallStudies} | ${cvCell('small-no-free-text')} | ${cvCell('small-no-free-text-no-derived')} |
| (c) LOVO | all | ${smallStudies} | ${cvCell('small-lovo-all')} | ${cvCell('small-lovo-all-no-derived')} |
| (c) LOVO | without free text | ${smallStudies} | ${cvCell('small-lovo-no-free-text')} | ${cvCell('small-lovo-no-free-text-no-derived')} |
| (d) held-out, pooled | all | ${smallStudies} | ${testCell('small-all')} | ${testCell('small-all-no-derived')} |
| (d) held-out, pooled | without free text | ${smallStudies} | ${testCell('small-no-free-text')} | ${testCell('small-no-free-text-no-derived')} |

### Per-class F1

| | ${classes.join(' | ')} |
|---|${classes.map(() => '---:').join('|')}|
${[
  ['(a) CV, all', 'all', 'cv'],
  ['(b) CV, without free text', 'no-free-text', 'cv'],
  ['(c) LOVO, all', 'lovo-all', 'cv'],
  ['(c) LOVO, without free text', 'lovo-no-free-text', 'cv'],
  ['(d) held-out pooled, all', 'all', 'test_ensemble'],
  ['(d) held-out pooled, without free text', 'no-free-text', 'test_ensemble'],
  [`(c) LOVO, without free text, ${smallStudies} studies, no derived`, 'small-lovo-no-free-text-no-derived', 'cv'],
  [`(d) held-out pooled, without free text, ${smallStudies} studies, no derived`, 'small-no-free-text-no-derived', 'test_ensemble'],
]
  .map(([name, id, split]) => `| ${name} | ${classes.map((c) => f4(perClassF1(id, split)[c])).join(' | ')} |`)
  .join('\n')}

### Confusion, (d) held-out profiles pooled, all features

${confusion('all', 'test_ensemble')}

### Confusion, (d) held-out profiles pooled, without free text

${confusion('no-free-text', 'test_ensemble')}

### Confusion, (d) held-out profiles pooled, all features, ${smallStudies} training studies

${confusion('small-all', 'test_ensemble')}

### Confusion, (c) leave-one-vendor-out, without free text

${confusion('lovo-no-free-text', 'cv')}

## How to read this

- The cohorts are synthetic (\`packages/synth\`): the figures say how the features and the trainer
  behave on data built to resemble real archives, not what a real archive will give.
- The held-out profiles are never in the training mix. CANON: Dutch and abbreviated naming (a
  quarter empty), protocol names, image types and scanner names of its own, b-values in the standard
  tag only (absent on b = 0 images, absent altogether in about a third of series). UIH: naming,
  image types, sequence names and scanner names of its own, b-values in the standard tag or only in
  a private block MSC does not read. Both hold non-diffusion EPI (BOLD, ASL, DSC) among Others.
- Every cohort is domain-randomised (packages/synth/src/nuisance.ts): pixel spacing, matrices,
  bandwidth, thickness, coils, orientation, phase direction and field strength are drawn alike in
  every class, so none of them can separate the classes.
- msc-train run times: ${runs.map((run) => `${run.id} ${results.get(run.id).seconds.toFixed(0)} s`).join(', ')}.
`;

const reportPath = resolve(root, values.report);
await mkdir(join(reportPath, '..'), { recursive: true });
await writeFile(reportPath, report);
process.stdout.write(report);
log(`report written to ${relative(root, reportPath)}; total ${totalSeconds.toFixed(0)} s`);
if (!values.keep && !values.work) await rm(work, { recursive: true, force: true });
else log(`work files kept in ${work}`);
