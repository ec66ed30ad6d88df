/**
 * Tables → what the report shows, computed here (not in the page) so it is tested in Node and the
 * page only draws: learning curves, confusion matrices, per-class and per-group F1, feature
 * importance, calibration and the misclassified series. Inputs are the long tables msc-train
 * and msc-train all write, and per-series evaluation tables (msc-train all's test_predictions.csv,
 * or msc-predict's output joined with labels).
 */
import type { Row } from '@msc/core';
import { classificationMetrics, vendorOf } from '@msc/train';

export interface NamedRows {
  name: string;
  rows: readonly Row[];
}

export interface ReportInputs {
  title: string;
  /** Free text under the title (how the figures were made). */
  notes?: readonly string[];
  /** Long metric tables (model, exclusion, metric, value, true, pred, set, split, fold, fraction). */
  metrics?: readonly Row[];
  /** Leave-one-group-out metric tables by grouping name (centre, vendor). */
  logo?: readonly NamedRows[];
  /** Long importance tables (model, exclusion, class, value|shap, feature, fold, fraction). */
  importance?: readonly Row[];
  /** Per-series evaluation sets: truth, prediction, confidence, description, vendor, centre. */
  evaluations?: readonly NamedRows[];
}

export interface LearningPoint {
  exclusion: string;
  percent: number;
  split: string;
  macroF1: number;
}
export interface ModelRow {
  model: string;
  exclusion: string;
  percent: number;
  cv?: number;
  test?: number;
}
export interface ConfusionCell {
  true: string;
  pred: string;
  count: number;
}
export interface Confusion {
  title: string;
  classes: string[];
  cells: ConfusionCell[];
  total: number;
  errors: number;
}
export interface ClassF1 {
  source: string;
  class: string;
  f1: number;
  support: number;
}
export interface GroupF1 {
  grouping: string;
  source: string;
  group: string;
  macroF1: number;
  series: number;
}
export interface Importance {
  exclusion: string;
  feature: string;
  value: number;
}
export interface CalibrationBin {
  set: string;
  lo: number;
  hi: number;
  confidence: number;
  accuracy: number;
  series: number;
}
export interface EvaluationSummary {
  name: string;
  series: number;
  correct: number;
  macroF1: number;
  ece: number;
  model?: string;
}
export interface ErrorRow {
  set: string;
  study_uid: string;
  series_uid: string;
  class: string;
  prediction: string;
  confidence: number | null;
  description: string;
  vendor: string;
  centre: string;
  scanner: string;
  final?: string;
  /** The table's `series_group` (a series' place among its study's siblings), when it has the column. */
  series_group?: string;
}

/**
 * Misclassified series that look alike — same set, true class, prediction (and final label after the
 * rules), series description and series group — as one row of the error table: 70 copies of one
 * mistake read as one line with its count, not 70 lines.
 */
export interface ErrorGroup {
  set: string;
  class: string;
  prediction: string;
  final?: string;
  description: string;
  series_group?: string;
  series: number;
  /** Lowest and highest confidence of the group's series (null when the set has no confidences). */
  confidence: { min: number | null; max: number | null };
  vendors: string[];
  scanners: string[];
  centres: string[];
  /** The first MAX_UIDS_PER_GROUP series UIDs, most confident first; `series` counts them all. */
  series_uids: string[];
}

export interface ReportData {
  title: string;
  generated: string;
  notes: string[];
  /** The model the per-series sections show: exclusion and percent of the training data. */
  main?: { exclusion: string; percent: number };
  models: ModelRow[];
  learning: LearningPoint[];
  confusions: Confusion[];
  perClass: ClassF1[];
  groups: GroupF1[];
  importance: Importance[];
  calibration: CalibrationBin[];
  evaluations: EvaluationSummary[];
  errors: ErrorRow[];
  /** Errors left out of `errors` (it lists at most MAX_ERRORS series). */
  errorsOmitted: number;
  /** Every misclassified series, grouped: the error table's rows. */
  errorGroups: ErrorGroup[];
}

export const MAX_ERRORS = 300;
export const MAX_UIDS_PER_GROUP = 3;
const TOP_FEATURES = 15;

const text = (cell: unknown): string => (cell === null || cell === undefined ? '' : String(cell));
const num = (cell: unknown): number => (cell === null || cell === undefined || cell === '' ? Number.NaN : Number(cell));
const isWhole = (fold: unknown) => text(fold) === '-';
const percentOf = (fraction: unknown) => Math.round(num(fraction) * 10000) / 100;

/** The metric rows of whole models (fold `-`) for a split. */
function wholeModel(metrics: readonly Row[], split: string, metric: string): Row[] {
  return metrics.filter((row) => isWhole(row['fold']) && text(row['split']) === split && text(row['metric']) === metric);
}

