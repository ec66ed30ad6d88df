/**
 * Siemens (syngo MR): protocol-style descriptions (`t2_tse_tra`), sequence names that carry the
 * b-value (`*ep_b800t`), ImageType NORM/DIS2D, DIFFUSION/TRACEW/ADC, MOSAIC for fMRI, ASL and
 * DSC (one file per volume, usually without temporal-position tags); b-values in (0018,9087)
 * and the private SIEMENS MR HEADER (0019,xx0C).
 */
import type { VendorData } from './vendor-data.js';

const M_2D = ['ORIGINAL', 'PRIMARY', 'M', 'NORM', 'DIS2D'];
const M_3D = ['ORIGINAL', 'PRIMARY', 'M', 'NORM', 'DIS3D', 'DIS2D'];
const M_ND = ['ORIGINAL', 'PRIMARY', 'M', 'ND', 'NORM'];
const MOSAIC = ['ORIGINAL', 'PRIMARY', 'M', 'ND', 'MOSAIC'];

export const SIEMENS: VendorData = {
  vendor: 'SIEMENS',
  manufacturer: 'SIEMENS',
  models: { '1.0': ['Harmony'], '1.5': ['Aera', 'Avanto', 'Avanto_fit', 'Sola', 'Espree'], '3': ['Skyra', 'Prisma', 'Vida', 'Verio', 'TrioTim'] },
  softwareVersions: ['syngo MR E11', 'syngo MR D13', 'syngo MR XA20', 'syngo MR B17', 'syngo MR XA31'],
  receiveCoils: ['BO1', 'SP5', 'Body_18', 'HE1-4;SP3-6', 'HEA;HEP', 'Head_32', 'BO1,2;SP4-6', 'C:BO1,2;SP3-5', 'ER'],
  transmitCoils: ['Body', 'TxRx_Head'],
  bodyPart: 'PROSTATE',
  planeWords: { axial: ['tra'], sagittal: ['sag'], coronal: ['cor'] },
  imageType: M_2D,
  bValueTags: { standard: 0.6, private: 1, missing: 0.05 },
  privateBValue: { creator: 'SIEMENS MR HEADER', group: 0x0019, element: 0x0c, format: 'IS' },
  temporalTags: 0.3,
  extraScanOptions: ['PFP', 'PFF', 'SAT1', 'SAT2', 'FS', 'SFS', 'IR', 'FC'],
  contrastAgents: ['Gadovist', 'Dotarem', 'ProHance', ''],
  series: [
    { kind: 'localizer', descriptions: ['localizer', 'AAHScout', 'localizer_3plane', 'AAHead_Scout_64ch-head-coil'], sequenceName: '*fl2d1' },
    { kind: 't2-axial', descriptions: ['t2_tse_tra', 't2_tse_tra_p2', 't2_tse_tra_320', 'T2 TSE TRA HR', 't2_blade_tra'], sequenceVariant: 'SK\\SP\\OSP', scanOptions: 'PFP\\SAT1', sequenceName: '*tse2d1_{etl}' },
    { kind: 't2-axial-single-shot', descriptions: ['t2_haste_tra', 'haste_tra_mbh'], sequenceVariant: 'SK\\SP\\OSP', sequenceName: '*h2d1_{etl}' },
    { kind: 't2-sagittal', descriptions: ['t2_tse_sag', 't2_tse_sag_p2'], sequenceVariant: 'SK\\SP\\OSP', scanOptions: 'PFP', sequenceName: '*tse2d1_{etl}' },
    { kind: 't2-coronal', descriptions: ['t2_tse_cor', 't2_tse_cor_p2'], sequenceVariant: 'SK\\SP\\OSP', scanOptions: 'PFP', sequenceName: '*tse2d1_{etl}' },
    { kind: 'flair', descriptions: ['tirm_{plane}_dark-fluid', 'FLAIR_{plane}', 'tirm_{plane}_fs'], sequenceName: '*tir2d1_{etl}' },
    { kind: 'pd', descriptions: ['pd_tse_{plane}', 'pd_tse_fs_{plane}'], sequenceName: '*tse2d1_{etl}' },
    { kind: 't2star', descriptions: ['t2star_fl2d_{plane}', 'fl2d_hemo_{plane}', 'medic_{plane}'], sequenceName: '*fl2d1r' },
    { kind: 't1-tse', descriptions: ['t1_tse_{plane}', 't1_tse_{plane}_large_FOV'], sequenceVariant: 'SK\\SP\\OSP', sequenceName: '*tse2d1_{etl}' },
    { kind: 'dwi', descriptions: ['ep2d_diff_b50_400_800_{plane}_TRACEW', 'ep2d_diff_{plane}_b50_800_TRACEW', 'RESOLVE_diff_{plane}_TRACEW', 'ep2d_diff_{plane}', 'dMRI_mb3_AP', 'DTI_30dir_{plane}'], imageTypes: [['DERIVED', 'PRIMARY', 'DIFFUSION', 'TRACEW', 'ND', 'NORM'], ['ORIGINAL', 'PRIMARY', 'DIFFUSION', 'NONE', 'ND', 'NORM'], ['ORIGINAL', 'PRIMARY', 'DIFFUSION', 'NONE', 'ND', 'MOSAIC']], scanningSequence: 'EP', scanOptions: 'PFP\\FS', sequenceName: ['*ep_b{b}t', '*re_b{b}t', 'ep_b{b}#1', '*ep_b{b}#2'] },
    { kind: 'dwi-calculated', descriptions: ['ep2d_diff_b50_400_800_{plane}_CALC_BVAL', 'ep2d_diff_{plane}_CALC_BVAL_b1400'], imageTypes: [['DERIVED', 'PRIMARY', 'DIFFUSION', 'CALC_BVALUE', 'TRACEW', 'ND']], scanningSequence: 'EP', scanOptions: 'PFP\\FS', sequenceName: '*ep_b{b}t' },
    { kind: 'dwi-tse', descriptions: ['tse_diff_{plane}', 'blade_diff_{plane}'], imageTypes: [['DERIVED', 'PRIMARY', 'DIFFUSION', 'TRACEW', 'ND']], sequenceName: '*tseR2d1_{etl}' },
    { kind: 'adc', descriptions: ['ep2d_diff_b50_400_800_{plane}_ADC', 'ep2d_diff_{plane}_ADC'], imageTypes: [['DERIVED', 'PRIMARY', 'DIFFUSION', 'ADC', 'ND', 'NORM'], ['DERIVED', 'PRIMARY', 'DIFFUSION', 'ADC', 'ND', 'NORM'], ['DERIVED', 'PRIMARY', 'DIFFUSION', 'ND', 'NORM']], scanningSequence: 'EP', scanOptions: 'PFP\\FS', sequenceName: '*ep_b50_800' },
    { kind: 'b0-only', descriptions: ['ep2d_diff_b0_{plane}', 'ep2d_diff_b0_{plane}_PA'], imageTypes: [['ORIGINAL', 'PRIMARY', 'DIFFUSION', 'NONE', 'ND', 'NORM']], scanningSequence: 'EP', sequenceName: '*ep_b{b}' },
    { kind: 'se-epi-fieldmap', descriptions: ['SpinEchoFieldMap_AP', 'SpinEchoFieldMap_PA', 'ep2d_se_PA', 'DistortionMap_AP'], imageTypes: [M_ND], scanningSequence: 'EP', sequenceName: '*epse2d1_104' },
    { kind: 'fa-map', descriptions: ['ep2d_diff_{plane}_FA', 'DTI_FA'], imageTypes: [['DERIVED', 'PRIMARY', 'DIFFUSION', 'FA', 'ND', 'NORM']], scanningSequence: 'EP', sequenceName: '*ep_b0_1000' },
    { kind: 'eadc', descriptions: ['ep2d_diff_{plane}_EXP', 'ep2d_diff_b50_800_{plane}_EXP'], imageTypes: [['DERIVED', 'PRIMARY', 'DIFFUSION', 'EXP', 'ND', 'NORM']], scanningSequence: 'EP', sequenceName: '*ep_b50_800' },
    { kind: 'bold', descriptions: ['ep2d_bold', 'ep2d_bold_moco', 'fMRI_rest', 'cmrr_mbep2d_bold', 'ep2d_fid_basic_bold'], imageTypes: [MOSAIC], scanningSequence: 'EP', scanOptions: 'FS', sequenceName: '*epfid2d1_64', mosaic: true, temporalPositions: [30, 200] },
    { kind: 'asl', descriptions: ['ep2d_pasl', 'ep2d_tra_pasl', 'pCASL_2D', 'ep2d_pcasl'], imageTypes: [['ORIGINAL', 'PRIMARY', 'ASL', 'NONE', 'ND', 'MOSAIC'], MOSAIC], scanningSequence: 'EP', scanOptions: 'FS', sequenceName: '*epfid2d1_64', mosaic: true, temporalPositions: [20, 100] },
    { kind: 'dsc', descriptions: ['ep2d_perf', 'ep2d_perf_p2', 'PWI_dynamic'], imageTypes: [['ORIGINAL', 'PRIMARY', 'PERFUSION', 'NONE', 'ND', 'MOSAIC'], MOSAIC], scanningSequence: 'EP', scanOptions: 'FS', sequenceName: '*epfid2d1_128', mosaic: true, temporalPositions: [40, 80] },
    { kind: 'epi-reference', descriptions: ['ep2d_bold_SBRef', 'cmrr_mbep2d_bold_SBRef', 'ep2d_scout'], imageTypes: [M_ND, MOSAIC], scanningSequence: 'EP', sequenceName: '*epfid2d1_64' },
    { kind: 'scout-3d', descriptions: ['AAHead_Scout_32ch-head-coil', 'AAHead_Scout', 'anat-scout'], imageTypes: [['ORIGINAL', 'PRIMARY', 'M', 'ND']], sequenceName: '*fl3d1_ns' },
    { kind: 'dce', descriptions: ['t1_vibe_dyn_tra', 't1_twist_tra_dyn', 'VIBE_DCE_tra', 't1_vibe_fs_dyn_{plane}'], imageTypes: [M_3D], sequenceVariant: 'SP\\OSP', scanOptions: 'PFP\\FS', sequenceName: '*fl3d1' },
    { kind: 't1-3d-pre', descriptions: ['t1_vibe_fs_{plane}', 't1_vibe_tra_pre', 't1_vibe_dixon_{plane}_W'], imageTypes: [M_3D], sequenceVariant: 'SP\\OSP', scanOptions: 'PFP\\FS', sequenceName: '*fl3d2' },
    { kind: 't1-post', descriptions: ['t1_vibe_fs_tra_post', 'T1 VIBE post KM'], imageTypes: [M_3D], sequenceVariant: 'SP\\OSP', scanOptions: 'PFP\\FS', sequenceName: '*fl3d1' },
    { kind: 'subtraction', descriptions: ['t1_vibe_dyn_tra_SUB', 'SUB_DCE'], imageTypes: [['DERIVED', 'PRIMARY', 'SUBTRACTION', 'NORM', 'DIS3D']], sequenceVariant: 'SP\\OSP', scanOptions: 'PFP\\FS', sequenceName: '*fl3d1' },
    { kind: 'perfusion-map', descriptions: ['Ktrans', 'Tissue4D_Ktrans', 'iAUC'], imageTypes: [['DERIVED', 'SECONDARY', 'TISSUE4D', 'KTRANS']], sequenceVariant: 'SP\\OSP', sequenceName: '*fl3d1' },
    { kind: 'mip', descriptions: ['t1_vibe_dyn_tra_MIP_TRA', 'MIP_SUB'], imageTypes: [['DERIVED', 'SECONDARY', 'MIP', 'NORM']], sequenceVariant: 'SP\\OSP', sequenceName: '*fl3d1' },
    { kind: 't1-mprage', descriptions: ['t1_mprage_{plane}', 'MPRAGE', 't1_mprage_sag_p2_iso'], imageTypes: [M_3D], sequenceName: '*tfl3d1_16ns' },
    { kind: 'fieldmap', descriptions: ['gre_field_mapping', 'fieldmap_gre'], imageTypes: [['ORIGINAL', 'PRIMARY', 'M', 'ND']], sequenceName: '*fm2d2r' },
    { kind: 'phase-map', descriptions: ['gre_field_mapping', 'fieldmap_phase', 'swi_pha_{plane}'], imageTypes: [['ORIGINAL', 'PRIMARY', 'P', 'ND']], sequenceName: '*fm2d2r' },
    { kind: 'calibration', descriptions: ['Coil_Calibration', 'AdjCoilSens'], imageTypes: [['ORIGINAL', 'PRIMARY', 'M', 'ND']], sequenceName: '*fl3d1' },
  ],
};
