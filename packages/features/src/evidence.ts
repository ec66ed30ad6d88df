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

/** One cell as evidence reads it: its numbers (timing in ms), its lower-case words, whether any value is present. */
export interface EvidenceCell {
  numbers: readonly number[];
  words: ReadonlySet<string>;
  present: boolean;
}

/** The parsed cell of a column (missing cells and absent columns read as missing). */
export type CellReader = (column: string) => EvidenceCell;

/** Parses one cleaned cell; the featurizer memoizes it per column and distinct cell, so evidence stays column-wise. */
export function evidenceCell(column: string, cell: Cell): EvidenceCell {
  const missing = isMissing(cell);
  return {
    numbers: numbersInMilliseconds(column, cellNumbers(cell)),
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

const numbers = (read: CellReader, column: string): readonly number[] => read(column).numbers;
const words = (read: CellReader, column: string): ReadonlySet<string> => read(column).words;
const present = (read: CellReader, column: string): boolean => read(column).present;
const max = (values: readonly number[]): number => values.reduce((a, b) => Math.max(a, b), -Infinity);
const distinct = (values: readonly number[]): number => new Set(values).size;
const any = (set: ReadonlySet<string>, tokens: readonly string[]): boolean => tokens.some((token) => set.has(token));

/** b-values (0–5000 s/mm²; larger numbers are not b-values, behaviour.md §1) from every b-value column. */
function allBValues(read: CellReader): number[] {
  return BVALUE_EVIDENCE_COLUMNS.flatMap((column) => numbers(read, column).filter((b) => b >= 0 && b <= 5000));
}

/** Short-TR, short-TE 3D non-EPI acquisition with a T1 flip angle: the shape of a DCE sequence. */
function isFastT1Volume(read: CellReader): boolean {
  const tr = numbers(read, 'repetition_time');
  const te = numbers(read, 'echo_time');
  const flip = numbers(read, 'flip_angle');
  return (
    words(read, 'mr_acquisition_type').has('3d') &&
    !words(read, 'scanning_sequence').has('ep') &&
    tr.length > 0 &&
    max(tr) < 10 &&
    te.length > 0 &&
    max(te) < 5 &&
    flip.length > 0 &&
    max(flip) >= 5
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
    const positions = numbers(read, 'number_of_temporal_positions');
    const identifiers = numbers(read, 'temporal_position_identifier');
    const times = Math.max(distinct(numbers(read, 'trigger_time')), distinct(numbers(read, 'acquisition_time')));
    const signals = [
      max(positions) > 1,
      max(identifiers) > 1,
      numbers(read, 'temporal_resolution').some((ms) => ms > 0),
      times >= 3,
      max(numbers(read, 'study_dynamic_phases')) >= 3,
      present(read, 'contrast_bolus_agent'),
      isFastT1Volume(read),
    ];
    const phases = Math.max(0, max(positions), max(identifiers), distinct(identifiers));
    return [signals.filter(Boolean).length, phases];
  },
};

const DIFFUSION_WORDS = ['diffusion', 'diff', 'trace', 'tracew', 'dwi', 'isodwi', 'bvalue'];

export const DIFFUSION_WEIGHTED: EvidenceDefinition = {
  name: 'diffusion_weighted',
  inputs: [...BVALUE_EVIDENCE_COLUMNS, 'image_type', 'diffusion_directionality', 'scanning_sequence', 'echo_time'],
  names: ['signals', 'bvalue_max', 'bvalue_sources'],
  compute(read) {
    const weighted = BVALUE_EVIDENCE_COLUMNS.filter((column) => numbers(read, column).some((b) => b > 0 && b <= 5000));
    const bValues = allBValues(read);
    const directionality = words(read, 'diffusion_directionality');
    const sequence = words(read, 'scanning_sequence');
    const signals = [
      weighted.length > 0,
      any(words(read, 'image_type'), DIFFUSION_WORDS),
      directionality.size > 0 && !directionality.has('none'),
      // spin-echo EPI at a diffusion echo time (BOLD EPI is gradient echo at shorter TE)
      sequence.has('ep') && (sequence.has('se') || max(numbers(read, 'echo_time')) >= 45),
    ];
    return [signals.filter(Boolean).length, bValues.length > 0 ? max(bValues) : -1, weighted.length];
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
    const imageType = words(read, 'image_type');
    const signals = [
      imageType.has('derived') && !any(imageType, WEIGHTED_IMAGE_WORDS),
      any(imageType, MAP_WORDS),
      !allBValues(read).some((b) => b > 0) && max(numbers(read, 'study_diffusion_siblings')) > 0,
    ];
    return [signals.filter(Boolean).length];
  },
};

export const EVIDENCE_DEFINITIONS: readonly EvidenceDefinition[] = [DYNAMIC, DIFFUSION_WEIGHTED, DERIVED_MAP];

const byName = new Map(EVIDENCE_DEFINITIONS.map((definition) => [definition.name, definition]));

export function evidenceDefinition(name: string): EvidenceDefinition | undefined {
  return byName.get(name);
}
