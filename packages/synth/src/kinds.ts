/**
 * Series kinds: the physics of each kind of series, shared by every vendor. A kind fixes what
 * decides its class (sequence family, TE/TR/TI/flip, 2D/3D, diffusion weighting, temporal
 * positions, contrast, derived or not, and for T2W the axial plane) and nothing else: pixel
 * spacing, matrices, bandwidth, thickness, coils, orientation, phase direction, averages, SAR and
 * field strength are drawn for every series alike (nuisance.ts), so a model trained on the cohort
 * cannot tell classes apart by them. Vendor modules (vendors/*.ts) say how each scanner names and
 * tags a kind.
 *
 * Labels follow sequence-signatures.md: T2W is axial T2 TSE/FSE (rarely single-shot); T2 in other
 * planes, FLAIR, PD and T2* are Others; DWI needs diffusion weighting (b > 0) — b0-only series,
 * SE-EPI distortion scans, FA and exponential-ADC maps are Others; non-diffusion EPI (BOLD, ASL,
 * DSC perfusion, EPI references) is Others; DCE is a dynamic T1 spoiled GRE during contrast — a
 * single post-contrast phase, subtractions, MIPs, maps and multiphase EPI are Others. Every phase
 * of a split dynamic (one series per phase, native phases included) is DCE; a variable-flip-angle
 * set (same sequence and geometry, differing in flip, not time) is Others. DTI raw is DWI (b > 0),
 * its trace DWI, its tensor and FA maps Others.
 */
import type { ClassLabel } from '@msc/core';

/** A numeric range drawn uniformly, or a fixed value. */
export type Range = number | readonly [number, number];
export type Plane = 'axial' | 'sagittal' | 'coronal';
/**
 * Readout family: sets the bandwidth range and echo-train meaning (nuisance.ts), and whether a
 * series is EPI (Others holds as much EPI as DWI does).
 */
export type Readout = 'epi' | 'tse' | 'single-shot' | 'gre' | 'se';

export interface SeriesKind {
  id: string;
  label: ClassLabel;
  /** What the series is, in a few words. */
  about: string;
  readout: Readout;
  /** Standard spellings; a vendor may write its own (Philips DWI: SE, no EP). */
  scanningSequence: string;
  sequenceVariant: string;
  mrAcquisitionType: '2D' | '3D';
  /** Plane weights, drawn per series; `three-plane`: a localizer's three planes in one series. */
  planes: Readonly<Partial<Record<Plane | 'three-plane', number>>>;
  echoTime: Range;
  repetitionTime: Range;
  flipAngle: Range;
  echoTrainLength?: Range;
  inversionTime?: Range;
  /** Echoes per slice (EchoNumbers 1..n, one instance each): dual-echo fieldmaps. */
  echoes?: number;
  slices: readonly [number, number];
  /** Temporal positions (dynamic series), one instance per slice per position. */
  temporalPositions?: readonly [number, number];
  /**
   * Split-phase dynamic: with this probability the series is written as one series per phase
   * (`phases` of them, drawn skewed towards the low end; the first `nativePhases` before
   * contrast), each its own SeriesInstanceUID and SeriesNumber, without temporal-position tags or
   * contrast agent: only AcquisitionTime (and ContentTime/TriggerTime) tells the phases apart.
   */
  split?: { probability: number; phases: readonly [number, number]; slices: readonly [number, number]; nativePhases: readonly [number, number] };
  /** One series per flip angle, same geometry (variable-flip-angle T1 mapping); one set drawn per study. */
  flipAngleSeries?: readonly (readonly number[])[];
  /** Diffusion directions per b > 0 (DTI raw: one volume per b and direction, b = 0 once). */
  directions?: readonly [number, number];
  /**
   * Computed from another acquisition of the study (ADC from DWI, FA from DTI): where one of these
   * kinds was acquired, the series shares its geometry, timing and acquisition group and follows it.
   */
  derivedFrom?: readonly string[];
  /** b-value sets a site acquires, one drawn per series (one instance per slice per b-value). */
  bValues?: readonly (readonly number[])[];
  /** Acquired during or after contrast injection (the agent is named on these images). */
  contrast?: boolean;
  /** Computed from other series (maps, subtractions, calculated b-values): no acquisition b tags. */
  derived?: boolean;
  /** Pixel value scale (ADC maps run to ~3,000 ×10⁻⁶ mm²/s, magnitude images lower). */
  pixelScale: number;
  /** Probability that a study has this series (a vendor entry may override it). */
  frequency: number;
}

