/**
 * Vendor profiles and series templates as data. A study draws one profile and walks its protocol;
 * each template says what the scanner writes for that kind of series. A new site or vendor (for
 * example a held-out "unseen" profile) is one more entry here, not new code.
 */
import type { ClassLabel } from '@msc/core';

export type Vendor = 'SIEMENS' | 'GE' | 'PHILIPS';
export type Plane = 'axial' | 'sagittal' | 'coronal' | 'three-plane';

/** A numeric range drawn uniformly, or a fixed value. */
export type Range = number | readonly [number, number];

export interface SeriesTemplate {
  /** Stable id (also used for misleading-name noise). */
  id: string;
  label: ClassLabel;
  descriptions: readonly string[];
  imageType: readonly string[];
  scanningSequence: string;
  sequenceVariant: string;
  scanOptions?: string;
  sequenceName?: string;
  plane: Plane;
  mrAcquisitionType: '2D' | '3D';
  echoTime: Range;
  repetitionTime: Range;
  flipAngle: Range;
  echoTrainLength?: Range;
  inversionTime?: Range;
  pixelBandwidth: Range;
  sliceThickness: Range;
  /** Reconstructed matrix (rows = columns). */
  matrix: number;
  fieldOfView: number;
  slices: readonly [number, number];
  /** b-values acquired in one series (one instance per slice per b-value). */
  bValues?: readonly number[];
  /** DCE: temporal positions; `splitPhases` writes one series per phase. */
  phases?: readonly [number, number];
  splitPhases?: number;
  contrast?: boolean;
  /** Probability that a study of this profile has this series. */
  frequency: number;
  /** Pixel value scale (ADC maps have their own, 0–3000 ×10⁻⁶ mm²/s). */
  pixelScale: number;
  /** Derived series (ADC, calculated b, maps) carry no acquisition b-value tags. */
  derived?: boolean;
}

export interface VendorProfile {
  vendor: Vendor;
  manufacturer: string;
  models: Readonly<Record<'1.5' | '3', readonly string[]>>;
  softwareVersions: readonly string[];
  receiveCoils: readonly string[];
  transmitCoil: string;
  /** Where b-values are written: the standard tag, the vendor's private tag, or both. */
  bValueTags: { standard: number; private: number };
  series: readonly SeriesTemplate[];
}

const T1_DCE_COMMON = {
  scanningSequence: 'GR',
  plane: 'axial',
  mrAcquisitionType: '3D',
  echoTime: [1.2, 2.1],
  repetitionTime: [3.4, 5.2],
  flipAngle: [9, 15],
  pixelBandwidth: [300, 600],
  sliceThickness: [2.5, 3.5],
  matrix: 192,
  fieldOfView: 260,
  slices: [8, 12],
  phases: [5, 8],
  contrast: true,
  frequency: 0.95,
  pixelScale: 1500,
} as const;

const DIFFUSION_COMMON = {
  scanningSequence: 'EP',
  plane: 'axial',
  mrAcquisitionType: '2D',
  echoTime: [55, 90],
  repetitionTime: [3000, 5500],
  flipAngle: 90,
  pixelBandwidth: [1200, 2000],
  sliceThickness: [3, 4],
  matrix: 128,
  fieldOfView: 220,
  slices: [10, 14],
} as const;

const T2_COMMON = {
  scanningSequence: 'SE',
  mrAcquisitionType: '2D',
  echoTime: [95, 120],
  repetitionTime: [3200, 7500],
  flipAngle: [120, 160],
  echoTrainLength: [16, 32],
  pixelBandwidth: [180, 260],
  sliceThickness: [3, 3.6],
  matrix: 384,
  fieldOfView: 200,
  slices: [14, 20],
  pixelScale: 900,
} as const;

