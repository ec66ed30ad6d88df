/**
 * Study context: a series is labelled with its study's other series in view. Some scanners write
 * one acquisition as several series — the phases of a dynamic (DCE) scan one series per time point
 * (Siemens TWIST: no NumberOfTemporalPositions, no TemporalPositionIdentifier, no contrast agent
 * named), a diffusion scan's trace, ADC and calculated-b maps — and each such series alone looks
 * like little. This finds, within each study (study_uid, and patient_id when the rows have it):
 *
 * - **Dynamic groups**: series sharing the sequence name, TR/TE/flip/TI (rounded), ImageType's first
 *   value (ORIGINAL/DERIVED: subtractions stay apart from phases), geometry (orientation, pixel
 *   spacing, acquisition matrix, slice thickness; number of images within 10 %) that differ in
 *   acquisition time. They are phases of one dynamic scan only when there are **≥3 distinct
 *   times** whose steps are **regular** (no step more than 4× the median step but one pause of up
 *   to 5 min: pre-contrast phases, the injection, then the rest) and **short** (median
 *   step ≤ 180 s: a repeated T2 takes minutes per run and is rarely run three times). A
 *   variable-flip-angle T1 mapping set differs in flip angle, so it never groups; planes differ
 *   in orientation; an inversion-time set in TI; two runs of one scan are at most 2 and stay
 *   apart. Diffusion-weighted series are never phases (b-values written one series each).
 * - **Diffusion families**: diffusion-weighted series (a b-value > 0, or ImageType naming
 *   DIFFUSION, TRACE(W), ADC, FA, …, or a diffusion directionality) sharing orientation, pixel
 *   spacing and slice thickness: the trace, ADC, calculated-b and FA maps of one scan. When several
 *   acquired (ORIGINAL) diffusion series share that geometry, each derived map joins the one
 *   nearest in time.
 *
 * Columns (declared in core's tags.ts, STUDY_CONTEXT_COLUMNS): study_series_count,
 * study_dynamic_phases, study_dynamic_span, study_diffusion_siblings, series_group. Work is
 * hashing and sorting per study: O(n log n) in the study's series. A study of more than
 * MAX_STUDY_SERIES series (no real exam has that many; a table with a constant study_uid might)
 * gets only study_series_count, the rest missing, and is counted in `cappedStudies`.
 *
 * Times are seconds of the day (acquisition_time's earliest value, else series_time, else
 * trigger_time); a study crossing midnight sees its later phases as earlier, which only reorders
 * steps (their sizes, and so the test, are wrong only for the step across midnight).
 */
import { MISSING, STUDY_CONTEXT_COLUMN_NAMES, hasKeys, isMissing, rowCopier, rowFiller, type Cell, type Row } from '@msc/core';
import { cellNumbers } from './numeric.js';
import { textPieces } from './tokenize.js';

/** Largest study handled in full; bigger ones get study_series_count only. */
export const MAX_STUDY_SERIES = 5000;
/** Fewest distinct acquisition times that make a dynamic scan. */
export const MIN_DYNAMIC_PHASES = 3;
/** Longest median step between phases (seconds) of a dynamic scan. */
export const MAX_DYNAMIC_STEP_SECONDS = 180;
/** Largest step as a multiple of the median step (but one, see MAX_INJECTION_PAUSE_SECONDS). */
export const MAX_STEP_RATIO = 4;
/** The one step that may be longer: the pause for the injection after pre-contrast phases. */
export const MAX_INJECTION_PAUSE_SECONDS = 300;

/** The columns study context reads (prediction loads them beside the models' features). */
export const STUDY_CONTEXT_INPUT_COLUMNS: readonly string[] = [
  'patient_id',
  'study_uid',
  'series_uid',
  'series_number',
  'series_description',
  'sequence_name',
  'repetition_time',
  'echo_time',
  'flip_angle',
  'inversion_time',
  'image_type',
  'image_orientation_patient',
  'pixel_spacing',
  'acquisition_matrix',
  'slice_thickness',
  'number_of_images',
  'acquisition_time',
  'series_time',
  'trigger_time',
  'diffusion_bvalue_final',
  'diffusion_directionality',
];

export interface StudyContextOptions {
  /**
   * The rows are the caller's to change: a row that already has every study context column (a
   * reducer's `trailingColumns`) gets them written in place instead of being copied (60K series
   * rows copied were a tenth of predicting them). Rows without them are copied as usual.
   */
  inPlace?: boolean;
}

