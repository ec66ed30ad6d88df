#!/usr/bin/env node
// Scores a model on the committed real header sets (real-prostate: two ProstateX exams; real-mr:
// prostate and body/brain series from public test data, see real-mr/README.md): extraction and
// prediction by the built binaries, then accuracy, per-class recall, the confusion, every wrong
// series, and for diffusion series (DWI/ADC by hand) which b-value columns extract filled.
//   pnpm build && node pipelines/evaluate-prostate.mjs [--model m.onnx ...] [--heuristics prostate_mpmri|none]
//     [--set name=headers.tar.xz,labels.csv ...] [-o report.md] [--work DIR]
// The report goes to stdout, and to -o when given (never a tracked report by default).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MscError, atomicWriteFile, exitCodeFor, formatError } from '../packages/core/dist/index.js';
import {
  BVALUE_COLUMNS,
  CLASSES,
  bvaluesBySeries,
  extractCache,
  fillVendors,
  predictTable,
  readHeaderSetLabels,
  scoreResults,
  seriesResults,
  unpackHeaderSet,
} from './real-data/evaluate.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_SETS = [
  `real-prostate=${join(root, 'pipelines/real-prostate/headers.tar.xz')},${join(root, 'pipelines/real-prostate/labels.csv')}`,
  `real-mr=${join(root, 'pipelines/real-mr/headers.tar.xz')},${join(root, 'pipelines/real-mr/labels.csv')}`,
];

function parseSet(spec) {
  const match = /^([^=]+)=([^,]+),(.+)$/.exec(spec);
  if (!match) throw new MscError('E_USAGE', `--set ${spec}: expected name=headers.tar.xz,labels.csv`);
  const [, name, tar, labels] = match;
  for (const path of [tar, labels]) {
    if (!existsSync(path)) throw new MscError('E_INPUT_NOT_FOUND', `${path} does not exist`, { hint: `check --set ${name}=…` });
  }
  return { name, tar: resolve(tar), labels: resolve(labels) };
}

async function main() {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', short: 'm', multiple: true },
      heuristics: { type: 'string', default: 'none' },
      set: { type: 'string', multiple: true },
      out: { type: 'string', short: 'o' },
      work: { type: 'string' },
    },
  });
  const models = (values.model ?? [join(root, 'models/prostate_mpmri.onnx')]).map((path) => resolve(path));
  for (const model of models) {
    if (!existsSync(model)) throw new MscError('E_INPUT_NOT_FOUND', `model ${model} does not exist`, { hint: 'give an .onnx with --model' });
  }
  const sets = (values.set ?? DEFAULT_SETS).map(parseSet);
  const started = performance.now();
  const work = values.work ?? (await mkdtemp(join(tmpdir(), 'msc-prostate-')));

  const evaluated = [];
  for (const set of sets) {
    const dir = await unpackHeaderSet(set.tar, work, set.name);
    const extraction = await extractCache(dir, join(dir, 'work'));
    const labels = fillVendors(readHeaderSetLabels(set.labels, set.name), extraction.instances);
    const predictions = await predictTable(extraction.table, { model: models, heuristics: values.heuristics, out: join(dir, 'work', 'predictions.jsonl') });
    const results = seriesResults(labels, predictions).map((result) => ({ ...result, set: set.name }));
    const labelOf = new Map(labels.map((label) => [`${label.study_uid}|${label.series_uid}`, label]));
    evaluated.push({
      set,
      labels,
      labelOf,
      results,
      scores: scoreResults(results),
      bvalues: bvaluesBySeries(extraction.instances),
      skipped: extraction.skipped,
    });
  }
  if (!values.work) await rm(work, { recursive: true, force: true });
  const pooled = scoreResults(evaluated.flatMap((entry) => entry.results));
  const seconds = (performance.now() - started) / 1000;

  const lines = report({ evaluated, pooled, models, heuristics: values.heuristics, seconds, argv: process.argv.slice(2) });
  const text = `${lines.join('\n')}\n`;
  if (values.out) await atomicWriteFile(values.out, text);
  process.stdout.write(text);
  if (values.out) process.stderr.write(`report → ${values.out}\n`);
}

// ---- report ----
const pct = (x) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)} %`);
const num = (x) => (x === null || x === undefined ? '–' : x.toFixed(3));
const cell = (text) => String(text ?? '').replace(/\|/g, '\\|');
const table = (header, rows) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n');

function scoreLines(title, scores) {
  const present = CLASSES.filter((name) => scores.perClass[name].support > 0 || scores.perClass[name].predicted > 0);
  return [
    `### ${title}`,
    '',
    `Accuracy ${scores.correct}/${scores.series} = ${pct(scores.accuracy)}; macro-F1 over the classes present ${num(scores.macroF1)}${scores.missing.length > 0 ? `; ${scores.missing.length} labelled series not extracted` : ''}.`,
    '',
    table(
      ['class', 'series', 'recall', 'precision', 'predicted as it'],
      present.map((name) => {
        const c = scores.perClass[name];
        return [name, c.support, c.support ? `${scores.confusion[name][name]}/${c.support} = ${pct(c.recall)}` : '–', pct(c.precision), c.predicted];
      }),
    ),
    '',
    'Confusion (rows: hand label, columns: predicted):',
    '',
    table(
      ['label \\ predicted', ...CLASSES],
      CLASSES.filter((name) => scores.perClass[name].support > 0).map((truth) => [truth, ...CLASSES.map((predicted) => scores.confusion[truth][predicted])]),
    ),
    '',
    table(
      ['vendor', 'series', 'right', 'accuracy'],
      Object.entries(scores.perVendor)
        .sort()
        .map(([vendor, v]) => [vendor, v.series, v.correct, pct(v.accuracy)]),
    ),
    '',
  ];
}

