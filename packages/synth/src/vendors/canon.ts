/**
 * Held out (never in the default mix): a Canon site in the Netherlands. Its own model names,
 * Dutch and abbreviated site naming with empty descriptions, protocol names unlike the
 * descriptions, ImageType ORIGINAL\PRIMARY\MR, EPI as SE\EP / GR\EP, b-values only in the
 * standard tag (absent on b = 0 images, absent altogether in a third of series), no private tags.
 */
import type { VendorData } from './vendor-data.js';

const MR = ['ORIGINAL', 'PRIMARY', 'MR'];
const DERIVED = ['DERIVED', 'SECONDARY', 'MR'];

export const CANON: VendorData = {
  vendor: 'CANON',
  heldOut: true,
  manufacturer: 'CANON_MEC',
  models: { '1.5': ['Vantage Orian', 'Vantage Elan'], '3': ['Vantage Galan 3T', 'Vantage Centurian'] },
  softwareVersions: ['V6.0SP4002', 'V7.0SP1003', 'V10.0*R004'],
  receiveCoils: ['Atlas SPEEDER Body', 'SPEEDER Body', 'Atlas SPEEDER Spine', 'Head SPEEDER 32'],
  transmitCoils: ['WB'],
  bodyPart: 'PELVIS',
  planeWords: { axial: ['tra', 'transversaal'], sagittal: ['sag', 'sagittaal'], coronal: ['cor', 'coronaal'] },
  imageType: MR,
  bValueTags: { standard: 1, private: 0, missing: 0.35, omitZero: true },
  temporalTags: 0.9,
  extraScanOptions: ['FS', 'PFP', 'FC', 'PFF'],
  contrastAgents: ['Gd-DOTA 0.5 mmol/ml', 'Magnevist', ''],
  series: [
    { kind: 'localizer', descriptions: ['Locator', 'loc 3 vlakken', ''], protocolNames: ['Locator'], imageTypes: [['ORIGINAL', 'PRIMARY', 'LOCALIZER']], sequenceVariant: 'SP', sequenceName: 'FFE2D' },
    { kind: 't2-axial', descriptions: ['T2 transversaal', 'PROST T2 tra klein FOV', 'T2W FSE AX', ''], protocolNames: ['Prostaat_T2_tra', 'PR T2 ax'], scanOptions: 'FC\\PFF', sequenceName: 'FSE2D' },
    { kind: 't2-sagittal', descriptions: ['T2 sagittaal', 'PROST T2 sag', ''], protocolNames: ['Prostaat_T2_sag'], scanOptions: 'FC', sequenceName: 'FSE2D' },
    { kind: 't2-coronal', descriptions: ['T2 coronaal', 'PROST T2 cor', ''], protocolNames: ['Prostaat_T2_cor'], scanOptions: 'FC', sequenceName: 'FSE2D' },
    { kind: 'flair', descriptions: ['FLAIR hersenen {plane}', 'hersenen FLAIR', ''], protocolNames: ['Hersenen_FLAIR'], sequenceName: 'FLAIR2D' },
    { kind: 't2star', descriptions: ['T2ster {plane}', 'FFE {plane}', ''], protocolNames: ['Hersenen_T2ster'], sequenceName: 'FFE2D' },
    { kind: 't1-tse', descriptions: ['T1 tra bekken', 'T1W FSE AX', ''], protocolNames: ['Bekken_T1_tra'], sequenceVariant: 'SK', sequenceName: 'FSE2D' },
    { kind: 'dwi', descriptions: ['diffusie tra', 'PROST DWI b0-1000', 'Diff_ISO', ''], protocolNames: ['Prostaat_DWI', 'PR diffusie'], scanningSequence: 'SE\\EP', scanOptions: 'FS\\PFP', sequenceName: 'SE_EPI', echoTime: [60, 100], repetitionTime: [4000, 8000] },
    { kind: 'dwi-calculated', descriptions: ['berekend b1500', 'cDWI 2000', ''], protocolNames: ['Prostaat_DWI'], imageTypes: [DERIVED], scanningSequence: 'SE\\EP', sequenceName: 'SE_EPI' },
    { kind: 'adc', descriptions: ['ADC kaart', 'PROST ADC', ''], protocolNames: ['Prostaat_DWI', 'PR diffusie'], imageTypes: [['DERIVED', 'SECONDARY', 'ADC']], scanningSequence: 'SE\\EP', sequenceName: 'SE_EPI' },
    { kind: 'fa-map', descriptions: ['FA kaart', 'DTI hersenen FA', ''], protocolNames: ['Hersenen_DTI'], imageTypes: [['DERIVED', 'SECONDARY', 'FA']], scanningSequence: 'SE\\EP', sequenceName: 'SE_EPI' },
    { kind: 'bold', descriptions: ['fMRI rust', 'BOLD {plane}', ''], protocolNames: ['fMRI_rusttoestand'], scanningSequence: 'GR\\EP', sequenceName: 'FE_EPI' },
    { kind: 'asl', descriptions: ['ASL perfusie', 'pCASL hersenen', ''], protocolNames: ['Hersenen_ASL'], scanningSequence: 'GR\\EP', sequenceName: 'FE_EPI' },
    { kind: 'dsc', descriptions: ['perfusie DSC', 'PWI dynamisch', ''], protocolNames: ['Hersenen_DSC'], scanningSequence: 'GR\\EP', sequenceName: 'FE_EPI' },
    { kind: 'dce', descriptions: ['dynamisch KM', 'PROST DCE 3D', ''], protocolNames: ['Prostaat_DCE', 'PR dyn'], sequenceVariant: 'SP', scanOptions: 'FS', sequenceName: 'FFE3D' },
    { kind: 't1-3d-pre', descriptions: ['T1 3D voor contrast', 'PROST T1 pre', ''], protocolNames: ['Bekken_T1_pre'], sequenceVariant: 'SP', scanOptions: 'FS', sequenceName: 'FFE3D' },
    { kind: 't1-post', descriptions: ['T1 3D na contrast', 'PROST T1 post', ''], protocolNames: ['Bekken_T1_post'], sequenceVariant: 'SP', scanOptions: 'FS', sequenceName: 'FFE3D' },
    { kind: 'subtraction', descriptions: ['subtractie', 'SUB dyn', ''], protocolNames: ['Prostaat_DCE'], imageTypes: [['DERIVED', 'SECONDARY', 'SUBTRACTION']], sequenceVariant: 'SP', sequenceName: 'FFE3D' },
    { kind: 't1-mprage', descriptions: ['3D T1 MPRAGE', 'T1 3D hersenen', ''], protocolNames: ['Hersenen_T1_3D'], sequenceName: 'FFE3D' },
    { kind: 'calibration', descriptions: ['SPEEDER map', 'Speeder_Ref', ''], protocolNames: ['SPEEDER_map'], sequenceVariant: 'SP', sequenceName: 'FFE3D' },
  ],
};