export const PROFILES: readonly VendorProfile[] = [
  {
    vendor: 'SIEMENS',
    manufacturer: 'SIEMENS',
    models: { '1.5': ['Aera', 'Avanto', 'Avanto_fit'], '3': ['Skyra', 'Prisma', 'Vida'] },
    softwareVersions: ['syngo MR E11', 'syngo MR D13', 'syngo MR XA20'],
    receiveCoils: ['BO1', 'SP5', 'Body_18', 'HE1-4;SP3-6'],
    transmitCoil: 'Body',
    bValueTags: { standard: 0.6, private: 1 },
    series: [
      { id: 'localizer', label: 'Others', descriptions: ['localizer', 'AAHScout', 'localizer_3plane'], imageType: ['ORIGINAL', 'PRIMARY', 'M', 'NORM', 'DIS2D'], scanningSequence: 'GR', sequenceVariant: 'SP', sequenceName: '*fl2d1', plane: 'three-plane', mrAcquisitionType: '2D', echoTime: [3.5, 5], repetitionTime: [7.5, 9], flipAngle: 20, pixelBandwidth: 320, sliceThickness: [6, 8], matrix: 256, fieldOfView: 380, slices: [3, 9], frequency: 1, pixelScale: 600 },
      { id: 't2-axial', label: 'T2W', descriptions: ['t2_tse_tra', 't2_tse_tra_p2', 't2_tse_tra_320', 'T2 TSE TRA HR'], imageType: ['ORIGINAL', 'PRIMARY', 'M', 'NORM', 'DIS2D'], sequenceVariant: 'SK\\SP\\OSP', scanOptions: 'PFP\\SAT1', sequenceName: '*tse2d1_25', plane: 'axial', frequency: 1, ...T2_COMMON },
      { id: 't2-sagittal', label: 'Others', descriptions: ['t2_tse_sag', 't2_tse_sag_p2'], imageType: ['ORIGINAL', 'PRIMARY', 'M', 'NORM', 'DIS2D'], sequenceVariant: 'SK\\SP\\OSP', scanOptions: 'PFP', sequenceName: '*tse2d1_23', plane: 'sagittal', frequency: 0.8, ...T2_COMMON },
      { id: 't2-coronal', label: 'Others', descriptions: ['t2_tse_cor', 't2_tse_cor_p2'], imageType: ['ORIGINAL', 'PRIMARY', 'M', 'NORM', 'DIS2D'], sequenceVariant: 'SK\\SP\\OSP', scanOptions: 'PFP', sequenceName: '*tse2d1_23', plane: 'coronal', frequency: 0.6, ...T2_COMMON },
      { id: 'dwi', label: 'DWI', descriptions: ['ep2d_diff_b50_400_800_tra_TRACEW', 'ep2d_diff_tra_b50_800_TRACEW', 'RESOLVE_diff_tra_TRACEW'], imageType: ['DERIVED', 'PRIMARY', 'DIFFUSION', 'TRACEW', 'ND', 'NORM'], sequenceVariant: 'SK\\SP', scanOptions: 'PFP\\FS', sequenceName: '*ep_b800t', bValues: [50, 400, 800], frequency: 1, pixelScale: 500, ...DIFFUSION_COMMON },
      { id: 'dwi-calculated', label: 'DWI', descriptions: ['ep2d_diff_b50_400_800_tra_CALC_BVAL', 'ep2d_diff_tra_CALC_BVAL_b1400'], imageType: ['DERIVED', 'PRIMARY', 'DIFFUSION', 'CALC_BVALUE', 'TRACEW', 'ND'], sequenceVariant: 'SK\\SP', scanOptions: 'PFP\\FS', sequenceName: '*ep_b1400t', bValues: [1400], frequency: 0.7, pixelScale: 300, ...DIFFUSION_COMMON },
      { id: 'adc', label: 'ADC', descriptions: ['ep2d_diff_b50_400_800_tra_ADC', 'ep2d_diff_tra_ADC'], imageType: ['DERIVED', 'PRIMARY', 'DIFFUSION', 'ADC', 'ND', 'NORM'], sequenceVariant: 'SK\\SP', scanOptions: 'PFP\\FS', sequenceName: '*ep_b50_800', derived: true, frequency: 1, pixelScale: 3000, ...DIFFUSION_COMMON },
      { id: 't1-axial', label: 'Others', descriptions: ['t1_tse_tra', 't1_tse_tra_large_FOV'], imageType: ['ORIGINAL', 'PRIMARY', 'M', 'NORM', 'DIS2D'], scanningSequence: 'SE', sequenceVariant: 'SK\\SP\\OSP', sequenceName: '*tse2d1_3', plane: 'axial', mrAcquisitionType: '2D', echoTime: [10, 14], repetitionTime: [500, 750], flipAngle: [140, 150], echoTrainLength: 3, pixelBandwidth: 200, sliceThickness: [4, 5], matrix: 320, fieldOfView: 300, slices: [12, 18], frequency: 0.6, pixelScale: 1200 },
      { id: 'dce', label: 'DCE', descriptions: ['t1_vibe_dyn_tra', 't1_twist_tra_dyn', 'VIBE_DCE_tra'], imageType: ['ORIGINAL', 'PRIMARY', 'M', 'NORM', 'DIS3D', 'DIS2D'], sequenceVariant: 'SP\\OSP', scanOptions: 'PFP\\FS', sequenceName: '*fl3d1', splitPhases: 0.15, ...T1_DCE_COMMON },
      { id: 'subtraction', label: 'Others', descriptions: ['t1_vibe_dyn_tra_SUB', 'SUB_DCE'], imageType: ['DERIVED', 'PRIMARY', 'SUBTRACTION', 'NORM', 'DIS3D'], sequenceVariant: 'SP\\OSP', scanOptions: 'PFP\\FS', sequenceName: '*fl3d1', derived: true, ...T1_DCE_COMMON, phases: undefined, frequency: 0.3 },
      { id: 'perfusion-map', label: 'Others', descriptions: ['Ktrans', 'Tissue4D_Ktrans', 'iAUC'], imageType: ['DERIVED', 'SECONDARY', 'TISSUE4D', 'KTRANS'], sequenceVariant: 'SP\\OSP', sequenceName: '*fl3d1', derived: true, ...T1_DCE_COMMON, phases: undefined, frequency: 0.2, pixelScale: 200 },
      { id: 'mip', label: 'Others', descriptions: ['t1_vibe_dyn_tra_MIP_TRA', 'MIP_SUB'], imageType: ['DERIVED', 'SECONDARY', 'MIP', 'NORM'], sequenceVariant: 'SP\\OSP', sequenceName: '*fl3d1', derived: true, ...T1_DCE_COMMON, phases: undefined, slices: [1, 3], frequency: 0.2 },
      { id: 'calibration', label: 'Others', descriptions: ['Coil_Calibration', 'AdjCoilSens'], imageType: ['ORIGINAL', 'PRIMARY', 'M', 'ND'], scanningSequence: 'GR', sequenceVariant: 'SP', sequenceName: '*fl3d1', plane: 'axial', mrAcquisitionType: '3D', echoTime: 1.5, repetitionTime: 3, flipAngle: 5, pixelBandwidth: 800, sliceThickness: 8, matrix: 64, fieldOfView: 450, slices: [4, 6], frequency: 0.3, pixelScale: 400 },
    ],
  },
  {
    vendor: 'GE',
    manufacturer: 'GE MEDICAL SYSTEMS',
    models: { '1.5': ['Optima MR450w', 'SIGNA Artist', 'SIGNA Explorer'], '3': ['DISCOVERY MR750', 'SIGNA Architect', 'SIGNA Premier'] },
    softwareVersions: ['DV26.0_R03_2108.a', '27\\LX\\MR Software release:RX27.0_R02', 'MR29.1_EA_2214.b'],
    receiveCoils: ['32Ch Body', 'GEM AA', 'PA', 'Body'],
    transmitCoil: 'BODY',
    bValueTags: { standard: 0.3, private: 1 },
    series: [
      { id: 'localizer', label: 'Others', descriptions: ['3-Plane Loc', '3 Plane Localizer', 'LOC'], imageType: ['ORIGINAL', 'PRIMARY', 'OTHER'], scanningSequence: 'GR', sequenceVariant: 'SS', scanOptions: 'FAST_GEMS', sequenceName: 'fgre', plane: 'three-plane', mrAcquisitionType: '2D', echoTime: [1.5, 2], repetitionTime: [4.5, 6], flipAngle: 30, pixelBandwidth: 244, sliceThickness: [8, 10], matrix: 256, fieldOfView: 400, slices: [3, 9], frequency: 1, pixelScale: 600 },
      { id: 't2-axial', label: 'T2W', descriptions: ['Ax T2 FRFSE', 'AX T2 PROPELLER', 'Ax T2 FSE HR'], imageType: ['ORIGINAL', 'PRIMARY', 'OTHER'], sequenceVariant: 'SK\\OSP', scanOptions: 'FAST_GEMS\\FR_GEMS\\NPW', sequenceName: 'frfse', plane: 'axial', frequency: 1, ...T2_COMMON },
      { id: 't2-sagittal', label: 'Others', descriptions: ['Sag T2 FRFSE', 'SAG T2 FSE'], imageType: ['ORIGINAL', 'PRIMARY', 'OTHER'], sequenceVariant: 'SK\\OSP', scanOptions: 'FAST_GEMS\\NPW', sequenceName: 'frfse', plane: 'sagittal', frequency: 0.8, ...T2_COMMON },
      { id: 't2-coronal', label: 'Others', descriptions: ['Cor T2 FRFSE', 'COR T2 FSE'], imageType: ['ORIGINAL', 'PRIMARY', 'OTHER'], sequenceVariant: 'SK\\OSP', scanOptions: 'FAST_GEMS\\NPW', sequenceName: 'frfse', plane: 'coronal', frequency: 0.6, ...T2_COMMON },
      { id: 'dwi', label: 'DWI', descriptions: ['Ax DWI b50-1000', 'AX DWI 50,800', 'FOCUS DWI b1000'], imageType: ['ORIGINAL', 'PRIMARY', 'OTHER'], sequenceVariant: 'SK\\SS', scanOptions: 'EPI_GEMS\\ACC_GEMS\\FS', sequenceName: 'epi2', bValues: [50, 1000], frequency: 1, pixelScale: 500, ...DIFFUSION_COMMON },
      { id: 'dwi-calculated', label: 'DWI', descriptions: ['Ax DWI b1400 calc', 'eDWI b1500'], imageType: ['DERIVED', 'PRIMARY', 'OTHER'], sequenceVariant: 'SK\\SS', scanOptions: 'EPI_GEMS\\FS', sequenceName: 'epi2', bValues: [1400], frequency: 0.6, pixelScale: 300, ...DIFFUSION_COMMON },
      { id: 'adc', label: 'ADC', descriptions: ['Apparent Diffusion Coefficient (mm2/s)', 'ADC (10^-6 mm2/s)'], imageType: ['DERIVED', 'PRIMARY', 'ADC', 'ADC'], sequenceVariant: 'SK\\SS', scanOptions: 'EPI_GEMS\\FS', sequenceName: 'epi2', derived: true, frequency: 1, pixelScale: 3000, ...DIFFUSION_COMMON },
      { id: 't1-axial', label: 'Others', descriptions: ['Ax T1 FSE', 'AX T1 pelvis'], imageType: ['ORIGINAL', 'PRIMARY', 'OTHER'], scanningSequence: 'SE', sequenceVariant: 'SK', scanOptions: 'FAST_GEMS', sequenceName: 'fse', plane: 'axial', mrAcquisitionType: '2D', echoTime: [8, 12], repetitionTime: [450, 700], flipAngle: 90, echoTrainLength: 3, pixelBandwidth: 150, sliceThickness: [4, 5], matrix: 320, fieldOfView: 320, slices: [12, 18], frequency: 0.6, pixelScale: 1200 },
      { id: 'dce', label: 'DCE', descriptions: ['Ax DISCO', 'Ax 3D LAVA Flex DCE', 'DCE LAVA'], imageType: ['ORIGINAL', 'PRIMARY', 'OTHER'], sequenceVariant: 'SS\\SK', scanOptions: 'FAST_GEMS\\EDR_GEMS\\ACC_GEMS', sequenceName: 'efgre3d', splitPhases: 0.25, ...T1_DCE_COMMON },
      { id: 'subtraction', label: 'Others', descriptions: ['SUB Ax DISCO', 'Subtraction'], imageType: ['DERIVED', 'PRIMARY', 'SUBTRACT'], sequenceVariant: 'SS\\SK', sequenceName: 'efgre3d', derived: true, ...T1_DCE_COMMON, phases: undefined, frequency: 0.3 },
      { id: 'perfusion-map', label: 'Others', descriptions: ['Ktrans map', 'READY View Ktrans'], imageType: ['DERIVED', 'SECONDARY', 'OTHER'], sequenceVariant: 'SS\\SK', sequenceName: 'efgre3d', derived: true, ...T1_DCE_COMMON, phases: undefined, frequency: 0.2, pixelScale: 200 },
      { id: 'calibration', label: 'Others', descriptions: ['Calibration', 'ASSET Cal'], imageType: ['ORIGINAL', 'PRIMARY', 'OTHER'], scanningSequence: 'GR', sequenceVariant: 'SS', sequenceName: 'calib', plane: 'axial', mrAcquisitionType: '3D', echoTime: 1.4, repetitionTime: 3, flipAngle: 5, pixelBandwidth: 800, sliceThickness: 8, matrix: 64, fieldOfView: 480, slices: [4, 6], frequency: 0.5, pixelScale: 400 },
    ],
  },
  {
    vendor: 'PHILIPS',
    manufacturer: 'Philips Medical Systems',
    models: { '1.5': ['Ingenia', 'Achieva'], '3': ['Ingenia', 'Achieva dStream', 'Ingenia Elition X'] },
    softwareVersions: ['5.6.1\\5.6.1.2', '5.3.1\\5.3.1.0', '3.2.3\\3.2.3.2'],
    receiveCoils: ['MULTI COIL', 'SENSE-TORSO', 'dS Torso'],
    transmitCoil: 'B',
    bValueTags: { standard: 0.9, private: 0.7 },
    series: [
      { id: 'localizer', label: 'Others', descriptions: ['Survey', 'SURVEY_MST', 'sSurvey'], imageType: ['ORIGINAL', 'PRIMARY', 'M_FFE', 'M', 'FFE'], scanningSequence: 'GR', sequenceVariant: 'SS', sequenceName: '', plane: 'three-plane', mrAcquisitionType: '2D', echoTime: [4, 5], repetitionTime: [9, 12], flipAngle: 15, pixelBandwidth: 300, sliceThickness: [8, 10], matrix: 256, fieldOfView: 450, slices: [3, 9], frequency: 1, pixelScale: 600 },
      { id: 't2-axial', label: 'T2W', descriptions: ['T2W_TSE_ax', 'T2W_TSE_tra HR', 'T2 TSE ax'], imageType: ['ORIGINAL', 'PRIMARY', 'M_SE', 'M', 'SE'], sequenceVariant: 'SK', scanOptions: 'FS', sequenceName: '', plane: 'axial', frequency: 1, ...T2_COMMON },
      { id: 't2-sagittal', label: 'Others', descriptions: ['T2W_TSE_sag', 'T2 TSE sag'], imageType: ['ORIGINAL', 'PRIMARY', 'M_SE', 'M', 'SE'], sequenceVariant: 'SK', sequenceName: '', plane: 'sagittal', frequency: 0.8, ...T2_COMMON },
      { id: 't2-coronal', label: 'Others', descriptions: ['T2W_TSE_cor', 'T2 TSE cor'], imageType: ['ORIGINAL', 'PRIMARY', 'M_SE', 'M', 'SE'], sequenceVariant: 'SK', sequenceName: '', plane: 'coronal', frequency: 0.6, ...T2_COMMON },
      { id: 'dwi', label: 'DWI', descriptions: ['DWI_b0_1000', 'DWI_b50_800_1000', 'sDWI ax'], imageType: ['ORIGINAL', 'PRIMARY', 'M_SE', 'M', 'SE'], sequenceVariant: 'SK', scanOptions: 'FS', sequenceName: '', bValues: [0, 800, 1000], frequency: 1, pixelScale: 500, ...DIFFUSION_COMMON },
      { id: 'dwi-calculated', label: 'DWI', descriptions: ['DWI_b1500_calc', 'cDWI b2000'], imageType: ['DERIVED', 'PRIMARY', 'DIFFUSION', 'M', 'SE'], sequenceVariant: 'SK', sequenceName: '', bValues: [1500], frequency: 0.5, pixelScale: 300, ...DIFFUSION_COMMON },
      { id: 'adc', label: 'ADC', descriptions: ['dADC', 'DWI_b0_1000_ADC', 'ADC map'], imageType: ['DERIVED', 'PRIMARY', 'DIFFUSION', 'ADC', 'ADC'], sequenceVariant: 'SK', sequenceName: '', derived: true, frequency: 1, pixelScale: 3000, ...DIFFUSION_COMMON },
      { id: 't1-axial', label: 'Others', descriptions: ['T1W_TSE_ax', 'T1 TSE tra'], imageType: ['ORIGINAL', 'PRIMARY', 'M_SE', 'M', 'SE'], scanningSequence: 'SE', sequenceVariant: 'SK', sequenceName: '', plane: 'axial', mrAcquisitionType: '2D', echoTime: [8, 12], repetitionTime: [450, 650], flipAngle: 90, echoTrainLength: 4, pixelBandwidth: 220, sliceThickness: [4, 5], matrix: 320, fieldOfView: 300, slices: [12, 18], frequency: 0.6, pixelScale: 1200 },
      { id: 'dce', label: 'DCE', descriptions: ['DCE_THRIVE', 'eTHRIVE_dyn', 'T1 FFE dyn'], imageType: ['ORIGINAL', 'PRIMARY', 'M_FFE', 'M', 'FFE'], sequenceVariant: 'SS\\SP', scanOptions: 'FS', sequenceName: '', splitPhases: 0.1, ...T1_DCE_COMMON },
      { id: 'subtraction', label: 'Others', descriptions: ['SUB_DCE_THRIVE', 'sub eTHRIVE'], imageType: ['DERIVED', 'PRIMARY', 'SUBTRACTION', 'M', 'FFE'], sequenceVariant: 'SS\\SP', sequenceName: '', derived: true, ...T1_DCE_COMMON, phases: undefined, frequency: 0.3 },
      { id: 'mip', label: 'Others', descriptions: ['MIP_DCE', 'MIP sub'], imageType: ['DERIVED', 'SECONDARY', 'MIP', 'M', 'FFE'], sequenceVariant: 'SS\\SP', sequenceName: '', derived: true, ...T1_DCE_COMMON, phases: undefined, slices: [1, 3], frequency: 0.2 },
      { id: 'calibration', label: 'Others', descriptions: ['SENSE_ref', 'Ref_SENSE-TORSO'], imageType: ['ORIGINAL', 'PRIMARY', 'M_FFE', 'M', 'FFE'], scanningSequence: 'GR', sequenceVariant: 'SS', sequenceName: '', plane: 'axial', mrAcquisitionType: '3D', echoTime: 1.5, repetitionTime: 4, flipAngle: 1, pixelBandwidth: 900, sliceThickness: 10, matrix: 64, fieldOfView: 500, slices: [4, 6], frequency: 0.6, pixelScale: 400 },
    ],
  },
];