export interface StudyContextResult {
  /** The input rows, each with the study context columns added (new row objects, or the rows themselves with `inPlace`). */
  rows: Row[];
  /** False when no row has a study_uid: every series classified alone, the columns missing. */
  studyContext: boolean;
  /** Studies above MAX_STUDY_SERIES: only study_series_count computed. */
  cappedStudies: number;
}

interface SeriesFacts {
  index: number;
  seriesUid: string;
  seriesNumber: number;
  /** Seconds of the day, NaN when unknown. */
  time: number;
  images: number;
  dynamicKey: string;
  diffusionKey: string;
  diffusion: boolean;
  original: boolean;
}

const DIFFUSION_IMAGE_TYPES = new Set(['diffusion', 'trace', 'tracew', 'dwi', 'isodwi', 'adc', 'eadc', 'fa', 'bval']);
const DIFFUSION_DIRECTIONALITIES = new Set(['ISOTROPIC', 'DIRECTIONAL', 'BMATRIX']);

/** Adds study context to series rows (see the module comment). */
export function addStudyContext(rows: readonly Row[], options: StudyContextOptions = {}): StudyContextResult {
  const out = copiesWithContext(rows, options.inPlace === true);
  const studies = new Map<string, number[]>();
  // A study's series are mostly neighbours (rows sorted by key): a row with the previous row's
  // study and patient cells joins its study without a key made and looked up.
  let previous: Row | undefined;
  let previousMembers: number[] = [];
  rows.forEach((row, index) => {
    if (isMissing(row.study_uid) || isMissing(row.series_uid)) return;
    if (previous && row.study_uid === previous.study_uid && row.patient_id === previous.patient_id) {
      previousMembers.push(index);
      return;
    }
    const key = `${String(row.study_uid).trim()}\u0000${isMissing(row.patient_id) ? '' : String(row.patient_id).trim()}`;
    let members = studies.get(key);
    if (members) members.push(index);
    else studies.set(key, (members = [index]));
    previous = row;
    previousMembers = members;
  });
  let cappedStudies = 0;
  for (const members of studies.values()) {
    for (const index of members) out[index]!.study_series_count = members.length;
    if (members.length > MAX_STUDY_SERIES) {
      cappedStudies += 1;
      continue;
    }
    studyColumns(
      members.map((index) => factsOf(rows[index]!, index)),
      out,
    );
  }
  return { rows: out, studyContext: studies.size > 0, cappedStudies };
}

/**
 * Each row copied, with the study context columns after its own (MISSING for now). Copies start
 * from a template holding every key (one per run of rows with the same keys), so V8 keeps them
 * fast objects: adding five keys to a copy of a 50-column row made it a dictionary, and reading
 * its cells by column name (the featurizer) cost 4× more; spreading the row with the new
 * properties in one literal was 15× slower still.
 */
function copiesWithContext(rows: readonly Row[], inPlace: boolean): Row[] {
  let keys: string[] = [];
  let copy: (row: Row) => Row = () => ({});
  const missing = Object.fromEntries(STUDY_CONTEXT_COLUMN_NAMES.map((column) => [column, MISSING]));
  // Sets the columns MISSING where the row has them all (the cells a copy would hold, in place).
  const fill = inPlace ? rowFiller(missing) : undefined;
  return rows.map((row) => {
    if (!hasKeys(row, keys)) {
      keys = Object.keys(row);
      copy = (fill && STUDY_CONTEXT_COLUMN_NAMES.every((column) => keys.includes(column)) ? fill : rowCopier(keys, missing)) ?? slowCopier(keys);
    }
    return copy(row);
  });
}

/** `rowCopier`'s result for keys an object literal cannot hold (`__proto__`): a copy of a template holding every key. */
function slowCopier(keys: readonly string[]): (row: Row) => Row {
  const shape: Row = {};
  for (const column of [...keys, ...STUDY_CONTEXT_COLUMN_NAMES]) shape[column] = null;
  // JSON.parse builds an object with many keys in fast mode (computed keys added one by one do not).
  const template = JSON.parse(JSON.stringify(shape)) as Row;
  return (row) => {
    const copy: Row = Object.assign({ ...template }, row);
    for (const column of STUDY_CONTEXT_COLUMN_NAMES) copy[column] = MISSING;
    return copy;
  };
}

