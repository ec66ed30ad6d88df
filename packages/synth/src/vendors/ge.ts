/**
 * GE (SIGNA): `Ax T2 FRFSE` style descriptions, ImageType ORIGINAL\PRIMARY\OTHER for nearly
 * everything (no diffusion word on DWI), EPI as EP\SE or EP\GR with EPI_GEMS, sequence names such
 * as `epi2` and `efgre3d`; b-values in (0018,9087) and GEMS_PARM_01 (0043,xx39) (first of four
 * values, sometimes with a 10⁹ offset).
 */
import type { VendorData } from './vendor-data.js';

const OTHER = ['ORIGINAL', 'PRIMARY', 'OTHER'];
const DERIVED = ['DERIVED', 'PRIMARY', 'OTHER'];

export const GE: VendorData = {
  vendor: 'GE',
  manufacturer: 'GE MEDICAL SYSTEMS',
  models: { '1.0': ['Signa HDe'], '1.5': ['Optima MR450w', 'SIGNA Artist', 'SIGNA Explorer', 'Signa HDxt'], '3': ['DISCOVERY MR750', 'SIGNA Architect', 'SIGNA Premier', 'DISCOVERY MR750w'] },
  softwareVersions: ['DV26.0_R03_2108.a', '27\\LX\\MR Software release:RX27.0_R02', 'MR29.1_EA_2214.b', '25\\LX\\MR Software release:DV25.0_R02_1549.b'],
  receiveCoils: ['32Ch Body', 'GEM AA', 'PA', 'Body', '32Ch Head', 'HNS Head', 'Endo', 'GEM PA'],
  transmitCoils: ['BODY', 'HEAD'],
  bodyPart: 'PELVIS',
  planeWords: { axial: ['Ax', 'AX', 'Axial'], sagittal: ['Sag', 'SAG'], coronal: ['Cor', 'COR'] },
  imageType: OTHER,
  bValueTags: { standard: 0.3, private: 1, missing: 0.05 },
  privateBValue: { creator: 'GEMS_PARM_01', group: 0x0043, element: 0x39, format: 'GE' },
  temporalTags: 0.9,
  extraScanOptions: ['FAST_GEMS', 'SAT_GEMS', 'NPW', 'FC', 'FS', 'TRF_GEMS', 'FILTERED_GEMS', 'PFF', 'ARC_GEMS'],
  contrastAgents: ['MULTIHANCE', 'Clariscan', 'Dotarem', ''],
  series: [
    { kind: 'localizer', descriptions: ['3-Plane Loc', '3 Plane Localizer', 'LOC', 'Loc'], sequenceVariant: 'SS', scanOptions: 'FAST_GEMS', sequenceName: 'fgre' },
    { kind: 't2-axial', descriptions: ['Ax T2 FRFSE', 'AX T2 PROPELLER', 'Ax T2 FSE HR', 'Ax T2 FSE small FOV'], sequenceVariant: 'SK\\OSP', scanOptions: 'FAST_GEMS\\FR_GEMS\\NPW', sequenceName: 'frfse' },
    { kind: 't2-axial-single-shot', descriptions: ['Ax SSFSE T2', 'AX T2 SSFSE'], sequenceVariant: 'SK\\OSP', scanOptions: 'FAST_GEMS\\SS_GEMS', sequenceName: 'ssfse' },
    { kind: 't2-sagittal', descriptions: ['Sag T2 FRFSE', 'SAG T2 FSE'], sequenceVariant: 'SK\\OSP', scanOptions: 'FAST_GEMS\\NPW', sequenceName: 'frfse' },
    { kind: 't2-coronal', descriptions: ['Cor T2 FRFSE', 'COR T2 FSE'], sequenceVariant: 'SK\\OSP', scanOptions: 'FAST_GEMS\\NPW', sequenceName: 'frfse' },
    { kind: 'flair', descriptions: ['{plane} FLAIR', '{plane} FLAIR FS', '{plane} T2FLAIR'], scanOptions: 'FAST_GEMS\\IR_GEMS', sequenceName: 'fse-ir' },
    { kind: 'pd', descriptions: ['{plane} PD FSE', '{plane} PD FS'], scanOptions: 'FAST_GEMS', sequenceName: 'fse-xl' },
    { kind: 't2star', descriptions: ['{plane} GRE T2star', '{plane} SWAN', '{plane} GRE'], sequenceName: 'fgre' },
    { kind: 't1-tse', descriptions: ['{plane} T1 FSE', '{plane} T1 pelvis'], sequenceVariant: 'SK', scanOptions: 'FAST_GEMS', sequenceName: 'fse' },
    { kind: 'dwi', descriptions: ['Ax DWI b50-1000', 'AX DWI 50,800', 'FOCUS DWI b1000', '{plane} DWI', '{plane} DIFFUSION'], sequenceVariant: 'NONE', scanOptions: 'EPI_GEMS\\ACC_GEMS\\FS', sequenceName: 'epi2' },
    { kind: 'dwi-calculated', descriptions: ['Ax DWI b1400 calc', 'eDWI b1500'], imageTypes: [DERIVED], sequenceVariant: 'NONE', scanOptions: 'EPI_GEMS\\FS', sequenceName: 'epi2' },
    { kind: 'dwi-tse', descriptions: ['{plane} PROPELLER DWI', 'PROP DWI'], scanOptions: 'FAST_GEMS\\PROP_GEMS', sequenceName: 'propdwi' },
    { kind: 'adc', descriptions: ['Apparent Diffusion Coefficient (mm2/s)', 'ADC (10^-6 mm2/s)'], imageTypes: [['DERIVED', 'PRIMARY', 'ADC', 'ADC'], ['DERIVED', 'PRIMARY', 'ADC', 'ADC'], DERIVED], sequenceVariant: 'NONE', scanOptions: 'EPI_GEMS\\FS', sequenceName: 'epi2' },
    { kind: 'b0-only', descriptions: ['{plane} DWI b0', 'DWI b0 only'], sequenceVariant: 'NONE', scanOptions: 'EPI_GEMS', sequenceName: 'epi2' },
    { kind: 'se-epi-fieldmap', descriptions: ['{plane} SE-EPI PEPOLAR', 'Reverse blip', 'RPE distortion'], sequenceVariant: 'NONE', scanOptions: 'EPI_GEMS', sequenceName: 'epi2' },
    { kind: 'fa-map', descriptions: ['FA', 'Fractional Aniso.'], imageTypes: [DERIVED], sequenceVariant: 'NONE', sequenceName: 'epi2' },
    { kind: 'eadc', descriptions: ['Exponential Apparent Diffusion Coefficient', 'eADC'], imageTypes: [DERIVED], sequenceVariant: 'NONE', sequenceName: 'epi2' },
    { kind: 'bold', descriptions: ['Axial EPI-FMRI', 'fMRI rest', 'BOLD resting state', '{plane} fMRI'], imageTypes: [['ORIGINAL', 'PRIMARY', 'EPI', 'NONE']], sequenceVariant: 'SS', scanOptions: 'EPI_GEMS\\PFF', sequenceName: 'epiRT' },
    { kind: 'asl', descriptions: ['{plane} pCASL EPI', 'eASL EPI'], imageTypes: [['ORIGINAL', 'PRIMARY', 'EPI', 'NONE'], OTHER], sequenceVariant: 'SS', scanOptions: 'EPI_GEMS', sequenceName: 'epi' },
    { kind: 'dsc', descriptions: ['{plane} Perfusion', 'PWI GRE-EPI', '{plane} DSC'], imageTypes: [['ORIGINAL', 'PRIMARY', 'EPI', 'NONE'], OTHER], sequenceVariant: 'SS', scanOptions: 'EPI_GEMS', sequenceName: 'epi' },
    { kind: 'epi-reference', descriptions: ['EPI Calibration', '{plane} EPI cal'], sequenceVariant: 'SS', scanOptions: 'EPI_GEMS', sequenceName: 'epi' },
    { kind: 'dce', descriptions: ['Ax DISCO', 'Ax 3D LAVA Flex DCE', 'DCE LAVA', '{plane} DISCO'], sequenceVariant: 'SS\\SK', scanOptions: 'FAST_GEMS\\EDR_GEMS\\ACC_GEMS', sequenceName: 'efgre3d' },
    { kind: 't1-3d-pre', descriptions: ['Ax LAVA pre', '{plane} LAVA-Flex', 'Ax LAVA'], sequenceVariant: 'SS\\SK', scanOptions: 'FAST_GEMS\\EDR_GEMS\\ACC_GEMS', sequenceName: 'efgre3d' },
    { kind: 't1-post', descriptions: ['Ax LAVA post', 'Ax T1 LAVA-Flex +C'], sequenceVariant: 'SS\\SK', scanOptions: 'FAST_GEMS\\EDR_GEMS\\ACC_GEMS', sequenceName: 'efgre3d' },
    { kind: 'subtraction', descriptions: ['SUB Ax DISCO', 'Subtraction'], imageTypes: [['DERIVED', 'PRIMARY', 'SUBTRACT']], sequenceVariant: 'SS\\SK', sequenceName: 'efgre3d' },
    { kind: 'perfusion-map', descriptions: ['Ktrans map', 'READY View Ktrans'], imageTypes: [['DERIVED', 'SECONDARY', 'OTHER']], sequenceVariant: 'SS\\SK', sequenceName: 'efgre3d' },
    { kind: 'mip', descriptions: ['MIP Ax DISCO', 'MIP SUB'], imageTypes: [['DERIVED', 'SECONDARY', 'MIP']], sequenceVariant: 'SS\\SK', sequenceName: 'efgre3d' },
    { kind: 't1-mprage', descriptions: ['Sag 3D BRAVO', 'BRAVO', '3D T1 BRAVO'], sequenceVariant: 'SS\\SK\\MP', scanOptions: 'FAST_GEMS\\EDR_GEMS\\IR_GEMS', sequenceName: 'efgre3d' },
    { kind: 'fieldmap', descriptions: ['B0 map', '{plane} B0MAP'], sequenceName: 'fgre' },
    { kind: 'phase-map', descriptions: ['{plane} SWAN phase', 'Filt_Phase', 'B0 map phase'], imageTypes: [['ORIGINAL', 'PRIMARY', 'PHASE']], sequenceName: 'fgre' },
    { kind: 'calibration', descriptions: ['Calibration', 'ASSET Cal'], sequenceVariant: 'SS', sequenceName: 'calib' },
  ],
};
