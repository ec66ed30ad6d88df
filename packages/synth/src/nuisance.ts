/**
 * Nuisance values: header fields that do not decide a series' class, drawn for every series from
 * the same ranges whatever its kind (domain randomisation). Only the readout family (EPI or not)
 * shapes bandwidth and echo train, as physics does — and readouts are spread over the classes
 * (Others holds BOLD, ASL, DSC and EPI references; T2W single-shot TSE; DWI rarely TSE).
 */
import type { Random } from '@msc/core';
import type { Plane, Range, Readout, SeriesKind } from './kinds.js';

export function draw(random: Random, range: Range, decimals = 2): number {
  if (typeof range === 'number') return range;
  const value = range[0] + random.next() * (range[1] - range[0]);
  return Number(value.toFixed(decimals));
}

export const pick = <T>(random: Random, items: readonly T[]): T => items[random.int(items.length)]!;

/** Draws a key by weight. */
export function weighted<K extends string>(random: Random, weights: Readonly<Partial<Record<K, number>>>): K {
  const entries = Object.entries(weights) as [K, number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let roll = random.next() * total;
  for (const [key, w] of entries) {
    roll -= w;
    if (roll < 0) return key;
  }
  return entries[entries.length - 1]![0];
}

const BANDWIDTH: Readonly<Record<Readout, Range>> = {
  epi: [700, 4000],
  'single-shot': [250, 1000],
  tse: [80, 1000],
  gre: [100, 1000],
  se: [80, 400],
};

export interface Nuisance {
  /** In-plane pixel spacing (mm). */
  pixelSpacing: number;
  /** Reconstructed matrix (rows = columns) and field of view (mm): spacing × matrix. */
  matrix: number;
  fieldOfView: number;
  /** AcquisitionMatrix (0018,1310): frequency rows, frequency columns, phase rows, phase columns. */
  acquisitionMatrix: [number, number, number, number];
  inPlanePhaseEncoding: 'ROW' | 'COL';
  pixelBandwidth: number;
  sliceThickness: number;
  spacingBetweenSlices: number;
  numberOfAverages: number;
  percentPhaseFieldOfView: number;
  sar: number;
  /** Echo train of kinds without one of their own: EPI as scanners write it (1, or the EPI factor), gradient echo sometimes 1. */
  readoutEchoTrainLength?: number;
  /** In-plane rotation, tilt about the row and about the column direction (radians). */
  rotation: number;
  tilt: number;
  tilt2: number;
}

/** One series' nuisance values (the same draws for every kind; `readout` and 2D/3D shape a few). */
export function drawNuisance(random: Random, kind: Pick<SeriesKind, 'readout' | 'mrAcquisitionType'>, plane: Plane | 'three-plane'): Nuisance {
  // Pixel spacing 0.3–1.2 mm for most series, coarser (to 3.5 mm, as fMRI and perfusion are) for some, in every class.
  const spacing = random.next() < 0.88 ? draw(random, [0.3, 1.2], 4) : draw(random, [1.2, 3.5], 4);
  // A matrix (multiple of 16) that puts the field of view between 120 and 500 mm.
  const low = Math.max(64, Math.ceil(120 / spacing / 16) * 16);
  const high = Math.max(low, Math.min(1024, Math.floor(500 / spacing / 16) * 16));
  const matrix = low + 16 * random.int((high - low) / 16 + 1);
  const frequency = Math.max(64, Math.min(matrix, 2 * Math.round((matrix * draw(random, [0.35, 1], 3)) / 2)));
  const phase = Math.max(32, 2 * Math.round((frequency * draw(random, [0.5, 1], 3)) / 2));
  const inPlanePhaseEncoding = random.next() < 0.5 ? 'ROW' : 'COL';
  const threeD = kind.mrAcquisitionType === '3D';
  const sliceThickness = draw(random, threeD ? [0.5, 4] : [1.5, 8], 1);
  const epi = kind.readout === 'epi';
  const oblique = plane !== 'three-plane';
  const nuisance: Nuisance = {
    pixelSpacing: spacing,
    matrix,
    fieldOfView: Number((spacing * matrix).toFixed(2)),
    acquisitionMatrix: inPlanePhaseEncoding === 'ROW' ? [0, frequency, phase, 0] : [frequency, 0, 0, phase],
    inPlanePhaseEncoding,
    // GE writes EPI bandwidth over the whole readout: some EPI series reach several kHz.
    pixelBandwidth: draw(random, epi && random.next() < 0.1 ? [4000, 8000] : BANDWIDTH[kind.readout], 0),
    sliceThickness,
    spacingBetweenSlices: threeD ? sliceThickness : Number((sliceThickness * draw(random, [1, 1.5])).toFixed(2)),
    numberOfAverages: 1 + random.int(epi ? 8 : 4),
    percentPhaseFieldOfView: draw(random, [50, 100], 1),
    sar: draw(random, [0.005, 3.2], 3),
    rotation: oblique ? (random.next() - 0.5) * 1.2 : 0,
    tilt: oblique ? (random.next() - 0.5) * 1.1 : 0,
    tilt2: oblique ? (random.next() - 0.5) * 0.7 : 0,
  };
  if (epi) nuisance.readoutEchoTrainLength = random.next() < 0.5 ? 1 : 32 + random.int(97);
  else if (kind.readout === 'gre' && random.next() < 0.5) nuisance.readoutEchoTrainLength = 1;
  return nuisance;
}
