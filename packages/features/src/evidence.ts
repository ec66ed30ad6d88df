/**
 * Evidence features (feature spec version 3): derived features that read several columns, so
 * that no class hangs on one tag. Each counts independent signals for one physical property —
 * how many tags say the series is dynamic, diffusion-weighted, a derived map — rather than OR-ing
 * them, so the model sees how much evidence there is and a blank tag lowers the count by one
 * instead of erasing the property.
 *
 * Inputs are read by name; a column the table does not have reads as missing. Some are written
 * by other parts of MSC only in newer versions (diffusion_bvalue_csa, diffusion_bvalue_sequence,
 * study_dynamic_phases, study_diffusion_siblings, trigger_time, acquisition_time): the features
 * work with and without them. The columns actually read are recorded in the spec per feature,
 * so a model reads at prediction exactly what it read in training.
 */
import { type Cell, isMissing } from '@msc/core';
import { cellNumbers } from './numeric.js';
import { textPieces } from './tokenize.js';
import { numbersInMilliseconds } from './units.js';

/**
 * One cell as evidence reads it, reduced once per distinct cell to what the signals ask (so a
 * row's signals are a few comparisons, without allocation): numbers (timing in ms), words.
 */
export interface EvidenceCell {
  /** Largest number, -Infinity without one. */
  max: number;
  /** How many distinct numbers. */
  distinct: number;
  /** Largest b-value (numbers 0–5000 s/mm²; larger are not b-values, behaviour.md §1), -1 without one. */
  bMax: number;
  /** How many distinct b-values. */
  bCount: number;
  /** Lower-case word pieces. */
  words: ReadonlySet<string>;
  /** Whether any value is present. */
  present: boolean;
}

/** The parsed cell of a column (missing cells and absent columns read as missing). */
export type CellReader = (column: string) => EvidenceCell;

/** Parses one cleaned cell; the featurizer memoizes it per column and distinct cell, so evidence stays column-wise. */
export function evidenceCell(column: string, cell: Cell): EvidenceCell {
  const missing = isMissing(cell);
  const values = numbersInMilliseconds(column, cellNumbers(cell));
  const bValues = new Set(values.filter((b) => b >= 0 && b <= 5000));
  return {
    max: values.reduce((a, b) => Math.max(a, b), -Infinity),
    distinct: new Set(values).size,
    bMax: bValues.size > 0 ? Math.max(...bValues) : -1,
    bCount: bValues.size,
    words: new Set(missing ? [] : textPieces(String(cell).toLowerCase())),
    present:
      !missing &&
      String(cell)
        .split(/\s+/)
        .some((value) => !isMissing(value)),
  };
}

export interface EvidenceDefinition {
  /** The feature group's name (the spec's `column` of its features; not a table column). */
  name: string;
  /** Columns read. */
  inputs: readonly string[];
  /** Output names, in the order `compute` returns them. */
  names: readonly string[];
  compute(read: CellReader): number[];
}

/** b-value columns, the extracted ones and those other extractors add (read when present). */
export const BVALUE_EVIDENCE_COLUMNS = [
  'diffusion_bvalue',
  'diffusion_bvalue_ge',
  'diffusion_bvalue_siemens',
  'diffusion_bvalue_philips',
  'diffusion_bvalue_final',
  'diffusion_bvalue_csa',
  'diffusion_bvalue_sequence',
] as const;

const any = (set: ReadonlySet<string>, tokens: readonly string[]): boolean => tokens.some((token) => set.has(token));
const count = (...signals: boolean[]): number => signals.reduce((n, signal) => n + (signal ? 1 : 0), 0);

/** Largest b-value of every b-value column, -1 without one. */
function largestBValue(read: CellReader): number {
  let largest = -1;
  for (const column of BVALUE_EVIDENCE_COLUMNS) largest = Math.max(largest, read(column).bMax);
  return largest;
}