function studyColumns(series: SeriesFacts[], out: Row[]): void {
  const groupOf = new Map<number, string>();
  for (const s of series) {
    out[s.index]!.study_dynamic_phases = 1;
    out[s.index]!.study_dynamic_span = -1;
  }
  for (const cluster of dynamicClusters(series)) {
    const phases = dynamicPhases(cluster);
    if (!phases) continue;
    const id = groupId(cluster);
    for (const s of cluster) {
      out[s.index]!.study_dynamic_phases = phases.count;
      out[s.index]!.study_dynamic_span = phases.span;
      groupOf.set(s.index, id);
    }
  }
  const byDiffusionGeometry = groupBy(
    series.filter((s) => s.diffusion),
    (s) => s.diffusionKey,
  );
  for (const s of series) out[s.index]!.study_diffusion_siblings = (byDiffusionGeometry.get(s.diffusionKey)?.length ?? 0) - (s.diffusion ? 1 : 0);
  for (const family of byDiffusionGeometry.values()) {
    for (const members of diffusionFamilies(family)) {
      // A series already in a dynamic group stays there (a diffusion scan is not dynamic anyway).
      const free = members.filter((s) => !groupOf.has(s.index));
      if (free.length < 2) continue;
      const id = groupId(free);
      for (const s of free) groupOf.set(s.index, id);
    }
  }
  for (const s of series) out[s.index]!.series_group = groupOf.get(s.index) ?? s.seriesUid;
}

/** Series with one dynamic key, split where the number of images jumps by more than 10 %. */
function dynamicClusters(series: readonly SeriesFacts[]): SeriesFacts[][] {
  const clusters: SeriesFacts[][] = [];
  // Diffusion series are never phases: b-values split into series (or repeated DWI) look alike otherwise.
  for (const members of groupBy(
    series.filter((s) => !s.diffusion),
    (s) => s.dynamicKey,
  ).values()) {
    if (members.length < MIN_DYNAMIC_PHASES) continue;
    // An unknown count (a table without number_of_images) matches any: the other keys still hold.
    members.sort((a, b) => (Number.isNaN(a.images) ? -1 : Number.isNaN(b.images) ? 1 : a.images - b.images));
    let current: SeriesFacts[] = [];
    for (const s of members) {
      const first = current.find((member) => !Number.isNaN(member.images));
      if (first && !Number.isNaN(s.images) && !(s.images <= first.images * 1.1 || s.images === first.images)) {
        clusters.push(current);
        current = [];
      }
      current.push(s);
    }
    clusters.push(current);
  }
  return clusters.filter((cluster) => cluster.length >= MIN_DYNAMIC_PHASES);
}

/** Phase count and span (seconds) when the cluster's times make a dynamic scan, else undefined. */
function dynamicPhases(cluster: readonly SeriesFacts[]): { count: number; span: number } | undefined {
  const times = [...new Set(cluster.map((s) => s.time).filter(Number.isFinite))].sort((a, b) => a - b);
  if (times.length < MIN_DYNAMIC_PHASES) return undefined;
  const steps = times.slice(1).map((time, i) => time - times[i]!);
  const sorted = [...steps].sort((a, b) => a - b);
  const medianStep = sorted[sorted.length >> 1]!;
  if (!(medianStep > 0) || medianStep > MAX_DYNAMIC_STEP_SECONDS) return undefined;
  // One longer pause is allowed (the wait for the injection after pre-contrast phases), if short.
  const largest = sorted[sorted.length - 1]!;
  const secondLargest = sorted.length > 1 ? sorted[sorted.length - 2]! : 0;
  if (secondLargest > MAX_STEP_RATIO * medianStep || largest > Math.max(MAX_STEP_RATIO * medianStep, MAX_INJECTION_PAUSE_SECONDS)) return undefined;
  return { count: times.length, span: Math.round((times[times.length - 1]! - times[0]!) * 1000) / 1000 };
}

/**
 * One geometry's diffusion series split into scans: with at most one acquired (ORIGINAL) series
 * all are one family; with several, each series joins the acquired one nearest in time (then in
 * series number).
 */
function diffusionFamilies(members: readonly SeriesFacts[]): SeriesFacts[][] {
  const acquired = members.filter((s) => s.original);
  if (acquired.length <= 1) return [[...members]];
  const families = new Map<SeriesFacts, SeriesFacts[]>(acquired.map((s) => [s, [s]]));
  for (const s of members) {
    if (s.original) continue;
    let best = acquired[0]!;
    for (const candidate of acquired) if (closer(s, candidate, best)) best = candidate;
    families.get(best)!.push(s);
  }
  return [...families.values()];
}