const AXIAL = { axial: 1 } as const;
const ANY_PLANE = { axial: 0.5, sagittal: 0.25, coronal: 0.25 } as const;
const MOSTLY_AXIAL = { axial: 0.85, sagittal: 0.08, coronal: 0.07 } as const;

/** Diffusion physics (spin-echo EPI, long TE and TR), shared by DWI, ADC and diffusion-derived maps. */
const DIFFUSION = {
  readout: 'epi',
  scanningSequence: 'EP\\SE',
  sequenceVariant: 'SK\\SP',
  mrAcquisitionType: '2D',
  echoTime: [50, 110],
  repetitionTime: [2500, 10000],
  flipAngle: 90,
  slices: [10, 30],
} as const;

/** T2 turbo spin echo; the plane decides T2W (axial) against Others. */
const T2_TSE = {
  readout: 'tse',
  scanningSequence: 'SE',
  sequenceVariant: 'SK\\SP',
  mrAcquisitionType: '2D',
  echoTime: [80, 135],
  repetitionTime: [2500, 7500],
  flipAngle: [90, 180],
  echoTrainLength: [8, 32],
  slices: [14, 30],
  pixelScale: 900,
} as const;

/** T1 3D spoiled gradient echo (VIBE, LAVA, THRIVE): DCE when dynamic, Others otherwise. */
const T1_3D_GRE = {
  readout: 'gre',
  scanningSequence: 'GR',
  sequenceVariant: 'SP\\SS',
  mrAcquisitionType: '3D',
  planes: { axial: 0.8, sagittal: 0.1, coronal: 0.1 },
  echoTime: [1, 3],
  repetitionTime: [3, 7],
  flipAngle: [9, 18],
  slices: [8, 16],
  pixelScale: 1500,
} as const;

/** Gradient-echo EPI without diffusion weighting (BOLD, DSC, references). */
const GRE_EPI = {
  readout: 'epi',
  scanningSequence: 'EP\\GR',
  sequenceVariant: 'SK',
  mrAcquisitionType: '2D',
  planes: { axial: 0.7, sagittal: 0.15, coronal: 0.15 },
  slices: [6, 16],
  pixelScale: 700,
} as const;

