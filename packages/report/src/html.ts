/**
 * ReportData → one self-contained HTML file: text and tables as HTML, charts drawn in the page by
 * Observable Plot (with d3), whose minified builds are inlined from node_modules so the file
 * opens offline and from any folder.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PAGE_SCRIPT } from './page-script.js';
import type { ErrorGroup, ReportData } from './report-data.js';

const require = createRequire(import.meta.url);

/** A package's file: the packages export only their entry points, so go from package.json's folder. */
function packageFile(name: string, file: string): { text: string; version: string } {
  // Resolve the entry, then walk up to the folder holding the package's package.json.
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version: string };
      if (manifest.name === name) return { text: readFileSync(join(dir, file), 'utf8'), version: manifest.version };
    } catch {
      // not this folder
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${file} of ${name}`);
    dir = parent;
  }
}

let libraries: { d3: { text: string; version: string }; plot: { text: string; version: string } } | undefined;
function chartLibraries() {
  libraries ??= { d3: packageFile('d3', 'dist/d3.min.js'), plot: packageFile('@observablehq/plot', 'dist/plot.umd.min.js') };
  return libraries;
}

const escapeHtml = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** Script text that cannot close its <script> element early. */
const inlineScript = (code: string) => code.replace(/<\/(script)/gi, '<\\/$1');
const f4 = (x: number | undefined | null) => (x === undefined || x === null || Number.isNaN(x) ? '–' : x.toFixed(4));

function table(headers: readonly string[], rows: readonly (readonly string[])[], className = ''): string {
  return `<table class="${className}"><thead><tr>${headers.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function figure(chart: string, caption: string, attributes: Record<string, string | number> = {}): string {
  const data = Object.entries(attributes)
    .map(([key, value]) => ` data-${key}="${escapeHtml(value)}"`)
    .join('');
  return `<figure class="chart" data-chart="${chart}"${data}><div class="plot"></div><figcaption>${caption}</figcaption></figure>`;
}

const missing = (why: string) => `<p class="missing">${why}</p>`;

const STYLE = `
:root { --ink: #1d2330; --muted: #5b6474; --line: #e3e6eb; --accent: #4c78a8; --bad: #c0392b; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fafbfc; }
header, main, footer { max-width: 1080px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 6px; }
p { margin: 6px 0; }
.meta, figcaption, .missing, footer { color: var(--muted); }
.missing { font-style: italic; }
nav { margin: 12px 0 0; font-size: 14px; }
nav a { color: var(--accent); margin-right: 14px; text-decoration: none; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { background: white; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 180px; }
.card .value { font-size: 24px; font-weight: 600; }
.card .label { color: var(--muted); font-size: 13px; }
figure.chart { background: white; border: 1px solid var(--line); border-radius: 8px; margin: 12px 0; padding: 12px; overflow-x: auto; }
figure.chart figcaption { font-size: 13px; margin-top: 6px; contain: inline-size; }
.grid { display: flex; flex-wrap: wrap; gap: 12px; }
.grid figure.chart { margin: 0; }
table { border-collapse: collapse; background: white; font-size: 13px; margin: 8px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f1f3f6; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.errors { width: 100%; }
/* long UIDs and descriptions wrap anywhere rather than run off the page */
table.errors td { overflow-wrap: anywhere; }
table.errors th, table.errors td { padding: 4px 6px; }
table.errors .uid { font-family: ui-monospace, monospace; font-size: 11px; color: var(--muted); }
.none { color: var(--muted); font-style: italic; }
td .bad { color: var(--bad); font-weight: 600; }
footer { font-size: 12px; padding: 32px 24px 40px; }
`;

const NONE = '<span class="none">–</span>';
/** Values of one cell, or a dash when there are none (a blank cell reads as a rendering fault). */
const listCell = (values: readonly string[]) => (values.length > 0 ? values.map(escapeHtml).join('<br>') : NONE);

/**
 * The misclassified series grouped (report-data's ErrorGroup), most confident group first. Columns no
 * group has a value for (centre, scanner, series group) are left out rather than shown empty.
 */
function errorTable(groups: readonly ErrorGroup[]): string {
  const series = groups.reduce((sum, g) => sum + g.series, 0);
  const columns: { header: string; cell: (g: ErrorGroup) => string; className?: string }[] = [
    { header: 'set', cell: (g) => escapeHtml(g.set) },
    { header: 'true', cell: (g) => escapeHtml(g.class) },
    { header: 'predicted', cell: (g) => `<span class="bad">${escapeHtml(g.prediction)}</span>` },
    ...(groups.some((g) => g.final !== undefined) ? [{ header: 'with rules', cell: (g: ErrorGroup) => escapeHtml(g.final ?? g.prediction) }] : []),
    { header: 'series', cell: (g) => String(g.series), className: 'num' },
    {
      header: 'confidence',
      cell: (g) =>
        g.confidence.max === null ? NONE : g.confidence.min === g.confidence.max ? f4(g.confidence.max) : `${f4(g.confidence.min)}–${f4(g.confidence.max)}`,
      className: 'num',
    },
    { header: 'series description', cell: (g) => (g.description === '' ? '<span class="none">none in the header</span>' : escapeHtml(g.description)) },
    ...(groups.some((g) => g.series_group !== undefined && g.series_group !== '')
      ? [{ header: 'series group', cell: (g: ErrorGroup) => (g.series_group ? escapeHtml(g.series_group) : NONE) }]
      : []),
    { header: 'vendor', cell: (g) => listCell(g.vendors) },
    ...(groups.some((g) => g.scanners.length > 0) ? [{ header: 'scanner', cell: (g: ErrorGroup) => listCell(g.scanners) }] : []),
    ...(groups.some((g) => g.centres.length > 0) ? [{ header: 'centre', cell: (g: ErrorGroup) => listCell(g.centres) }] : []),
    {
      header: 'series UIDs',
      cell: (g) =>
        g.series_uids.map((uid) => `<span class="uid">${escapeHtml(uid)}</span>`).join('<br>') +
        (g.series > g.series_uids.length ? `<br><span class="none">and ${g.series - g.series_uids.length} more</span>` : ''),
    },
  ];
  return `<p class="meta">${series} misclassified series in ${groups.length} group${groups.length > 1 ? 's' : ''} of alike series (same set, classes, description${columns.some((c) => c.header === 'series group') ? ', series group' : ''}), the most confident first.</p>
<table class="errors"><thead><tr>${columns.map((c) => `<th>${c.header}</th>`).join('')}</tr></thead><tbody>${groups
    .map((g) => `<tr>${columns.map((c) => `<td${c.className ? ` class="${c.className}"` : ''}>${c.cell(g)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function renderReport(data: ReportData): string {
  const { d3, plot } = chartLibraries();
  const main = data.main;
  const mainModel = main ? data.models.find((m) => m.exclusion === main.exclusion && m.percent === main.percent) : undefined;
  const cards = [
    ...(mainModel?.cv !== undefined ? [[f4(mainModel.cv), `cross-validated macro-F1 (${escapeHtml(main!.exclusion)}, ${main!.percent} %)`]] : []),
    ...(mainModel?.test !== undefined ? [[f4(mainModel.test), `test-set macro-F1 (${escapeHtml(main!.exclusion)}, ${main!.percent} %)`]] : []),
    ...data.evaluations.map((e) => [`${e.correct}/${e.series}`, `series right: ${escapeHtml(e.name)}`]),
  ];

  const sections: string[] = [];
  // Models
  const withModel = data.evaluations.some((e) => e.model !== undefined);
  const modelRows = [...data.models].sort((a, b) => (a.exclusion < b.exclusion ? -1 : a.exclusion > b.exclusion ? 1 : a.percent - b.percent));
  sections.push(`<section id="models"><h2>Models</h2>
${
  modelRows.length > 0
    ? table(
        ['model', 'columns left out', 'training data', 'cross-validated macro-F1', 'test-set macro-F1'],
        modelRows.map((m) => [escapeHtml(m.model), escapeHtml(m.exclusion), `${m.percent} %`, f4(m.cv), f4(m.test)]).map((r) => r),
      )
    : missing('No metric table was given.')
}
${
  data.evaluations.length > 0
    ? `<h3>Evaluation sets</h3>${table(
        ['set', ...(withModel ? ['model'] : []), 'series', 'right', 'macro-F1', 'calibration error (ECE)'],
        // a set given as predictions comes from a model the report knows no name for: said so, not left blank
        data.evaluations.map((e) => [
          escapeHtml(e.name),
          ...(withModel ? [e.model ? escapeHtml(e.model) : '<span class="none">given as predictions</span>'] : []),
          String(e.series),
          String(e.correct),
          f4(e.macroF1),
          f4(e.ece),
        ]),
      )}`
    : ''
}
</section>`);

  // Learning curves
  const percents = new Set(data.learning.map((p) => p.percent));
  sections.push(`<section id="learning"><h2>Learning curves</h2>
${percents.size > 1 ? figure('learning', 'Macro-F1 against the share of training studies a model was trained on, for each set of columns left out: cross-validated (out-of-fold) and on the held-out test set (the fold ensemble).') : missing(percents.size === 1 ? 'One training fraction only: no curve to draw (msc-train all trains 1–100 %).' : 'No metric table was given.')}
</section>`);

  // Confusion matrices
  sections.push(`<section id="confusion"><h2>Confusion matrices</h2>
${data.confusions.length > 0 ? `<div class="grid">${data.confusions.map((c, i) => figure('confusion', `${escapeHtml(c.title)}: ${c.errors} of ${c.total} series wrong (red outline).`, { index: i })).join('')}</div>` : missing('No confusion data.')}
</section>`);

  // Per-class F1
  sections.push(`<section id="per-class"><h2>F1 per class</h2>
${data.perClass.length > 0 ? figure('perClass', `F1 of each class (rows) for each set of columns left out${main ? `, models trained on ${main.percent} % of the training studies,` : ''} on the test set (cross-validated where no test set was scored), and on each evaluation set; with the number of series of the class.`) : missing('No per-class data.')}
</section>`);

  // Per group
  const groupings = [...new Set(data.groups.map((g) => g.grouping))];
  sections.push(`<section id="groups"><h2>F1 per vendor and centre</h2>
${groupings.length > 0 ? `<p class="meta">Macro-F1 over the classes each group has.</p>${groupings.map((g) => figure('groups', g.startsWith('leave-') ? `${escapeHtml(g)}: each group (row) held out in turn and predicted by models trained on the others, for each set of columns left out.` : `${escapeHtml(g[0]!.toUpperCase() + g.slice(1))} on each evaluation set.`, { grouping: g })).join('')}` : missing('No leave-one-group-out runs and no vendor or centre columns in the evaluation sets.')}
</section>`);

  // Importance
  const exclusions = [...new Set(data.importance.map((i) => i.exclusion))];
  sections.push(`<section id="importance"><h2>Feature importance</h2>
${exclusions.length > 0 ? `<p class="meta">The ${15} features with the largest mean |SHAP| value on validation rows (mean over folds, summed over classes), per set of columns left out.</p><div class="grid">${exclusions.map((e) => figure('importance', `columns left out: ${escapeHtml(e)}`, { exclusion: e })).join('')}</div>` : missing('No importance table was given.')}
</section>`);

  // Calibration
  sections.push(`<section id="calibration"><h2>Calibration</h2>
${
  data.calibration.length > 0
    ? `${figure('calibration', 'Accuracy of the series in each tenth of confidence (dot size: series count). On the dashed line a confidence of 0.9 means 9 in 10 right.')}${table(
        ['set', 'confidence', 'series', 'mean confidence', 'accuracy'],
        data.calibration.map((b) => [escapeHtml(b.set), `${b.lo.toFixed(1)}–${b.hi.toFixed(1)}`, String(b.series), f4(b.confidence), f4(b.accuracy)]),
      )}`
    : missing('No evaluation set with confidences was given.')
}
</section>`);

  // Errors
  sections.push(`<section id="errors"><h2>Errors</h2>
${data.evaluations.length === 0 ? missing('No evaluation set was given.') : data.errorGroups.length === 0 ? '<p>No series was misclassified.</p>' : errorTable(data.errorGroups)}
</section>`);

  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(data.title)}</h1>
<p class="meta">Made by msc-report on ${data.generated}${data.models.length > 0 ? ` · ${data.models.length} model${data.models.length > 1 ? 's' : ''}` : ''}${data.evaluations.length > 0 ? ` · ${data.evaluations.length} evaluation set${data.evaluations.length > 1 ? 's' : ''}` : ''}</p>
${data.notes.map((note) => `<p>${escapeHtml(note)}</p>`).join('\n')}
${cards.length > 0 ? `<div class="cards">${cards.map(([value, label]) => `<div class="card"><div class="value">${value}</div><div class="label">${label}</div></div>`).join('')}</div>` : ''}
<nav><a href="#models">Models</a><a href="#learning">Learning curves</a><a href="#confusion">Confusion</a><a href="#per-class">Per class</a><a href="#groups">Per vendor / centre</a><a href="#importance">Importance</a><a href="#calibration">Calibration</a><a href="#errors">Errors</a></nav>
</header>
<main>
${sections.join('\n')}
</main>
<footer>Charts drawn in this page by Observable Plot ${plot.version} and d3 ${d3.version} (ISC licence), included in this file: it opens offline.</footer>
<script id="report-data" type="application/json">${json}</script>
<script>${inlineScript(d3.text)}</script>
<script>${inlineScript(plot.text)}</script>
<script>${inlineScript(PAGE_SCRIPT)}</script>
</body>
</html>
`;
}