function report({ evaluated, pooled, models, heuristics, seconds, argv }) {
  const modelLine = models
    .map((path) => `\`${relative(root, path)}\` (sha256 ${createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12)}…)`)
    .join(', ');
  const lines = [
    '# Real prostate and body MR header sets: evaluation',
    '',
    `Model ${modelLine}, rules: ${heuristics}. ${new Date().toISOString()}, ${seconds.toFixed(1)} s.`,
    `Command: \`node pipelines/evaluate-prostate.mjs${argv.length ? ` ${argv.join(' ')}` : ''}\``,
    '',
    '## The sets',
    '',
    table(
      ['set', 'series', ...CLASSES, 'ambiguous', 'vendors'],
      evaluated.map(({ set, labels }) => [
        set.name,
        labels.length,
        ...CLASSES.map((name) => labels.filter((label) => !label.ambiguous && label.label === name).length),
        labels.filter((label) => label.ambiguous).length,
        [...new Set(labels.map((label) => label.vendor))].sort().join(', '),
      ]),
    ),
    '',
    '## Scores',
    '',
    ...evaluated.flatMap(({ set, scores }) => scoreLines(set.name, scores)),
    ...scoreLines('all sets pooled', pooled),
    '## Every wrong series',
    '',
  ];
  const wrong = evaluated.flatMap(({ results, labelOf }) =>
    results.filter((r) => r.status === 'scored' && !r.correct).map((r) => ({ r, label: labelOf.get(r.key) })),
  );
  lines.push(
    wrong.length === 0
      ? 'None.'
      : table(
          ['set', 'patient / folder', 'description', 'vendor', 'label', 'predicted', 'confidence', 'rule', 'header evidence'],
          wrong.map(({ r, label }) => [
            r.set,
            label.patient,
            label.description || '–',
            r.vendor,
            r.label,
            r.predicted,
            num(r.confidence),
            r.rule ?? '–',
            r.why,
          ]),
        ),
    '',
  );
  const missing = evaluated.flatMap(({ results }) => results.filter((r) => r.status === 'missing'));
  if (missing.length > 0) lines.push(`Labelled series extract did not produce: ${missing.map((r) => `${r.set} ${r.key}`).join(', ')}.`, '');

  lines.push(
    '## Diffusion series: were b-values read?',
    '',
    'Every series labelled DWI or ADC (ambiguous ones included): the distinct values extract put in each b-value column (`-` = none read).',
    '',
  );
  const diffusion = evaluated.flatMap(({ results, labelOf, bvalues }) =>
    results
      .filter((r) => r.family === 'diffusion' || /^(DWI|ADC)$/.test(r.label ?? ''))
      .map((r) => ({ r, label: labelOf.get(r.key), seen: bvalues.get(r.key) })),
  );
  const shown = (set) => (set && set.size > 0 ? [...set].sort((a, b) => Number(a) - Number(b)).join(' ') : '-');
  lines.push(
    table(
      ['set', 'patient / folder', 'description', 'vendor', 'label', 'predicted', 'b-values read', ...BVALUE_COLUMNS],
      diffusion.map(({ r, label, seen }) => [
        r.set,
        label.patient,
        label.description || '–',
        r.vendor,
        `${r.label}${r.status === 'ambiguous' ? ' (ambiguous)' : ''}`,
        r.predicted ?? '–',
        seen && BVALUE_COLUMNS.some((column) => seen[column].size > 0) ? 'yes' : '**no**',
        ...BVALUE_COLUMNS.map((column) => shown(seen?.[column])),
      ]),
    ),
    '',
  );

  const ambiguous = evaluated.flatMap(({ results, labelOf }) => results.filter((r) => r.status === 'ambiguous').map((r) => ({ r, label: labelOf.get(r.key) })));
  if (ambiguous.length > 0) {
    lines.push(
      '## Ambiguous series (not scored)',
      '',
      table(
        ['set', 'patient / folder', 'leaning', 'predicted', 'confidence', 'why'],
        ambiguous.map(({ r, label }) => [r.set, label.patient, r.label, r.predicted, num(r.confidence), r.why]),
      ),
      '',
    );
  }
  const unlabelled = evaluated.flatMap(({ set, results }) => results.filter((r) => r.status === 'unlabelled').map((r) => ({ set: set.name, r })));
  const skipped = evaluated.flatMap(({ set, skipped: map }) => [...map].map(([file, reason]) => ({ set: set.name, file, reason })));
  lines.push('## Not scored: series no label names, files extract skipped', '');
  lines.push(
    unlabelled.length === 0
      ? 'Every extracted series is labelled.'
      : table(
          ['set', 'series', 'predicted', 'confidence'],
          unlabelled.map(({ set, r }) => [set, r.key, r.predicted, num(r.confidence)]),
        ),
    '',
    skipped.length === 0
      ? 'No file skipped.'
      : table(
          ['set', 'file', 'reason'],
          skipped.map(({ set, file, reason }) => [set, file.replace(':', '/'), reason]),
        ),
    '',
  );
  return lines;
}

main().catch((error) => {
  process.stderr.write(`${formatError(error)}\n`);
  process.exit(exitCodeFor(error));
});