/** Descriptions a site may use instead of the vendor's, by class (foreign languages, habits). */
export const SITE_DESCRIPTIONS: Readonly<Record<ClassLabel, readonly string[]>> = {
  T2W: ['T2 transversal', 'T2 axial próstata', 'T2 ax prostata', 'PROSTATA T2 TRA'],
  DWI: ['Difusão b1000', 'Diffusion axiale', 'Diffusion b800 ax', 'DIFUSION PROSTATA'],
  ADC: ['Mapa ADC', 'carte ADC', 'ADC prostata'],
  DCE: ['Perfusión dinámica', 'Perfusion dynamique', 'T1 dinamico', 'DYNAMIK KM'],
  Others: ['Topograma', 'T1 sagital', 'Übersicht', 'Planificación'],
};

/** Descriptions that say nothing useful. */
export const GENERIC_DESCRIPTIONS: readonly string[] = ['', 'MR', 'Series', 'PROSTATE', 'MRI PELVIS'];

/** Misleading names: a series described as another kind (descriptions alone cannot be trusted). */
export const MISLEADING_DESCRIPTIONS: Readonly<Record<string, readonly string[]>> = {
  dce: ['t1_vibe_tra', 'T1 3D'],
  adc: ['dwi', 'DWI_tra'],
  'dwi-calculated': ['ADC_b1400_calc'],
  't2-sagittal': ['t2_tse'],
};