export const KINDS: readonly SeriesKind[] = [
  // T2W and its look-alikes
  { id: 't2-axial', label: 'T2W', about: 'axial T2 TSE/FSE', planes: AXIAL, frequency: 1, ...T2_TSE },
  {
    id: 't2-axial-single-shot',
    label: 'T2W',
    about: 'axial single-shot T2 (HASTE, SSFSE)',
    ...T2_TSE,
    readout: 'single-shot',
    planes: AXIAL,
    echoTime: [80, 110],
    repetitionTime: [1000, 3000],
    echoTrainLength: [60, 200],
    frequency: 0.05,
  },
  { id: 't2-sagittal', label: 'Others', about: 'sagittal T2 TSE', planes: { sagittal: 1 }, frequency: 0.8, ...T2_TSE },
  { id: 't2-coronal', label: 'Others', about: 'coronal T2 TSE', planes: { coronal: 1 }, frequency: 0.6, ...T2_TSE },
  {
    id: 'flair',
    label: 'Others',
    about: 'T2 FLAIR (inversion recovery, long TI)',
    ...T2_TSE,
    scanningSequence: 'SE\\IR',
    sequenceVariant: 'SK\\SP\\MP',
    planes: { axial: 0.6, sagittal: 0.2, coronal: 0.2 },
    echoTime: [80, 165],
    repetitionTime: [7000, 11000],
    inversionTime: [1800, 2800],
    frequency: 0.15,
  },
  {
    id: 'pd',
    label: 'Others',
    about: 'proton-density TSE (short TE, long TR)',
    ...T2_TSE,
    planes: ANY_PLANE,
    echoTime: [10, 40],
    repetitionTime: [2000, 4500],
    echoTrainLength: [5, 16],
    frequency: 0.1,
  },
  {
    id: 't2star',
    label: 'Others',
    about: 'T2* gradient echo',
    readout: 'gre',
    scanningSequence: 'GR',
    sequenceVariant: 'SP',
    mrAcquisitionType: '2D',
    planes: ANY_PLANE,
    echoTime: [12, 35],
    repetitionTime: [300, 900],
    flipAngle: [15, 30],
    slices: [14, 30],
    pixelScale: 700,
    frequency: 0.1,
  },
  {
    id: 't1-tse',
    label: 'Others',
    about: 'T1 TSE',
    readout: 'tse',
    scanningSequence: 'SE',
    sequenceVariant: 'SK\\SP',
    mrAcquisitionType: '2D',
    planes: ANY_PLANE,
    echoTime: [8, 30],
    repetitionTime: [350, 800],
    flipAngle: [90, 150],
    echoTrainLength: [2, 5],
    slices: [12, 24],
    pixelScale: 1200,
    frequency: 0.6,
  },

  // Diffusion: DWI, ADC and the look-alikes
  {
    id: 'dwi',
    label: 'DWI',
    about: 'diffusion-weighted EPI',
    ...DIFFUSION,
    planes: MOSTLY_AXIAL,
    bValues: [
      [50, 400, 800],
      [50, 800],
      [50, 500, 1000],
      [0, 100, 800],
      [0, 1000],
      [0, 800],
      [50, 1000],
      [100, 800],
      [0, 50, 400, 800, 1000],
      [0, 1500],
    ],
    pixelScale: 500,
    frequency: 1,
  },
  {
    id: 'dwi-calculated',
    label: 'DWI',
    about: 'calculated high b-value DWI',
    ...DIFFUSION,
    planes: MOSTLY_AXIAL,
    bValues: [[1400], [1500], [1600], [2000]],
    derived: true,
    derivedFrom: ['dwi'],
    pixelScale: 300,
    frequency: 0.5,
  },
  {
    id: 'dwi-tse',
    label: 'DWI',
    about: 'TSE-based DWI (rare: PROPELLER/BLADE diffusion)',
    ...DIFFUSION,
    readout: 'tse',
    scanningSequence: 'SE',
    sequenceVariant: 'SK',
    echoTime: [70, 110],
    repetitionTime: [2500, 6000],
    echoTrainLength: [10, 32],
    planes: MOSTLY_AXIAL,
    bValues: [
      [0, 800],
      [50, 1000],
      [0, 1000],
    ],
    pixelScale: 500,
    frequency: 0.03,
  },
  {
    id: 'adc',
    label: 'ADC',
    about: 'apparent diffusion coefficient map',
    ...DIFFUSION,
    planes: MOSTLY_AXIAL,
    derived: true,
    derivedFrom: ['dwi', 'dti'],
    pixelScale: 3000,
    frequency: 1,
  },
  {
    id: 'dti',
    label: 'DWI',
    about: 'DTI raw: b = 0 and one volume per direction and b > 0 (Siemens mosaics); diffusion weighting, so DWI',
    ...DIFFUSION,
    planes: MOSTLY_AXIAL,
    bValues: [
      [0, 1000],
      [0, 800],
      [0, 600],
      [0, 500, 1000],
    ],
    directions: [6, 30],
    pixelScale: 500,
    frequency: 0.08,
  },
  {
    id: 'dti-trace',
    label: 'DWI',
    about: 'isotropic (trace) image computed from a DTI acquisition',
    ...DIFFUSION,
    planes: MOSTLY_AXIAL,
    bValues: [[1000], [800], [0, 1000]],
    derived: true,
    derivedFrom: ['dti'],
    pixelScale: 400,
    frequency: 0.05,
  },
  {
    id: 'dti-tensor',
    label: 'Others',
    about: 'DTI tensor or colour FA map (derived, not diffusion-weighted images)',
    ...DIFFUSION,
    planes: MOSTLY_AXIAL,
    derived: true,
    derivedFrom: ['dti'],
    pixelScale: 1000,
    frequency: 0.05,
  },
  {
    id: 'b0-only',
    label: 'Others',
    about: 'diffusion sequence at b = 0 only (no diffusion weighting; its b = 0 is always written)',
    ...DIFFUSION,
    planes: MOSTLY_AXIAL,
    bValues: [[0]],
    pixelScale: 600,
    frequency: 0.1,
  },
  {
    id: 'se-epi-fieldmap',
    label: 'Others',
    about: 'spin-echo EPI distortion scan (reversed phase encoding; no diffusion gradients, so a shorter TE)',
    ...DIFFUSION,
    echoTime: [35, 70],
    planes: ANY_PLANE,
    slices: [10, 30],
    pixelScale: 600,
    frequency: 0.1,
  },
  {
    id: 'fa-map',
    label: 'Others',
    about: 'fractional anisotropy map (DTI-derived)',
    ...DIFFUSION,
    planes: MOSTLY_AXIAL,
    derived: true,
    derivedFrom: ['dti', 'dwi'],
    pixelScale: 1000,
    frequency: 0.05,
  },
  {
    id: 'eadc',
    label: 'Others',
    about: 'exponential ADC map (not an ADC map)',
    ...DIFFUSION,
    planes: MOSTLY_AXIAL,
    derived: true,
    derivedFrom: ['dwi'],
    pixelScale: 1000,
    frequency: 0.1,
  },

  // Non-diffusion EPI
  {
    id: 'bold',
    label: 'Others',
    about: 'BOLD fMRI (gradient-echo EPI, many volumes, no b-value)',
    ...GRE_EPI,
    echoTime: [20, 50],
    repetitionTime: [500, 3000],
    flipAngle: [50, 90],
    temporalPositions: [8, 24],
    frequency: 0.2,
  },
  {
    id: 'asl',
    label: 'Others',
    about: 'arterial spin labelling (PASL/pCASL label/control pairs)',
    ...GRE_EPI,
    echoTime: [10, 25],
    repetitionTime: [2500, 5000],
    flipAngle: 90,
    temporalPositions: [6, 20],
    frequency: 0.1,
  },
  {
    id: 'dsc',
    label: 'Others',
    about: 'DSC perfusion (gradient-echo EPI during contrast, many volumes)',
    ...GRE_EPI,
    echoTime: [25, 50],
    repetitionTime: [1000, 2000],
    flipAngle: [35, 90],
    temporalPositions: [15, 30],
    slices: [6, 12],
    contrast: true,
    frequency: 0.1,
  },
  {
    id: 'epi-reference',
    label: 'Others',
    about: 'single-volume EPI (SBRef, EPI calibration, EPI scout)',
    ...GRE_EPI,
    echoTime: [20, 45],
    repetitionTime: [1000, 8000],
    flipAngle: [50, 90],
    slices: [10, 40],
    frequency: 0.15,
  },

  // Gradient-echo and 3D T1
  {
    id: 'localizer',
    label: 'Others',
    about: 'localizer: three planes in one series, or one plane',
    readout: 'gre',
    scanningSequence: 'GR',
    sequenceVariant: 'SP',
    mrAcquisitionType: '2D',
    planes: { 'three-plane': 0.6, sagittal: 0.2, axial: 0.1, coronal: 0.1 },
    echoTime: [1.5, 5],
    repetitionTime: [4, 12],
    flipAngle: [15, 40],
    slices: [3, 9],
    pixelScale: 600,
    frequency: 1,
  },
  {
    id: 'localizer-single-shot',
    label: 'Others',
    about: 'single-shot T2 localizer (HASTE, SSFSE): three planes in one series, or a few sagittal or coronal slices',
    ...T2_TSE,
    readout: 'single-shot',
    planes: { 'three-plane': 0.65, sagittal: 0.25, coronal: 0.1 },
    echoTime: [80, 100],
    repetitionTime: [1000, 2000],
    echoTrainLength: [60, 200],
    slices: [3, 13],
    pixelScale: 700,
    frequency: 0.3,
  },
  {
    id: 'scout-3d',
    label: 'Others',
    about: '3D gradient-echo head scout (AAHead_Scout)',
    ...T1_3D_GRE,
    planes: { sagittal: 0.7, coronal: 0.15, axial: 0.15 },
    echoTime: [1.2, 1.6],
    repetitionTime: [3, 4],
    flipAngle: 8,
    slices: [20, 40],
    pixelScale: 600,
    frequency: 0.15,
  },
  {
    id: 'dce',
    label: 'DCE',
    about: 'dynamic T1 3D GRE during contrast injection',
    ...T1_3D_GRE,
    temporalPositions: [4, 16],
    split: { probability: 0.28, phases: [10, 80], slices: [15, 30], nativePhases: [1, 3] },
    contrast: true,
    frequency: 0.95,
  },
  {
    id: 't1-vfa',
    label: 'Others',
    about: 'variable-flip-angle T1 mapping: one 3D GRE series per flip angle, same geometry, no contrast (a DCE look-alike differing in flip, not time)',
    ...T1_3D_GRE,
    flipAngleSeries: [
      [2, 15],
      [2, 5, 10, 15],
      [3, 6, 9, 12, 15],
      [5, 10, 15],
      [2, 10, 20],
    ],
    slices: [8, 16],
    frequency: 0.12,
  },
  {
    id: 'b1-map',
    label: 'Others',
    about: 'B1 (transmit field) map: preparation-pulse turbo-FLASH or dual-angle GRE, low resolution',
    readout: 'gre',
    scanningSequence: 'GR',
    sequenceVariant: 'SP',
    mrAcquisitionType: '2D',
    planes: { axial: 0.7, sagittal: 0.15, coronal: 0.15 },
    echoTime: [1.5, 2.5],
    repetitionTime: [3000, 8000],
    flipAngle: [8, 60],
    slices: [6, 20],
    pixelScale: 1800,
    frequency: 0.12,
  },
  {
    id: 'pd-reference',
    label: 'Others',
    about: 'proton-density 3D turbo-FLASH reference (very short TE and TR, low flip), as acquired for T1 mapping or prescan normalisation',
    readout: 'gre',
    scanningSequence: 'GR',
    sequenceVariant: 'SP',
    mrAcquisitionType: '3D',
    planes: AXIAL,
    echoTime: [0.8, 1.8],
    repetitionTime: [2, 5],
    flipAngle: [3, 15],
    slices: [16, 40],
    pixelScale: 900,
    frequency: 0.15,
  },
  { id: 't1-3d-pre', label: 'Others', about: 'T1 3D GRE, one phase, before contrast', ...T1_3D_GRE, slices: [30, 60], frequency: 0.3 },
  { id: 't1-post', label: 'Others', about: 'T1 3D GRE, one phase, after contrast', ...T1_3D_GRE, slices: [30, 60], contrast: true, frequency: 0.3 },
  { id: 'subtraction', label: 'Others', about: 'DCE subtraction', ...T1_3D_GRE, derived: true, contrast: true, frequency: 0.3 },
  { id: 'mip', label: 'Others', about: 'maximum intensity projection of DCE', ...T1_3D_GRE, derived: true, contrast: true, slices: [1, 3], frequency: 0.2 },
  { id: 'perfusion-map', label: 'Others', about: 'Ktrans / iAUC perfusion map', ...T1_3D_GRE, derived: true, contrast: true, pixelScale: 200, frequency: 0.2 },
  {
    id: 't1-mprage',
    label: 'Others',
    about: 'T1 3D magnetisation-prepared GRE (MPRAGE, BRAVO)',
    ...T1_3D_GRE,
    scanningSequence: 'GR\\IR',
    sequenceVariant: 'SK\\SP\\MP',
    planes: { sagittal: 0.5, axial: 0.3, coronal: 0.2 },
    echoTime: [2, 5],
    repetitionTime: [1500, 2500],
    inversionTime: [800, 1200],
    flipAngle: [7, 12],
    slices: [30, 60],
    pixelScale: 1000,
    frequency: 0.1,
  },
  {
    id: 'fieldmap',
    label: 'Others',
    about: 'dual-echo gradient-echo fieldmap (magnitude)',
    readout: 'gre',
    scanningSequence: 'GR',
    sequenceVariant: 'SP',
    mrAcquisitionType: '2D',
    planes: ANY_PLANE,
    echoTime: [4, 7.5],
    repetitionTime: [400, 800],
    flipAngle: [40, 60],
    echoes: 2,
    slices: [10, 30],
    pixelScale: 800,
    frequency: 0.08,
  },
  {
    id: 'phase-map',
    label: 'Others',
    about: 'phase image (fieldmap phase difference, SWI phase)',
    readout: 'gre',
    scanningSequence: 'GR',
    sequenceVariant: 'SP',
    mrAcquisitionType: '2D',
    planes: ANY_PLANE,
    echoTime: [5, 25],
    repetitionTime: [400, 900],
    flipAngle: [15, 60],
    slices: [10, 30],
    pixelScale: 4000,
    frequency: 0.06,
  },
  {
    id: 'calibration',
    label: 'Others',
    about: 'coil sensitivity calibration (ASSET, SENSE, SPEEDER)',
    readout: 'gre',
    scanningSequence: 'GR',
    sequenceVariant: 'SP',
    mrAcquisitionType: '3D',
    planes: AXIAL,
    echoTime: [1, 2],
    repetitionTime: [3, 5],
    flipAngle: [1, 8],
    slices: [4, 6],
    pixelScale: 400,
    frequency: 0.4,
  },
];

const byId = new Map(KINDS.map((kind) => [kind.id, kind]));

export function kindOf(id: string): SeriesKind | undefined {
  return byId.get(id);
}
