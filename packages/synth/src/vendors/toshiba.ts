/**
 * Toshiba (before Canon): English, upper-case descriptions (`FSE T2 AXIAL`), ImageType
 * ORIGINAL\PRIMARY\OTHER, sequence names such as `EPI_SE` and `FE3D`; b-values in (0018,9087)
 * only where a gradient is applied (none on b = 0 images), or in a TOSHIBA_MEC_MR3 private block
 * MSC does not read (the element is illustrative). Its naming and identity share nothing with the
 * held-out CANON profile.
 */
import type { VendorData } from './vendor-data.js';

const DERIVED = ['DERIVED', 'SECONDARY', 'OTHER'];

export const TOSHIBA: VendorData = {
  vendor: 'TOSHIBA',
  manufacturer: 'TOSHIBA_MEC',
  models: { '1.5': ['EXCELART Vantage', 'Vantage Titan'], '3': ['Vantage Titan 3T', 'MRT-3010'] },
  softwareVersions: ['V3.5*R003', 'V4.5SP2001', 'V2.6*R002'],
  receiveCoils: ['Atlas Body', 'QD Whole Body', 'Atlas Head/Neck', 'Torso SPEEDER', 'Spine SPEEDER'],
  transmitCoils: ['Whole Body', 'QD Head'],
  bodyPart: 'PELVIS',
  planeWords: { axial: ['AXIAL', 'AX'], sagittal: ['SAG', 'SAGITTAL'], coronal: ['COR', 'CORONAL'] },
  imageType: ['ORIGINAL', 'PRIMARY', 'OTHER'],
  bValueTags: { standard: 0.5, private: 0.6, missing: 0.1, omitZero: true },
  privateBValue: { creator: 'TOSHIBA_MEC_MR3', group: 0x700d, element: 0x80, format: 'DS' },
  temporalTags: 0.8,
  triggerTime: 0.4,
  extraScanOptions: ['FS', 'PFP', 'FC', 'SAT', 'NP'],
  contrastAgents: ['Magnescope', 'Omniscan', ''],
  series: [
    { kind: 'localizer', descriptions: ['LOCATOR', 'SCOUT 3 PLANE', 'LOC'], sequenceName: 'FE2D' },
    { kind: 't2-axial', descriptions: ['FSE T2 AXIAL', 'T2 AX HIGH RES', 'PROSTATE T2 AX'], sequenceName: 'FSE' },
    { kind: 'localizer-single-shot', descriptions: ['FASE LOCATOR', 'FASE 3PLANE', 'FASE LOC {plane}'], sequenceName: 'FASE' },
    { kind: 't2-axial-single-shot', descriptions: ['FASE T2 AXIAL', 'FASE AX'], sequenceName: 'FASE' },
    { kind: 't2-sagittal', descriptions: ['FSE T2 SAGITTAL', 'T2 SAG'], sequenceName: 'FSE' },
    { kind: 't2-coronal', descriptions: ['FSE T2 CORONAL', 'T2 COR'], sequenceName: 'FSE' },
    { kind: 'flair', descriptions: ['FLAIR {plane}', 'FSE FLAIR {plane}'], sequenceName: 'FLAIR' },
    { kind: 'pd', descriptions: ['PD {plane}', 'FSE PD {plane}'], sequenceName: 'FSE' },
    { kind: 't2star', descriptions: ['FE T2STAR {plane}', 'GRE {plane}'], sequenceName: 'FE2D' },
    { kind: 't1-tse', descriptions: ['SE T1 {plane}', 'T1 {plane}'], sequenceName: 'SE' },
    { kind: 'dwi', descriptions: ['EPI DWI b800', 'DWI {plane} b1000', 'DIFFUSION {plane}', 'DWI ISO'], scanningSequence: 'EP\\SE', sequenceName: 'EPI_SE' },
    { kind: 'dwi-calculated', descriptions: ['cDWI b1500', 'COMPUTED DWI'], imageTypes: [DERIVED], scanningSequence: 'EP\\SE', sequenceName: 'EPI_SE' },
    { kind: 'dwi-tse', descriptions: ['FSE DWI {plane}', 'JET DWI'], sequenceName: 'FSE' },
    {
      kind: 'adc',
      descriptions: ['ADC', 'ADC MAP', 'ADC {plane}', 'APPARENT DIFFUSION COEFF'],
      imageTypes: [['DERIVED', 'SECONDARY', 'ADC'], ['DERIVED', 'SECONDARY', 'ADC'], DERIVED],
      scanningSequence: 'EP\\SE',
      sequenceName: 'EPI_SE',
    },
    { kind: 'se-epi-fieldmap', descriptions: ['EPI REVERSE PE', 'DISTORTION REF'], scanningSequence: 'EP\\SE', sequenceName: 'EPI_SE' },
    { kind: 'fa-map', descriptions: ['FA MAP', 'DTI FA'], imageTypes: [DERIVED], scanningSequence: 'EP\\SE', sequenceName: 'EPI_SE' },
    { kind: 'eadc', descriptions: ['EXP MAP', 'eADC MAP'], imageTypes: [DERIVED], scanningSequence: 'EP\\SE', sequenceName: 'EPI_SE' },
    { kind: 'bold', descriptions: ['fMRI BOLD', 'EPI BOLD {plane}', 'RESTING STATE'], scanningSequence: 'EP\\GR', sequenceName: 'EPI_FE' },
    { kind: 'asl', descriptions: ['ASL EPI', 'PCASL {plane}'], scanningSequence: 'EP\\GR', sequenceName: 'EPI_FE' },
    { kind: 'dsc', descriptions: ['PERFUSION EPI', 'DSC {plane}'], scanningSequence: 'EP\\GR', sequenceName: 'EPI_FE' },
    { kind: 'epi-reference', descriptions: ['EPI REF', 'EPI SCOUT'], scanningSequence: 'EP\\GR', sequenceName: 'EPI_FE' },
    { kind: 'dce', descriptions: ['DYNAMIC 3D FE', 'DCE QUICK3D', 'DYN {plane}'], sequenceName: 'FE3D' },
    { kind: 't1-3d-pre', descriptions: ['QUICK3D PRE', '3D FE T1 {plane}'], sequenceName: 'FE3D' },
    { kind: 't1-post', descriptions: ['QUICK3D POST', '3D FE T1 POST'], sequenceName: 'FE3D' },
    { kind: 'subtraction', descriptions: ['SUBTRACTION', 'DYN SUB'], imageTypes: [['DERIVED', 'SECONDARY', 'SUBTRACTION']], sequenceName: 'FE3D' },
    { kind: 'perfusion-map', descriptions: ['KTRANS', 'PERFUSION MAP'], imageTypes: [DERIVED], sequenceName: 'FE3D' },
    { kind: 'mip', descriptions: ['MIP', 'MIP SUB'], imageTypes: [['DERIVED', 'SECONDARY', 'MIP']], sequenceName: 'FE3D' },
    { kind: 't1-mprage', descriptions: ['3D MPRAGE', 'T1 3D IR FE'], sequenceName: 'FE3D' },
    { kind: 'fieldmap', descriptions: ['FIELD MAP', 'B0 MAP'], sequenceName: 'FE2D' },
    { kind: 'phase-map', descriptions: ['PHASE MAP', 'SWI PHASE'], imageTypes: [['ORIGINAL', 'PRIMARY', 'PHASE']], sequenceName: 'FE2D' },
    { kind: 't1-vfa', descriptions: ['3D FE FA{flip}', 'T1 MAP VFA', 'VFA FA{flip} {plane}'], sequenceName: 'FE3D' },
    { kind: 'b1-map', descriptions: ['B1 MAP', 'B1 CAL {plane}'], sequenceName: 'FE2D' },
    { kind: 'pd-reference', descriptions: ['3D FE PD REF', 'PD REF'], sequenceName: 'FE3D' },
    { kind: 'calibration', descriptions: ['SPEEDER CAL', 'COIL MAP'], sequenceName: 'FE3D' },
  ],
};