/** Macro-F1 over the classes present in truth or prediction (a group's absent classes do not count as zero). */
export function presentClassMetrics(
  truth: readonly string[],
  predicted: readonly string[],
): { macroF1: number; accuracy: number; perClass: Map<string, { f1: number; support: number }>; classes: string[]; confusion: number[][] } {
  const classes = [...new Set([...truth, ...predicted])].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const m = classificationMetrics(
    truth.map((t) => index.get(t)!),
    predicted.map((p) => index.get(p)!),
    classes.length,
  );
  const perClass = new Map(classes.map((c, i) => [c, { f1: m.perClass[i]!.f1, support: m.perClass[i]!.support }]));
  // Classes only ever predicted (never true) are errors already counted in the others' precision.
  const trueClasses = classes.filter((c) => truth.includes(c));
  const macroF1 = trueClasses.reduce((sum, c) => sum + perClass.get(c)!.f1, 0) / Math.max(1, trueClasses.length);
  return { macroF1, accuracy: m.accuracy, perClass, classes, confusion: m.confusion };
}

/** An evaluation row in the report's terms; undefined when it has no truth or no prediction. */
interface Scored {
  study: string;
  series: string;
  truth: string;
  prediction: string;
  confidence: number;
  description: string;
  vendor: string;
  centre: string;
  scanner: string;
  final?: string;
  seriesGroup?: string;
}

function scored(row: Row): Scored | undefined {
  const truth = text(row['class'] ?? row['true'] ?? row['label']).trim();
  const prediction = text(row['prediction']).trim();
  if (truth === '' || prediction === '') return undefined;
  const manufacturer = text(row['manufacturer']);
  return {
    study: text(row['study_uid']),
    series: text(row['series_uid']),
    truth,
    prediction,
    confidence: num(row['confidence']),
    description: text(row['series_description'] ?? row['description']),
    vendor: text(row['vendor']) || (manufacturer ? vendorOf(manufacturer) : ''),
    centre: text(row['centre']),
    scanner: [manufacturer, text(row['manufacturer_model_name'])].filter((part) => part && part !== '-').join(' '),
    ...(row['prediction_heuristics'] !== undefined && text(row['prediction_heuristics']) !== prediction ? { final: text(row['prediction_heuristics']) } : {}),
    ...(row['series_group'] !== undefined ? { seriesGroup: text(row['series_group']) } : {}),
  };
}

