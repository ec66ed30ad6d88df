/**
 * A site profile (held out, and not one of the held-out vendor benchmarks): one hospital whose
 * habits no training profile has, for site models trained from reviewed series
 * (msc-train --base … --corrections …; pipelines/site-model.mjs). A scanner of a vendor the
 * generator otherwise never writes (Neusoft), ImageType ORIGINAL\PRIMARY\OTHER on every acquired
 * series and DERIVED\PRIMARY\OTHER on every map (no DIFFUSION/ADC/FA words), one generic sequence
 * name per readout family, b-values mostly in a private block MSC does not read (the layout is
 * illustrative), and local protocol codes as descriptions (`PR03 DIF TRA`, `PR03 DIF MAP`) that
 * name neither b-values nor ADC.
 */
import type { VendorData } from './vendor-data.js';

const OTHER = ['ORIGINAL', 'PRIMARY', 'OTHER'];
const MAP = ['DERIVED', 'PRIMARY', 'OTHER'];

export const SITE: VendorData = {
  vendor: 'SITE',
  heldOut: true,
  site: true,
  manufacturer: 'Neusoft Medical Systems',
  models: { '1.5': ['NSM-S15P'], '3': ['NSM-S30'] },
  softwareVersions: ['NSM 3.2.1', 'NSM 3.4.0'],
  receiveCoils: ['TORSO 16CH', 'PELVIS 12CH'],
  transmitCoils: ['QBC'],
  bodyPart: 'PROSTATE',
  planeWords: { axial: ['TRA'], sagittal: ['SAG'], coronal: ['COR'] },
  imageType: OTHER,
  bValueTags: { standard: 0.15, private: 1 },
  privateBValue: { creator: 'NEUSOFT MR', group: 0x0029, element: 0x31, format: 'DS' },
  temporalTags: 0.5,
  triggerTime: 0.2,
  extraScanOptions: ['FS', 'SAT'],
  contrastAgents: ['Gadoterate', ''],
  series: [
    { kind: 'localizer', descriptions: ['PR00 LOC', 'PR00 LOC 3P'], sequenceName: 'GRE' },
    { kind: 't2-axial', descriptions: ['PR01 T2 TRA', 'PR01 T2 TRA HR'], sequenceName: 'FSE' },
    { kind: 'localizer-single-shot', descriptions: ['PR00 SSH {plane}'], sequenceName: 'SSFSE' },
    { kind: 't2-sagittal', descriptions: ['PR02 T2 SAG'], sequenceName: 'FSE' },
    { kind: 't2-coronal', descriptions: ['PR02 T2 COR'], sequenceName: 'FSE' },
    { kind: 't1-tse', descriptions: ['PR05 T1 {plane}'], sequenceName: 'FSE' },
    { kind: 'dwi', descriptions: ['PR03 DIF {plane}', 'PR03 DIF {plane} HR'], scanningSequence: 'EP\\SE', sequenceName: 'SE_EPI' },
    { kind: 'dwi-calculated', descriptions: ['PR03 DIF {plane} EXT'], imageTypes: [MAP], scanningSequence: 'EP\\SE', sequenceName: 'SE_EPI' },
    {
      kind: 'adc',
      descriptions: ['PR03 DIF MAP', 'PR03 DIF {plane} MAP'],
      imageTypes: [['DERIVED', 'PRIMARY', 'ADC']],
      scanningSequence: 'EP\\SE',
      sequenceName: 'SE_EPI',
    },
    { kind: 'dce', descriptions: ['PR04 DYN {plane}', 'PR04 DYN'], sequenceName: 'GRE3D' },
    { kind: 't1-3d-pre', descriptions: ['PR04 T1 3D PRE'], sequenceName: 'GRE3D' },
    { kind: 't1-post', descriptions: ['PR06 T1 3D {plane}'], sequenceName: 'GRE3D' },
    { kind: 'subtraction', descriptions: ['PR04 DYN SUB'], imageTypes: [MAP], sequenceName: 'GRE3D' },
    { kind: 'fieldmap', descriptions: ['PR09 B0'], sequenceName: 'GRE' },
    { kind: 't1-vfa', descriptions: ['PR07 T1MAP {flip}'], sequenceName: 'GRE3D' },
    { kind: 'calibration', descriptions: ['PR00 CAL'], sequenceName: 'GRE' },
  ],
};