/** Short-TR, short-TE 3D non-EPI acquisition with a T1 flip angle: the shape of a DCE sequence. */
function isFastT1Volume(read: CellReader): boolean {
  // max is -Infinity without a value: `< 10` alone would hold for a blank cell
  const tr = read('repetition_time').max;
  const te = read('echo_time').max;
  return (
    read('mr_acquisition_type').words.has('3d') &&
    !read('scanning_sequence').words.has('ep') &&
    Number.isFinite(tr) &&
    tr < 10 &&
    Number.isFinite(te) &&
    te < 5 &&
    read('flip_angle').max >= 5
  );
}

export const DYNAMIC: EvidenceDefinition = {
  name: 'dynamic',
  inputs: [
    'number_of_temporal_positions',
    'temporal_position_identifier',
    'temporal_resolution',
    'trigger_time',
    'acquisition_time',
    'study_dynamic_phases',
    'contrast_bolus_agent',
    'mr_acquisition_type',
    'scanning_sequence',
    'repetition_time',
    'echo_time',
    'flip_angle',
  ],
  names: ['signals', 'phases'],
  compute(read) {
    const positions = read('number_of_temporal_positions').max;
    const identifiers = read('temporal_position_identifier');
    const times = Math.max(read('trigger_time').distinct, read('acquisition_time').distinct);
    const signals = count(
      positions > 1,
      identifiers.max > 1,
      read('temporal_resolution').max > 0,
      times >= 3,
      read('study_dynamic_phases').max >= 3,
      read('contrast_bolus_agent').present,
      isFastT1Volume(read),
    );
    return [signals, Math.max(0, positions, identifiers.max, identifiers.distinct)];
  },
};

const DIFFUSION_WORDS = ['diffusion', 'diff', 'trace', 'tracew', 'dwi', 'isodwi', 'bvalue'];

export const DIFFUSION_WEIGHTED: EvidenceDefinition = {
  name: 'diffusion_weighted',
  inputs: [...BVALUE_EVIDENCE_COLUMNS, 'image_type', 'diffusion_directionality', 'scanning_sequence', 'echo_time'],
  names: ['signals', 'bvalue_max', 'bvalue_sources'],
  compute(read) {
    let weighted = 0;
    for (const column of BVALUE_EVIDENCE_COLUMNS) if (read(column).bMax > 0) weighted += 1;
    const directionality = read('diffusion_directionality').words;
    const sequence = read('scanning_sequence').words;
    const signals = count(
      weighted > 0,
      any(read('image_type').words, DIFFUSION_WORDS),
      directionality.size > 0 && !directionality.has('none'),
      // spin-echo EPI at a diffusion echo time (BOLD EPI is gradient echo at shorter TE)
      sequence.has('ep') && (sequence.has('se') || read('echo_time').max >= 45),
    );
    return [signals, largestBValue(read), weighted];
  },
};

const MAP_WORDS = ['adc', 'eadc', 'fa', 'map', 'exp', 'adcmap'];
/** ImageType words of a diffusion-weighted image (a trace or calculated-b series is DERIVED too). */
const WEIGHTED_IMAGE_WORDS = ['trace', 'tracew', 'isodwi', 'dwi', 'calc', 'bvalue'];

export const DERIVED_MAP: EvidenceDefinition = {
  name: 'derived_map',
  inputs: [...BVALUE_EVIDENCE_COLUMNS, 'image_type', 'study_diffusion_siblings'],
  names: ['signals'],
  // Signals that a tag is present, plus one the brief asks for (no weighting while the study has
  // diffusion siblings); "an EPI without b-values" is left out: an export that drops the b-value
  // tags would turn every DWI into a map.
  compute(read) {
    const imageType = read('image_type').words;
    const signals = count(
      imageType.has('derived') && !any(imageType, WEIGHTED_IMAGE_WORDS),
      any(imageType, MAP_WORDS),
      !(largestBValue(read) > 0) && read('study_diffusion_siblings').max > 0,
    );
    return [signals];
  },
};

export const EVIDENCE_DEFINITIONS: readonly EvidenceDefinition[] = [DYNAMIC, DIFFUSION_WEIGHTED, DERIVED_MAP];

const byName = new Map(EVIDENCE_DEFINITIONS.map((definition) => [definition.name, definition]));

export function evidenceDefinition(name: string): EvidenceDefinition | undefined {
  return byName.get(name);
}