export function buildReportData(inputs: ReportInputs, now = new Date()): ReportData {
  const metrics = inputs.metrics ?? [];
  const data: ReportData = {
    title: inputs.title,
    generated: now.toISOString().slice(0, 10),
    notes: [...(inputs.notes ?? [])],
    models: [],
    learning: [],
    confusions: [],
    perClass: [],
    groups: [],
    importance: [],
    calibration: [],
    evaluations: [],
    errors: [],
    errorsOmitted: 0,
    errorGroups: [],
  };

  // Models and learning curves: macro-F1 of each whole model, cross-validated and on the test set.
  const models = new Map<string, ModelRow>();
  for (const [split, key] of [
    ['cv', 'cv'],
    ['test_ensemble', 'test'],
  ] as const) {
    for (const row of wholeModel(metrics, split, 'macro_f1')) {
      const model: ModelRow = { model: text(row['model']), exclusion: text(row['exclusion']), percent: percentOf(row['fraction']) };
      const id = `${model.model}\u0000${model.exclusion}\u0000${model.percent}`;
      const entry = models.get(id) ?? model;
      entry[key] = num(row['value']);
      models.set(id, entry);
      data.learning.push({
        exclusion: model.exclusion,
        percent: model.percent,
        split: split === 'cv' ? 'cross-validation' : 'test set',
        macroF1: num(row['value']),
      });
    }
  }
  data.models = [...models.values()];
  if (data.models.length > 0) {
    const exclusions = [...new Set(data.models.map((m) => m.exclusion))];
    const exclusion = exclusions.includes('standard') ? 'standard' : exclusions[0]!;
    data.main = { exclusion, percent: Math.max(...data.models.filter((m) => m.exclusion === exclusion).map((m) => m.percent)) };
  }
  const main = data.main;
  const atMainPercent = (row: Row) => !main || percentOf(row['fraction']) === main.percent;

  // Confusion of the main model: cross-validated (out-of-fold) and on the test set.
  if (main) {
    for (const [split, name] of [
      ['cv', 'cross-validation'],
      ['test_ensemble', 'test set'],
    ] as const) {
      const cells = wholeModel(metrics, split, 'confusion').filter((row) => text(row['exclusion']) === main.exclusion && atMainPercent(row));
      if (cells.length === 0) continue;
      const classes = [...new Set(cells.map((row) => text(row['true'])))];
      const confusion = cells.map((row) => ({ true: text(row['true']), pred: text(row['pred']), count: num(row['value']) }));
      const total = confusion.reduce((sum, c) => sum + c.count, 0);
      const errors = confusion.filter((c) => c.true !== c.pred).reduce((sum, c) => sum + c.count, 0);
      data.confusions.push({ title: `${name}: ${main.exclusion}, ${main.percent} % of the training data`, classes, cells: confusion, total, errors });
    }
  }

  // Per-class F1 of every exclusion at the main fraction (test set when scored, else cross-validation).
  const f1Rows = [...wholeModel(metrics, 'test_ensemble', 'f1'), ...wholeModel(metrics, 'cv', 'f1')].filter(atMainPercent);
  const supportOf = new Map(
    wholeModel(metrics, 'test_ensemble', 'support')
      .concat(wholeModel(metrics, 'cv', 'support'))
      .map((row) => [`${text(row['split'])}\u0000${text(row['exclusion'])}\u0000${text(row['fraction'])}\u0000${text(row['true'])}`, num(row['value'])]),
  );
  const hasTest = new Set(wholeModel(metrics, 'test_ensemble', 'f1').map((row) => text(row['exclusion'])));
  for (const row of f1Rows) {
    const exclusion = text(row['exclusion']);
    const split = text(row['split']);
    if (split === 'cv' && hasTest.has(exclusion)) continue;
    data.perClass.push({
      source: split === 'cv' ? `${exclusion} (cross-validated)` : exclusion,
      class: text(row['true']),
      f1: num(row['value']),
      support: supportOf.get(`${split}\u0000${exclusion}\u0000${text(row['fraction'])}\u0000${text(row['true'])}`) ?? Number.NaN,
    });
  }

  // Leave-one-group-out: macro-F1 on each held-out group.
  for (const { name, rows } of inputs.logo ?? []) {
    const support = new Map<string, number>();
    for (const row of rows) {
      if (text(row['split']) === 'cv' && text(row['metric']) === 'support' && !isWhole(row['fold'])) {
        const key = `${text(row['exclusion'])}\u0000${text(row['fold'])}`;
        support.set(key, (support.get(key) ?? 0) + num(row['value']));
      }
    }
    for (const row of rows) {
      if (text(row['split']) !== 'cv' || text(row['metric']) !== 'macro_f1' || isWhole(row['fold'])) continue;
      data.groups.push({
        grouping: `leave-one-${name}-out`,
        source: text(row['exclusion']),
        group: text(row['fold']),
        macroF1: num(row['value']),
        series: support.get(`${text(row['exclusion'])}\u0000${text(row['fold'])}`) ?? Number.NaN,
      });
    }
  }

  // Feature importance of each exclusion's main-fraction model: mean over folds, summed over classes.
  const importance = new Map<string, Map<string, number>>();
  const foldsOf = new Map<string, Set<string>>();
  for (const row of (inputs.importance ?? []).filter(atMainPercent)) {
    const exclusion = text(row['exclusion']);
    const value = num(row['value'] ?? row['shap']);
    if (!Number.isFinite(value)) continue;
    const features = importance.get(exclusion) ?? new Map<string, number>();
    features.set(text(row['feature']), (features.get(text(row['feature'])) ?? 0) + value);
    importance.set(exclusion, features);
    foldsOf.set(exclusion, (foldsOf.get(exclusion) ?? new Set()).add(text(row['fold'])));
  }
  for (const [exclusion, features] of importance) {
    const folds = Math.max(1, foldsOf.get(exclusion)!.size);
    const top = [...features].sort((a, b) => b[1] - a[1]).slice(0, TOP_FEATURES);
    for (const [feature, value] of top) data.importance.push({ exclusion, feature, value: value / folds });
  }

  // Per-series evaluation sets (of the main model when the table holds several).
  for (const { name, rows } of inputs.evaluations ?? []) {
    const selected = rows.filter(
      (row) => !main || !('exclusion' in row) || (text(row['exclusion']) === main.exclusion && percentOf(row['fraction']) === main.percent),
    );
    const series = selected.map(scored).filter((s): s is Scored => s !== undefined);
    if (series.length === 0) continue;
    const overall = presentClassMetrics(
      series.map((s) => s.truth),
      series.map((s) => s.prediction),
    );
    // A grid's test predictions are the main model's test set, whose confusion and per-class F1
    // the metric table already gave.
    const fromGrid = selected.some((row) => 'exclusion' in row);
    if (!fromGrid)
      data.confusions.push({
        title: name,
        classes: overall.classes,
        cells: overall.classes.flatMap((t, i) => overall.classes.map((p, j) => ({ true: t, pred: p, count: overall.confusion[i]![j]! }))),
        total: series.length,
        errors: series.filter((s) => s.truth !== s.prediction).length,
      });
    if (!fromGrid) for (const [c, m] of overall.perClass) if (m.support > 0) data.perClass.push({ source: name, class: c, f1: m.f1, support: m.support });
    for (const [grouping, key] of [
      ['vendor', 'vendor'],
      ['centre', 'centre'],
    ] as const) {
      const groups = new Map<string, Scored[]>();
      for (const s of series) if (s[key] !== '' && s[key] !== '-') groups.set(s[key], [...(groups.get(s[key]) ?? []), s]);
      for (const [group, members] of [...groups].sort()) {
        data.groups.push({
          grouping: `by ${grouping}`,
          source: name,
          group,
          macroF1: presentClassMetrics(
            members.map((s) => s.truth),
            members.map((s) => s.prediction),
          ).macroF1,
          series: members.length,
        });
      }
    }
    const withConfidence = series.filter((s) => Number.isFinite(s.confidence));
    let ece = 0;
    for (let b = 0; b < 10; b++) {
      const lo = b / 10;
      const hi = (b + 1) / 10;
      const members = withConfidence.filter((s) => s.confidence >= lo && (s.confidence < hi || (b === 9 && s.confidence <= 1)));
      if (members.length === 0) continue;
      const confidence = members.reduce((sum, s) => sum + s.confidence, 0) / members.length;
      const accuracy = members.filter((s) => s.truth === s.prediction).length / members.length;
      ece += (members.length / withConfidence.length) * Math.abs(accuracy - confidence);
      data.calibration.push({ set: name, lo, hi, confidence, accuracy, series: members.length });
    }
    data.evaluations.push({
      name,
      series: series.length,
      correct: series.filter((s) => s.truth === s.prediction).length,
      macroF1: overall.macroF1,
      ece,
      ...(main && fromGrid ? { model: `${main.exclusion}, ${main.percent} %` } : {}),
    });
    const wrong = series.filter((s) => s.truth !== s.prediction).sort((a, b) => (b.confidence || 0) - (a.confidence || 0));
    for (const s of wrong) {
      if (data.errors.length >= MAX_ERRORS) {
        data.errorsOmitted += 1;
        continue;
      }
      data.errors.push({
        set: name,
        study_uid: s.study,
        series_uid: s.series,
        class: s.truth,
        prediction: s.prediction,
        confidence: Number.isFinite(s.confidence) ? s.confidence : null,
        description: s.description,
        vendor: s.vendor,
        centre: s.centre,
        scanner: s.scanner,
        ...(s.final ? { final: s.final } : {}),
        ...(s.seriesGroup !== undefined ? { series_group: s.seriesGroup } : {}),
      });
    }
    data.errorGroups.push(...groupErrors(name, wrong));
  }
  return data;
}

