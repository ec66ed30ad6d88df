/**
 * Derived features: numbers computed from one cell that mean the same on every vendor's scanner,
 * where the raw encodings do not travel.
 *
 * - image_orientation_patient: the five count/sum/min/max/mean numbers of six direction cosines
 *   are the same for an axial, a sagittal and a coronal plane (each is a permutation of the
 *   others), so the plane — the slice normal's largest component — is computed here.
 * - diffusion_bvalue_final: b-values are text (word terms such as `800`); a site's unseen set
 *   (`0 100 1000 1500`) shares few terms with the training sets, its largest value and count do.
 * - image_type: vendors spell the same thing differently (TRACEW, TRACE, DIFFUSION, DWI; SUB,
 *   SUBTRACT, SUBTRACTION); these flags group the spellings.
 * - contrast_bolus_agent: whether an agent is named at all, whatever its (brand) name.
 *
 * Each derived feature reads one column (predict loads the columns named by the features).
 */
import { type Cell, isMissing } from '@msc/core';
import { cellNumbers } from './numeric.js';
import { textPieces } from './tokenize.js';

export interface DerivedDefinition {
  /** The column the features are computed from. */
  column: string;
  /** Feature names, in the order `compute` returns their values. */
  names: readonly string[];
  /** Values for one cleaned cell (NaN = missing). */
  compute(cell: Cell): number[];
}

/** The plane of one orientation: the slice normal's largest component (x sagittal, y coronal, z axial). */
export function planeOf(iop: readonly number[]): Plane | undefined {
  const [r0, r1, r2, c0, c1, c2] = iop as [number, number, number, number, number, number];
  const n = [Math.abs(r1 * c2 - r2 * c1), Math.abs(r2 * c0 - r0 * c2), Math.abs(r0 * c1 - r1 * c0)];
  const largest = Math.max(n[0]!, n[1]!, n[2]!);
  if (!(largest > 0.1)) return undefined; // degenerate cosines (parallel or zero vectors)
  return n[2] === largest ? 'axial' : n[1] === largest ? 'coronal' : 'sagittal';
}

export const PLANES = ['axial', 'coronal', 'sagittal'] as const;
export type Plane = (typeof PLANES)[number];

/** The plane of each orientation in a series cell (six cosines each; distinct orientations one after another). */
export function planesOf(cell: Cell | undefined): Plane[] {
  const values = cell === undefined ? [] : cellNumbers(cell);
  const planes: Plane[] = [];
  if (values.length % 6 !== 0) return planes;
  for (let i = 0; i < values.length; i += 6) {
    const plane = planeOf(values.slice(i, i + 6));
    if (plane) planes.push(plane);
  }
  return planes;
}

/** Fraction of the cell's orientations in each plane, and how many planes occur; -1 without one. */
export function orientationFeatures(cell: Cell): number[] {
  const planes = planesOf(cell);
  if (planes.length === 0) return [-1, -1, -1, -1];
  const counts = { axial: 0, coronal: 0, sagittal: 0 };
  for (const plane of planes) counts[plane] += 1;
  return [...PLANES.map((plane) => counts[plane] / planes.length), PLANES.filter((plane) => counts[plane] > 0).length];
}

/** Largest b-value, smallest, and how many distinct ones (-1, -1, 0 without any). */
export function bValueFeatures(cell: Cell): number[] {
  // Values above 5000 s/mm² are not b-values (docs/behaviour.md §1).
  const values = [...new Set(cellNumbers(cell).filter((v) => v >= 0 && v <= 5000))];
  if (values.length === 0) return [-1, -1, 0];
  return [Math.max(...values), Math.min(...values), values.length];
}

const DIFFUSION_TOKENS = new Set(['diffusion', 'diff', 'trace', 'tracew', 'dwi', 'isodwi', 'bvalue']);
const SUBTRACTION_TOKENS = new Set(['sub', 'subtract', 'subtraction', 'subtracted']);
const PROJECTION_TOKENS = new Set(['mip', 'minip', 'mpr', 'projection']);

/** Flags (0/1) for diffusion, subtraction and projection spellings in an ImageType cell. */
export function imageTypeFeatures(cell: Cell): number[] {
  const pieces = isMissing(cell) ? [] : textPieces(String(cell).toLowerCase());
  const has = (tokens: ReadonlySet<string>) => (pieces.some((piece) => tokens.has(piece)) ? 1 : 0);
  return [has(DIFFUSION_TOKENS), has(SUBTRACTION_TOKENS), has(PROJECTION_TOKENS)];
}

/** 1 when any value names a contrast agent, else 0. */
export function contrastFeatures(cell: Cell): number[] {
  if (cell === null) return [0];
  const named = String(cell)
    .split(/\s+/)
    .some((value) => !isMissing(value));
  return [named ? 1 : 0];
}

export const DERIVED_DEFINITIONS: readonly DerivedDefinition[] = [
  { column: 'image_orientation_patient', names: ['plane_axial', 'plane_coronal', 'plane_sagittal', 'plane_count'], compute: orientationFeatures },
  { column: 'diffusion_bvalue_final', names: ['bvalue_max', 'bvalue_min', 'bvalue_count'], compute: bValueFeatures },
  { column: 'image_type', names: ['diffusion', 'subtraction', 'projection'], compute: imageTypeFeatures },
  { column: 'contrast_bolus_agent', names: ['present'], compute: contrastFeatures },
];

const byColumn = new Map(DERIVED_DEFINITIONS.map((definition) => [definition.column, definition]));

export function derivedDefinition(column: string): DerivedDefinition | undefined {
  return byColumn.get(column);
}