function closer(s: SeriesFacts, candidate: SeriesFacts, best: SeriesFacts): boolean {
  const distance = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) ? Math.abs(a - b) : Number.POSITIVE_INFINITY);
  const dt = distance(s.time, candidate.time) - distance(s.time, best.time);
  if (dt !== 0 && !Number.isNaN(dt)) return dt < 0;
  return distance(s.seriesNumber, candidate.seriesNumber) < distance(s.seriesNumber, best.seriesNumber);
}

/** A group's id: the series_uid of its lowest-numbered series (ties: the smallest UID). */
function groupId(members: readonly SeriesFacts[]): string {
  let first = members[0]!;
  for (const s of members) {
    const a = Number.isFinite(s.seriesNumber) ? s.seriesNumber : Number.POSITIVE_INFINITY;
    const b = Number.isFinite(first.seriesNumber) ? first.seriesNumber : Number.POSITIVE_INFINITY;
    if (a < b || (a === b && s.seriesUid < first.seriesUid)) first = s;
  }
  return first.seriesUid;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const members = groups.get(key);
    if (members) members.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function factsOf(row: Row, index: number): SeriesFacts {
  const imageType = imageTypeFacts(row.image_type);
  const geometry = `${rounded(row.image_orientation_patient, 2)}|${rounded(row.pixel_spacing, 3)}|${rounded(row.slice_thickness, 1)}`;
  return {
    index,
    seriesUid: String(row.series_uid).trim(),
    seriesNumber: firstNumber(row.series_number),
    time: seriesTime(row),
    images: firstNumber(row.number_of_images),
    dynamicKey: `${text(row.sequence_name)}|${rounded(row.repetition_time, 1)}|${rounded(row.echo_time, 1)}|${rounded(row.flip_angle, 0)}|${rounded(
      row.inversion_time,
      0,
    )}|${imageType.first}|${geometry}|${text(row.acquisition_matrix)}`,
    diffusionKey: geometry,
    diffusion: diffusionByBValue(row.diffusion_bvalue_final) || imageType.diffusion || diffusionByDirectionality(row.diffusion_directionality),
    original: imageType.first === 'original',
  };
}

/** Cells a memo of `memoized` holds at most: unique-per-series cells must not grow it without end. */
const MEMO_CELLS = 65_536;
/** Lookups over which a memo counts the cells it knew (see `memoized`). */
const MEMO_WINDOW = 4096;
/** Windows a memo that knew few cells stays off before it looks again. */
const MEMO_REST_WINDOWS = 15;

/**
 * `compute` remembered per cell (bounded), for the per-series facts: an archive's series repeat
 * their cells (and a cell read from a table is often one string object, whose hash V8 keeps), and
 * working a fact out of a cell's text made a few strings and arrays each time (most of study
 * context's time and allocation on 60K series). A window of lookups that knew under an eighth of
 * its cells (a column of distinct values: times to the microsecond, jittered TE) turns the memo
 * off for the next windows: hashing and storing each new cell cost as much as the fact on a table
 * of all-distinct series. Without `numbers`, number cells are computed each time (a Map takes −0
 * for 0).
 */
function memoized<T>(compute: (cell: Cell | undefined) => T, numbers = false): (cell: Cell | undefined) => T {
  const known = new Map<Cell | undefined, T>();
  let lookups = 0;
  let found = 0;
  let rest = 0;
  return (cell) => {
    if (rest > 0) {
      rest -= 1;
      return compute(cell);
    }
    if (!numbers && typeof cell !== 'string') return compute(cell);
    let value = known.get(cell);
    if (value === undefined) {
      value = compute(cell);
      if (known.size < MEMO_CELLS) known.set(cell, value);
    } else found += 1;
    if (++lookups === MEMO_WINDOW) {
      if (found * 8 < lookups) rest = MEMO_REST_WINDOWS * MEMO_WINDOW;
      lookups = 0;
      found = 0;
    }
    return value;
  };
}

/** ImageType's first value (lower case, '' when none) and whether a value names a diffusion image. */
const imageTypeFacts = memoized((cell): { first: string; diffusion: boolean } => {
  const pieces = cell === undefined || isMissing(cell) ? [] : textPieces(String(cell).toLowerCase());
  return { first: pieces[0] ?? '', diffusion: pieces.some((piece) => DIFFUSION_IMAGE_TYPES.has(piece)) };
});

const diffusionByBValue = memoized((cell) => (cell === undefined || isMissing(cell) ? [] : cellNumbers(cell)).some((b) => b > 0 && b <= 5000));

const diffusionByDirectionality = memoized((cell) =>
  (cell === undefined || isMissing(cell) ? [] : String(cell).toUpperCase().split(/\s+/)).some((value) => DIFFUSION_DIRECTIONALITIES.has(value)),
);

/** The series' time of day in seconds: earliest acquisition time, else series time, else trigger time. */
function seriesTime(row: Row): number {
  for (const column of ['acquisition_time', 'series_time'] as const) {
    const earliest = earliestTime(row[column]);
    if (!Number.isNaN(earliest)) return earliest;
  }
  const triggers = isMissing(row.trigger_time) ? [] : cellNumbers(row.trigger_time!);
  return triggers.length > 0 ? Math.min(...triggers) / 1000 : Number.NaN;
}

/** The earliest of a cell's times (seconds of the day), NaN when it has none; by cell (a dynamic scan's phases repeat their times' cells). */
function earliestTime(cell: Cell | undefined): number {
  if (cell === undefined || isMissing(cell)) return Number.NaN;
  return earliestByCell(cell);
}

const earliestByCell = memoized((cell) => {
  const times = String(cell).split(/\s+/).map(secondsOfDay).filter(Number.isFinite);
  return times.length > 0 ? Math.min(...times) : Number.NaN;
}, true);

/** A DICOM TM (`HHMMSS.FFFFFF`, `HHMM`, or the old `HH:MM:SS.frac`) as seconds of the day; NaN when not one. */
export function secondsOfDay(tm: string): number {
  const match = /^(\d{2})(?::?(\d{2})(?::?(\d{2})(\.\d+)?)?)?$/.exec(tm.trim());
  if (!match) return Number.NaN;
  const [, hours, minutes = '0', seconds = '0', fraction = ''] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds) + (fraction ? Number(fraction) : 0);
}

