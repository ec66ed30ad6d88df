/**
 * Held out (never in the default mix): a United Imaging (uMR) site. Title-case descriptions with
 * underscores (`T2_FSE_Tra`), ImageType ORIGINAL\PRIMARY\M with DWI/ADC words, sequence names
 * such as `fse_mx` and `epi_dwi`; b-values in (0018,9087) or only in a `Uih` private block MSC
 * does not read (the layout is illustrative). A second held-out vendor with non-diffusion EPI, so
 * the BOLD/ASL/DSC look-alikes are scored on naming no training profile uses.
 */
import type { VendorData } from './vendor-data.js';

const M = ['ORIGINAL', 'PRIMARY', 'M'];
const DERIVED = ['DERIVED', 'PRIMARY', 'M'];

export const UIH: VendorData = {
  vendor: 'UIH',
  heldOut: true,
  manufacturer: 'UIH',
  models: { '1.5': ['uMR 570', 'uMR 588'], '3': ['uMR 770', 'uMR 780', 'uMR 790', 'uMR Omega'] },
  softwareVersions: ['R004', 'R005.1', 'R006'],
  receiveCoils: ['Body Array 12', 'Head Neck 24', 'Spine 32', 'Body Array 24'],
  transmitCoils: ['Body'],
  bodyPart: 'PROSTATE',
  planeWords: { axial: ['Tra'], sagittal: ['Sag'], coronal: ['Cor'] },
  imageType: M,
  bValueTags: { standard: 0.6, private: 0.8, missing: 0.1 },
  privateBValue: { creator: 'Uih', group: 0x0065, element: 0x09, format: 'DS' },
  temporalTags: 0.8,
  triggerTime: 0.4,
  extraScanOptions: ['FS', 'PFP', 'SAT', 'FC', 'ACS'],
  contrastAgents: ['Gadoterate', 'Gadobutrol', ''],
  series: [
    { kind: 'localizer', descriptions: ['Scout_3Plane', 'Survey_Loc'], sequenceName: 'gre_loc' },
    { kind: 't2-axial', descriptions: ['T2_FSE_Tra', 'T2_FSE_Tra_HighRes', 'Prostate_T2_Tra'], sequenceName: 'fse_mx' },
    { kind: 'localizer-single-shot', descriptions: ['Loc_SSFSE_3P', 'Scout_SSFSE_{plane}'], sequenceName: 'ssfse' },
    { kind: 't2-axial-single-shot', descriptions: ['T2_SSFSE_Tra', 'SSFSE_Tra'], sequenceName: 'ssfse' },
    { kind: 't2-sagittal', descriptions: ['T2_FSE_Sag', 'Prostate_T2_Sag'], sequenceName: 'fse_mx' },
    { kind: 't2-coronal', descriptions: ['T2_FSE_Cor', 'Prostate_T2_Cor'], sequenceName: 'fse_mx' },
    { kind: 'flair', descriptions: ['Brain_FLAIR_{plane}', 'T2FLAIR_FSE_{plane}'], sequenceName: 'fse_ir' },
    { kind: 'pd', descriptions: ['PD_FSE_{plane}', 'PD_FS_{plane}'], sequenceName: 'fse_mx' },
    { kind: 't2star', descriptions: ['T2Star_GRE_{plane}', 'SWI_{plane}'], sequenceName: 'gre' },
    { kind: 't1-tse', descriptions: ['T1_FSE_{plane}', 'T1_SE_{plane}'], sequenceName: 'fse_mx' },
    {
      kind: 'dwi',
      descriptions: ['DWI_EPI_b50_800_{plane}', 'DWI_{plane}_b1000', 'Prostate_DWI'],
      imageTypes: [['ORIGINAL', 'PRIMARY', 'DWI'], M],
      scanningSequence: 'EP\\SE',
      sequenceName: 'epi_dwi',
    },
    {
      kind: 'dwi-calculated',
      descriptions: ['DWI_Calc_b1500', 'DWI_{plane}_cb2000'],
      imageTypes: [['DERIVED', 'PRIMARY', 'DWI']],
      scanningSequence: 'EP\\SE',
      sequenceName: 'epi_dwi',
    },
    {
      kind: 'adc',
      descriptions: ['ADC_{plane}', 'DWI_ADC', 'Prostate_ADC'],
      imageTypes: [['DERIVED', 'PRIMARY', 'ADC'], ['DERIVED', 'PRIMARY', 'ADC'], DERIVED],
      scanningSequence: 'EP\\SE',
      sequenceName: 'epi_dwi',
    },
    {
      kind: 'b0-only',
      descriptions: ['DWI_B0_Only_{plane}', 'EPI_b0_Ref'],
      imageTypes: [['ORIGINAL', 'PRIMARY', 'DWI']],
      scanningSequence: 'EP\\SE',
      sequenceName: 'epi_dwi',
    },
    {
      kind: 'fa-map',
      descriptions: ['DTI_FA_Map', 'FA_{plane}'],
      imageTypes: [['DERIVED', 'PRIMARY', 'FA']],
      scanningSequence: 'EP\\SE',
      sequenceName: 'epi_dti',
    },
    { kind: 'eadc', descriptions: ['eADC_{plane}', 'DWI_eADC'], imageTypes: [DERIVED], scanningSequence: 'EP\\SE', sequenceName: 'epi_dwi' },
    { kind: 'bold', descriptions: ['BOLD_Rest', 'fMRI_EPI_{plane}', 'rs_fMRI'], scanningSequence: 'EP\\GR', sequenceName: 'epi_bold' },
    { kind: 'asl', descriptions: ['ASL_3D', 'ASL_pCASL_{plane}'], scanningSequence: 'EP\\GR', sequenceName: 'epi_asl' },
    { kind: 'dsc', descriptions: ['DSC_Perfusion', 'PWI_{plane}'], scanningSequence: 'EP\\GR', sequenceName: 'epi_perf' },
    { kind: 'epi-reference', descriptions: ['EPI_Ref', 'BOLD_SBRef'], scanningSequence: 'EP\\GR', sequenceName: 'epi_bold' },
    { kind: 'dce', descriptions: ['DCE_Quick3D_{plane}', 'T1_Dyn_{plane}', 'Prostate_DCE'], sequenceName: 'quick3d' },
    { kind: 't1-3d-pre', descriptions: ['T1_Quick3D_{plane}', 'T1_Quick3D_Pre'], sequenceName: 'quick3d' },
    { kind: 't1-post', descriptions: ['T1_Quick3D_Post', 'T1_Quick3D_{plane}_C'], sequenceName: 'quick3d' },
    { kind: 'subtraction', descriptions: ['DCE_Sub', 'Quick3D_Subtraction'], imageTypes: [['DERIVED', 'PRIMARY', 'SUBTRACTION']], sequenceName: 'quick3d' },
    { kind: 'mip', descriptions: ['DCE_MIP', 'Sub_MIP'], imageTypes: [['DERIVED', 'SECONDARY', 'MIP']], sequenceName: 'quick3d' },
    { kind: 't1-mprage', descriptions: ['T1_MPRAGE_{plane}', 'T1_3D_GRE_IR'], sequenceName: 'gre_ir3d' },
    { kind: 'fieldmap', descriptions: ['B0_Map', 'FieldMap_GRE'], sequenceName: 'gre_fm' },
    { kind: 'phase-map', descriptions: ['B0_Map_Phase', 'SWI_Phase'], imageTypes: [['ORIGINAL', 'PRIMARY', 'P']], sequenceName: 'gre_fm' },
    {
      kind: 'dti',
      descriptions: ['DTI_{plane}_30dir', 'DTI_Prostate'],
      imageTypes: [['ORIGINAL', 'PRIMARY', 'DIFFUSION']],
      scanningSequence: 'EP\\SE',
      sequenceName: 'epi_dti',
    },
    {
      kind: 'dti-tensor',
      descriptions: ['DTI_ColFA_Map', 'DTI_Tensor_{plane}'],
      imageTypes: [['DERIVED', 'SECONDARY', 'TENSOR']],
      scanningSequence: 'EP\\SE',
      sequenceName: 'epi_dti',
    },
    { kind: 't1-vfa', descriptions: ['T1Map_Quick3D_FA{flip}', 'VFA_Quick3D_{plane}'], sequenceName: 'quick3d' },
    { kind: 'b1-map', descriptions: ['B1_Map_{plane}', 'B1Map'], sequenceName: 'gre_b1' },
    { kind: 'pd-reference', descriptions: ['PD_Ref_Quick3D', 'T1Map_PD_Ref'], sequenceName: 'quick3d' },
    { kind: 'calibration', descriptions: ['Coil_Sensitivity', 'uCS_Cal'], sequenceName: 'gre_cal' },
  ],
};
