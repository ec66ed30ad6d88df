/**
 * Philips (Ingenia, Achieva): `T2W_TSE_ax` style descriptions, ImageType M_SE/M_FFE/M_IR, empty
 * sequence names, and EPI not spelled EP: diffusion is SE, BOLD/ASL/DSC are GR; b-values in
 * (0018,9087) and Philips Imaging DD 001 (2001,xx03) as a float.
 */
import type { VendorData } from './vendor-data.js';

const M_SE = ['ORIGINAL', 'PRIMARY', 'M_SE', 'M', 'SE'];
const M_FFE = ['ORIGINAL', 'PRIMARY', 'M_FFE', 'M', 'FFE'];
const M_IR = ['ORIGINAL', 'PRIMARY', 'M_IR', 'M', 'IR'];

export const PHILIPS: VendorData = {
  vendor: 'PHILIPS',
  manufacturer: 'Philips Medical Systems',
  models: { '1.0': ['Panorama HFO'], '1.5': ['Ingenia', 'Achieva', 'Intera'], '3': ['Ingenia', 'Achieva dStream', 'Ingenia Elition X'] },
  softwareVersions: ['5.6.1\\5.6.1.2', '5.3.1\\5.3.1.0', '3.2.3\\3.2.3.2', '5.7.1\\5.7.1.1'],
  receiveCoils: ['MULTI COIL', 'SENSE-TORSO', 'dS Torso', 'dS Head 32ch', 'SENSE-HEAD-8', 'dS Anterior'],
  transmitCoils: ['B', 'T/R'],
  bodyPart: 'PROSTATE',
  planeWords: { axial: ['tra', 'ax'], sagittal: ['sag'], coronal: ['cor'] },
  imageType: M_SE,
  bValueTags: { standard: 0.9, private: 0.7, missing: 0.05 },
  privateBValue: { creator: 'Philips Imaging DD 001', group: 0x2001, element: 0x03, format: 'FL' },
  temporalTags: 1,
  triggerTime: 0.6,
  extraScanOptions: ['FS', 'PFP', 'PFF', 'FC', 'OTHER'],
  contrastAgents: ['Gadovist', 'DOTAREM', ''],
  series: [
    { kind: 'localizer', descriptions: ['Survey', 'SURVEY_MST', 'sSurvey'], imageTypes: [M_FFE], sequenceVariant: 'SS' },
    { kind: 't2-axial', descriptions: ['T2W_TSE_ax', 'T2W_TSE_tra HR', 'T2 TSE ax', 'T2W_TSE_tra_SENSE'], sequenceVariant: 'SK' },
    { kind: 'localizer-single-shot', descriptions: ['Survey_SSh', 'SSh_TSE_survey', 'SSh_survey_{plane}'], sequenceVariant: 'SK' },
    { kind: 't2-axial-single-shot', descriptions: ['T2W_SSh_TSE_tra', 'SSh_TSE_ax'], sequenceVariant: 'SK' },
    { kind: 't2-sagittal', descriptions: ['T2W_TSE_sag', 'T2 TSE sag'], sequenceVariant: 'SK' },
    { kind: 't2-coronal', descriptions: ['T2W_TSE_cor', 'T2 TSE cor'], sequenceVariant: 'SK' },
    { kind: 'flair', descriptions: ['FLAIR_{plane}', 'IR_TSE_FLAIR_{plane}'], imageTypes: [M_IR] },
    { kind: 'pd', descriptions: ['PDW_TSE_{plane}', 'PD_SPAIR_{plane}'], sequenceVariant: 'SK' },
    { kind: 't2star', descriptions: ['FFE_T2star_{plane}', 'SWIp', 'T2star_FFE'], imageTypes: [M_FFE] },
    { kind: 't1-tse', descriptions: ['T1W_TSE_{plane}', 'T1 TSE {plane}'], sequenceVariant: 'SK' },
    {
      kind: 'dwi',
      descriptions: ['DWI_b0_1000', 'DWI_b50_800_1000', 'sDWI ax', 'DWI_{plane}'],
      // Isotropic (trace) images are written DERIVED\\PRIMARY\\DIFFUSION.
      imageTypes: [M_SE, ['ORIGINAL', 'PRIMARY', 'DW_SE', 'M', 'SE'], ['DERIVED', 'PRIMARY', 'DIFFUSION']],
      scanningSequence: 'SE',
      sequenceVariant: 'SK',
      scanOptions: 'FS',
    },
    {
      kind: 'dwi-calculated',
      descriptions: ['DWI_b1500_calc', 'cDWI b2000'],
      imageTypes: [['DERIVED', 'PRIMARY', 'DIFFUSION', 'M', 'SE']],
      scanningSequence: 'SE',
      sequenceVariant: 'SK',
    },
    { kind: 'dwi-tse', descriptions: ['DWI_TSE_{plane}', 'MultiVane DWI'], sequenceVariant: 'SK' },
    {
      kind: 'adc',
      descriptions: ['dADC', 'DWI_b0_1000_ADC', 'ADC map'],
      imageTypes: [
        ['DERIVED', 'PRIMARY', 'DIFFUSION', 'ADC', 'ADC'],
        ['DERIVED', 'PRIMARY', 'DIFFUSION', 'ADC', 'ADC'],
        ['DERIVED', 'PRIMARY', 'DIFFUSION', 'M', 'SE'],
      ],
      scanningSequence: 'SE',
      sequenceVariant: 'SK',
    },
    { kind: 'b0-only', descriptions: ['DWI_b0_{plane}', 'B0_ref'], scanningSequence: 'SE', sequenceVariant: 'SK' },
    { kind: 'se-epi-fieldmap', descriptions: ['TOPUP_PA', 'B0_rev_PE', 'SE_EPI_revPE'], scanningSequence: 'SE', sequenceVariant: 'SK' },
    {
      kind: 'fa-map',
      descriptions: ['DTI_FA', 'FA_map'],
      imageTypes: [['DERIVED', 'PRIMARY', 'FA', 'M', 'SE']],
      scanningSequence: 'SE',
      sequenceVariant: 'SK',
    },
    {
      kind: 'eadc',
      descriptions: ['eADC', 'DWI_EADC'],
      imageTypes: [['DERIVED', 'PRIMARY', 'DIFFUSION', 'M', 'SE']],
      scanningSequence: 'SE',
      sequenceVariant: 'SK',
    },
    { kind: 'bold', descriptions: ['fMRI_rest', 'BOLD_FEEPI', 'rsfMRI'], imageTypes: [M_FFE], scanningSequence: 'GR', sequenceVariant: 'SK' },
    { kind: 'asl', descriptions: ['pCASL', 'ASL_SOURCE', 'pCASL_{plane}'], imageTypes: [M_FFE], scanningSequence: 'GR', sequenceVariant: 'SK' },
    { kind: 'dsc', descriptions: ['PWI_FEEPI', 'DSC_perfusion'], imageTypes: [M_FFE], scanningSequence: 'GR', sequenceVariant: 'SK' },
    { kind: 'epi-reference', descriptions: ['FEEPI_ref', 'EPI_scout'], imageTypes: [M_FFE], scanningSequence: 'GR', sequenceVariant: 'SK' },
    { kind: 'scout-3d', descriptions: ['SmartExam_Survey', '3D_Survey'], imageTypes: [M_FFE] },
    { kind: 'dce', descriptions: ['DCE_THRIVE', 'eTHRIVE_dyn', 'T1 FFE dyn'], imageTypes: [M_FFE], sequenceVariant: 'SS\\SP', scanOptions: 'FS' },
    { kind: 't1-3d-pre', descriptions: ['eTHRIVE_pre', 'T1W_THRIVE'], imageTypes: [M_FFE], sequenceVariant: 'SS\\SP', scanOptions: 'FS' },
    { kind: 't1-post', descriptions: ['T1W_THRIVE_post', 'eTHRIVE post Gd'], imageTypes: [M_FFE], sequenceVariant: 'SS\\SP', scanOptions: 'FS' },
    {
      kind: 'subtraction',
      descriptions: ['SUB_DCE_THRIVE', 'sub eTHRIVE'],
      imageTypes: [['DERIVED', 'PRIMARY', 'SUBTRACTION', 'M', 'FFE']],
      sequenceVariant: 'SS\\SP',
    },
    {
      kind: 'perfusion-map',
      descriptions: ['IntelliSpace Ktrans', 'Ktrans_map'],
      imageTypes: [['DERIVED', 'SECONDARY', 'PERFUSION']],
      sequenceVariant: 'SS\\SP',
    },
    { kind: 'mip', descriptions: ['MIP_DCE', 'MIP sub'], imageTypes: [['DERIVED', 'SECONDARY', 'MIP', 'M', 'FFE']], sequenceVariant: 'SS\\SP' },
    { kind: 't1-mprage', descriptions: ['T1W_3D_TFE', '3D_T1_TFE_sag'], imageTypes: [M_FFE] },
    { kind: 'fieldmap', descriptions: ['B0_map', 'B0map_FFE'], imageTypes: [M_FFE] },
    { kind: 'phase-map', descriptions: ['B0_map', 'SWIp_phase'], imageTypes: [['ORIGINAL', 'PRIMARY', 'PHASE MAP', 'P', 'FFE']] },
    {
      kind: 'dti',
      descriptions: ['DTI_{plane}_32dir', 'DTI_high_iso', 'DTI_medium_{plane}'],
      imageTypes: [M_SE, ['ORIGINAL', 'PRIMARY', 'DW_SE', 'M', 'SE']],
      scanningSequence: 'SE',
      sequenceVariant: 'SK',
    },
    {
      kind: 'dti-trace',
      descriptions: ['DTI_{plane}_isotropic', 'iso_DWI_{plane}'],
      imageTypes: [['DERIVED', 'PRIMARY', 'DIFFUSION']],
      scanningSequence: 'SE',
      sequenceVariant: 'SK',
    },
    {
      kind: 'dti-tensor',
      descriptions: ['DTI_ColorFA', 'ColorFA_{plane}'],
      imageTypes: [['DERIVED', 'SECONDARY', 'COLFA']],
      scanningSequence: 'SE',
      sequenceVariant: 'SK',
    },
    { kind: 't1-vfa', descriptions: ['T1_FFE_FA{flip}', 'VFA_3D_FFE_{flip}', 'T1map_3D_FFE'], imageTypes: [M_FFE], sequenceVariant: 'SS\\SP' },
    { kind: 'b1-map', descriptions: ['B1map_DREAM', 'DREAM_B1', 'B1_calibration'], imageTypes: [M_FFE, ['ORIGINAL', 'PRIMARY', 'B1', 'B1', 'FFE']] },
    { kind: 'pd-reference', descriptions: ['PD_3D_FFE_ref', 'T1map_PD_ref'], imageTypes: [M_FFE], sequenceVariant: 'SS\\SP' },
    { kind: 'calibration', descriptions: ['SENSE_ref', 'Ref_SENSE-TORSO', 'CoilSurvey'], imageTypes: [M_FFE], sequenceVariant: 'SS' },
  ],
};