const firstNumber = memoized((cell): number => {
  const values = cell === undefined || isMissing(cell) ? [] : cellNumbers(cell);
  return values.length > 0 ? values[0]! : Number.NaN;
});

const text = memoized((cell): string => (cell === undefined || isMissing(cell) ? '' : String(cell).trim().toLowerCase()));

/**
 * `rounded` results by decimals, then cell: most cells repeat across an archive's series (and a
 * cell read from a table is often one string object, whose hash V8 keeps; a key joining decimals
 * and cell was a new string to hash every call).
 */
const roundedByCell = [0, 1, 2, 3].map((decimals) => memoized((cell) => roundNumbers(cell!, decimals), true));

/** The cell's numbers rounded to `decimals` (−0 as 0), space-joined: a key that ignores float noise. */
function rounded(cell: Cell | undefined, decimals: 0 | 1 | 2 | 3): string {
  if (cell === undefined || isMissing(cell)) return '';
  return roundedByCell[decimals]!(cell);
}

function roundNumbers(cell: Cell, decimals: number): string {
  const values = cellNumbers(cell);
  // One number (most cells) needs no array of texts and join.
  if (values.length === 1) return roundedNumberText(values[0]!, decimals);
  return values.map((value) => roundedNumberText(value, decimals)).join(' ');
}

const POWERS_OF_TEN = [1, 10, 100, 1000];

/**
 * `String(Number(value.toFixed(decimals)))`, −0 as 0, for 0–3 decimals, without two number texts
 * made and one parsed (most of study context on a table of distinct cells). toFixed rounds the
 * exact value to the nearest multiple n/10^decimals; below 1e9, value × 10^decimals is within
 * 1.2e-7 of exact, so away from a half its nearest integer is n, and n / 10^decimals (two exact
 * numbers, a correctly rounded division) is the number parsing toFixed's text gives. Near a half,
 * toFixed decides.
 */
export function roundedNumberText(value: number, decimals: number): string {
  const scale = POWERS_OF_TEN[decimals]!;
  const scaled = value * scale;
  let r: number;
  if (Math.abs(scaled) < 1e9 && Math.abs(scaled - Math.floor(scaled) - 0.5) > 1e-6) r = Math.round(scaled) / scale;
  else r = Number(value.toFixed(decimals));
  return String(r === 0 ? 0 : r);
}