/** A cell with nothing in it: empty, `-` or `nan` as tables write missing values. */
const isBlank = (value: string) => ['', '-', 'nan'].includes(value.trim().toLowerCase());
const distinct = (values: string[]) => [...new Set(values.filter((value) => !isBlank(value)))].sort();

/** `wrong` most confident first → its groups, the most confident group first (then the largest). */
function groupErrors(set: string, wrong: readonly Scored[]): ErrorGroup[] {
  const groups = new Map<string, Scored[]>();
  for (const s of wrong) {
    const key = JSON.stringify([s.truth, s.prediction, s.final ?? '', isBlank(s.description) ? '' : s.description.trim(), s.seriesGroup ?? '']);
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const confidences = (members: Scored[]) => members.map((s) => s.confidence).filter(Number.isFinite);
  return [...groups.values()]
    .map((members): ErrorGroup => {
      const first = members[0]!;
      const known = confidences(members);
      return {
        set,
        class: first.truth,
        prediction: first.prediction,
        ...(first.final ? { final: first.final } : {}),
        description: isBlank(first.description) ? '' : first.description.trim(),
        ...(first.seriesGroup !== undefined ? { series_group: first.seriesGroup } : {}),
        series: members.length,
        confidence: known.length > 0 ? { min: Math.min(...known), max: Math.max(...known) } : { min: null, max: null },
        vendors: distinct(members.map((s) => s.vendor)),
        scanners: distinct(members.map((s) => s.scanner)),
        centres: distinct(members.map((s) => s.centre)),
        series_uids: members.slice(0, MAX_UIDS_PER_GROUP).map((s) => s.series),
      };
    })
    .sort((a, b) => (b.confidence.max ?? -1) - (a.confidence.max ?? -1) || b.series - a.series);
}
