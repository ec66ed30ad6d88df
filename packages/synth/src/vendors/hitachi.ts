/**
 * Hitachi (now Fujifilm Healthcare): hyphenated descriptions (`T2W-FSE TRA`), two-value ImageType
 * ORIGINAL\PRIMARY, sequence names such as `RSSG` and `TIGRE`; b-values in (0018,9087) or in a
 * private block in group 0019 under its own creator — the element number Siemens uses, which MSC
 * must not read under another creator (the layout is illustrative).
 */
import type { VendorData } from './vendor-data.js';

const ORIGINAL = ['ORIGINAL', 'PRIMARY'];
const DERIVED = ['DERIVED', 'SECONDARY'];

export const HITACHI: VendorData = {
  vendor: 'HITACHI',
  manufacturer: 'Hitachi Medical Corporation',
  models: { '1.5': ['ECHELON RX', 'ECHELON Smart', 'ECHELON OVAL'], '3': ['TRILLIUM OVAL'] },
  softwareVersions: ['V6.0', 'V5.2A', 'V7.1'],
  receiveCoils: ['WIT Torso', 'WIT Head', 'WIT Spine', 'RAPID Body'],
  transmitCoils: ['BODY'],
  bodyPart: 'PELVIS',
  planeWords: { axial: ['TRA', 'AX'], sagittal: ['SAG'], coronal: ['COR'] },
  imageType: ORIGINAL,
  bValueTags: { standard: 0.6, private: 0.6, missing: 0.1 },
  privateBValue: { creator: 'HITACHI MR 01', group: 0x0019, element: 0x0c, format: 'IS' },
  temporalTags: 0.8,
  triggerTime: 0.4,
  extraScanOptions: ['FS', 'FC', 'SAT', 'PE_ROT', 'RAPID'],
  contrastAgents: ['Magnevist', 'Gadovist', ''],
  series: [
    { kind: 'localizer', descriptions: ['SCANO', 'Scanogram 3D', 'PILOT'], sequenceName: 'GE' },
    { kind: 't2-axial', descriptions: ['T2W-FSE TRA', 'T2W FSE TRA 3mm', 'Prostate T2W-TRA'], sequenceName: 'FSE' },
    { kind: 'localizer-single-shot', descriptions: ['SSFSE Scout', 'SS-FSE 3plane'], sequenceName: 'SSFSE' },
    { kind: 't2-axial-single-shot', descriptions: ['SSFSE T2W TRA', 'SS-FSE TRA'], sequenceName: 'SSFSE' },
    { kind: 't2-sagittal', descriptions: ['T2W-FSE SAG', 'T2W SAG'], sequenceName: 'FSE' },
    { kind: 't2-coronal', descriptions: ['T2W-FSE COR', 'T2W COR'], sequenceName: 'FSE' },
    { kind: 'flair', descriptions: ['FLAIR-{plane}', 'FIR FLAIR {plane}'], sequenceName: 'FIR' },
    { kind: 'pd', descriptions: ['PDW-FSE {plane}', 'PDW {plane}'], sequenceName: 'FSE' },
    { kind: 't2star', descriptions: ['T2star-GRE {plane}', 'BSI {plane}'], sequenceName: 'GE' },
    { kind: 't1-tse', descriptions: ['T1W-SE {plane}', 'T1W-FSE {plane}'], sequenceName: 'SE' },
    { kind: 'dwi', descriptions: ['DWI-EPI b1000', 'DWI {plane} b800', 'Diffusion-EPI {plane}'], scanningSequence: 'EP\\SE', sequenceName: 'EPI' },
    { kind: 'dwi-calculated', descriptions: ['cDWI-b1500', 'computed DWI b2000'], imageTypes: [DERIVED], scanningSequence: 'EP\\SE', sequenceName: 'EPI' },
    { kind: 'dwi-tse', descriptions: ['FSE-DWI {plane}', 'RADAR DWI'], sequenceName: 'FSE' },
    {
      kind: 'adc',
      descriptions: ['ADC-map', 'ADC {plane}', 'isoADC', 'Apparent-Diffusion-Coefficient'],
      imageTypes: [['DERIVED', 'SECONDARY', 'ADC'], ['DERIVED', 'SECONDARY', 'ADC'], DERIVED],
      scanningSequence: 'EP\\SE',
      sequenceName: 'EPI',
    },
    { kind: 'b0-only', descriptions: ['DWI-EPI b0', 'EPI b0 {plane}'], scanningSequence: 'EP\\SE', sequenceName: 'EPI' },
    { kind: 'se-epi-fieldmap', descriptions: ['EPI-SE reverse', 'EPI distortion ref'], scanningSequence: 'EP\\SE', sequenceName: 'EPI' },
    { kind: 'fa-map', descriptions: ['FA-map', 'DTI-FA'], imageTypes: [DERIVED], scanningSequence: 'EP\\SE', sequenceName: 'EPI' },
    { kind: 'eadc', descriptions: ['eADC-map', 'exp-map'], imageTypes: [DERIVED], scanningSequence: 'EP\\SE', sequenceName: 'EPI' },
    { kind: 'bold', descriptions: ['BOLD-EPI', 'fMRI-EPI {plane}', 'resting BOLD'], scanningSequence: 'EP\\GR', sequenceName: 'EPI' },
    { kind: 'asl', descriptions: ['ASL-EPI', 'pCASL-EPI {plane}'], scanningSequence: 'EP\\GR', sequenceName: 'EPI' },
    { kind: 'dsc', descriptions: ['Perfusion-EPI', 'DSC-EPI {plane}'], scanningSequence: 'EP\\GR', sequenceName: 'EPI' },
    { kind: 'epi-reference', descriptions: ['EPI-ref', 'EPI scout'], scanningSequence: 'EP\\GR', sequenceName: 'EPI' },
    { kind: 'dce', descriptions: ['Dynamic TIGRE', 'DCE-TIGRE {plane}', 'Dyn 3D-RSSG'], sequenceName: 'TIGRE' },
    { kind: 't1-3d-pre', descriptions: ['TIGRE pre', '3D-RSSG {plane}'], sequenceName: 'TIGRE' },
    { kind: 't1-post', descriptions: ['TIGRE post', '3D-RSSG {plane} +C'], sequenceName: 'TIGRE' },
    { kind: 'subtraction', descriptions: ['SUB TIGRE', 'Subtraction-DCE'], imageTypes: [['DERIVED', 'SECONDARY', 'SUB']], sequenceName: 'TIGRE' },
    { kind: 'perfusion-map', descriptions: ['Ktrans-map', 'Perfusion-map'], imageTypes: [DERIVED], sequenceName: 'TIGRE' },
    { kind: 'mip', descriptions: ['MIP-DCE', 'MIP'], imageTypes: [['DERIVED', 'SECONDARY', 'MIP']], sequenceName: 'TIGRE' },
    { kind: 't1-mprage', descriptions: ['3D-IR-RSSG {plane}', 'MPRAGE-like 3D'], sequenceName: 'RSSG' },
    { kind: 'fieldmap', descriptions: ['B0-map', 'Field-map'], sequenceName: 'GE' },
    { kind: 'phase-map', descriptions: ['Phase-map', 'BSI phase'], imageTypes: [['ORIGINAL', 'PRIMARY', 'PHASE']], sequenceName: 'GE' },
    { kind: 't1-vfa', descriptions: ['TIGRE FA{flip}', 'T1map-TIGRE {flip}deg'], sequenceName: 'TIGRE' },
    { kind: 'b1-map', descriptions: ['B1-map', 'B1 shim cal'], sequenceName: 'GE' },
    { kind: 'pd-reference', descriptions: ['PD-ref 3D', 'RSSG PD ref'], sequenceName: 'RSSG' },
    { kind: 'calibration', descriptions: ['RAPID-cal', 'Sensitivity map'], sequenceName: 'GE' },
  ],
};
