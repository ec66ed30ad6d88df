/**
 * One planned instance → a Part-10 file's bytes (part10.ts). Private b-values go under their
 * creators' blocks, sometimes as VR UN, as real archives hold them.
 */
import type { PlannedSeries, PlannedStudy } from './plan.js';
import { writePart10, type Dataset, type Element, type NumberVr, type TextVr, type TransferSyntax } from './part10.js';
import type { PrivateBValue } from './profiles.js';

export const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
export const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';
export const ENHANCED_SR_STORAGE = '1.2.840.10008.5.1.4.1.1.88.22';

const IMPLEMENTATION_UID = '2.25.284718209164213962712398245071338120113';
/** Larmor frequency of ¹H (MHz per tesla), for ImagingFrequency. */
const PROTON_MHZ_PER_TESLA = 42.577;
/** Echo spacing of the second echo of dual-echo fieldmaps (ms at 3 T; what Siemens uses). */
const SECOND_ECHO_DELAY = 2.46;

export const text = (vr: TextVr, ...values: (string | number)[]): Element => ({ vr, values });
export const number = (vr: NumberVr, ...values: number[]): Element => ({ vr, values });

/** A decimal string (DS) that fits the 16-character limit. */
export function ds(value: number): string {
  const fixed = Number(value.toFixed(6)).toString();
  return fixed.length <= 16 ? fixed : value.toPrecision(10);
}

/** A Part-10 file of the generator (its implementation UID and version name). */
export function part10File(sopClassUid: string, sopInstanceUid: string, transferSyntax: TransferSyntax, dataset: Dataset): Uint8Array {
  return writePart10(
    { sopClassUid, sopInstanceUid, transferSyntax, implementationClassUid: IMPLEMENTATION_UID, implementationVersionName: 'MSC_SYNTH_1' },
    dataset,
  );
}

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');

/**
 * Row and column direction cosines and the slice normal for a plane, turned by `angle` about the
 * normal, then tilted by `tilt` about the row direction (the column turns towards the normal) and
 * by `tilt2` about the column direction (the row turns towards the normal): double oblique.
 */
export function orientation(plane: 'axial' | 'sagittal' | 'coronal', angle: number, tilt = 0, tilt2 = 0): { iop: number[]; normal: number[] } {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const [row, column, normal] =
    plane === 'axial'
      ? [
          [c, s, 0],
          [-s, c, 0],
          [0, 0, 1],
        ]
      : plane === 'sagittal'
        ? [
            [0, c, s],
            [0, -s, c],
            [1, 0, 0],
          ]
        : [
            [c, 0, s],
            [-s, 0, c],
            [0, 1, 0],
          ];
  const turn = (a: number[], b: number[], theta: number) => [
    a.map((v, i) => Math.cos(theta) * v + Math.sin(theta) * b[i]!),
    b.map((v, i) => Math.cos(theta) * v - Math.sin(theta) * a[i]!),
  ];
  const [tiltedColumn, tiltedNormal] = turn(column, normal, tilt) as [number[], number[]];
  const [tiltedRow, finalNormal] = turn(row, tiltedNormal, tilt2) as [number[], number[]];
  return { iop: [...tiltedRow, ...tiltedColumn], normal: finalNormal };
}

export interface InstanceContext {
  study: PlannedStudy;
  series: PlannedSeries;
  index: number;
  sopInstanceUid: string;
  frameOfReferenceUid: string;
  /** Pixel payload (or null for none), rows = columns = `size`. */
  pixels: Uint16Array | null;
  size: number;
}

/** The vendor's private b-value element (and its creator) in the layout's format. */
function privateBValueElements(layout: PrivateBValue, bValue: number, asUN: boolean, geOffset: boolean): Dataset {
  const group = hex(layout.group, 4);
  const elements: Dataset = { [`${group}0010`]: text('LO', layout.creator) };
  const tag = `${group}10${hex(layout.element, 2)}`;
  if (layout.format === 'FL') elements[tag] = { vr: 'FL', values: [bValue], asUN };
  else if (layout.format === 'GE') elements[tag] = { vr: 'IS', values: [geOffset ? 1_000_000_000 + bValue : bValue, 8, 0, 0], asUN };
  else elements[tag] = { vr: layout.format, values: [bValue], asUN };
  return elements;
}

function bValueElements(context: InstanceContext, bValue: number): Dataset {
  const { study, series } = context;
  const elements: Dataset = {};
  // Toshiba/Canon write the tag only where a diffusion gradient is applied (b > 0).
  if (series.standardBValue && !(series.omitZeroBValue && bValue === 0)) elements['00189087'] = number('FD', bValue);
  const layout = study.profile.privateBValue;
  if (series.privateBValue && layout) Object.assign(elements, privateBValueElements(layout, bValue, series.privateAsUN, series.geOffsetEncoding));
  return elements;
}

/** The sequence name of one instance: Siemens writes the b-value into it (`*ep_b0`, `*ep_b800t`). */
export function sequenceNameOf(series: PlannedSeries, bValue: number | undefined): string {
  return series.sequenceName
    .replace('{b}t', bValue === 0 ? '0' : `${bValue ?? ''}t`)
    .replace('{b}', String(bValue ?? ''))
    .replace('{etl}', String(series.echoTrainLength ?? 1));
}

/** The bytes of one MR image file. */
export function mrInstance(context: InstanceContext): Uint8Array {
  const { study, series, index } = context;
  const template = series.template;
  const instance = series.instances[index]!;
  const plane = series.plane === 'three-plane' ? (['sagittal', 'coronal', 'axial'] as const)[instance.slice % 3]! : series.plane;
  const { iop, normal } = orientation(plane, series.rotation, series.tilt, series.tilt2);
  const location = (instance.slice - template.slices[0] / 2) * series.spacingBetweenSlices;
  const position = [-series.fieldOfView / 2, -series.fieldOfView / 2, 0].map((v, axis) => v + normal[axis]! * location);
  const tesla = Number(study.fieldStrength);
  const echoTime = instance.echo === 2 ? series.echoTime + SECOND_ECHO_DELAY : series.echoTime;
  const dict: Dataset = {
    '00080005': text('CS', 'ISO_IR 192'),
    '00080008': text('CS', ...series.imageType),
    '00080016': text('UI', MR_IMAGE_STORAGE),
    '00080018': text('UI', context.sopInstanceUid),
    '00080020': text('DA', study.studyDate),
    '00080021': text('DA', study.studyDate),
    '00080060': text('CS', 'MR'),
    '00080070': text('LO', study.profile.manufacturer),
    '0008103E': text('LO', series.description),
    '00081090': text('LO', study.model),
    '00100010': text('PN', study.patientName),
    '00100020': text('LO', study.patientId),
    '00180015': text('CS', study.profile.bodyPart),
    '00180020': text('CS', ...series.scanningSequence.split('\\')),
    '00180021': text('CS', ...template.sequenceVariant.split('\\')),
    '00180022': text('CS', ...series.scanOptions.split('\\')),
    '00180023': text('CS', template.mrAcquisitionType),
    '00180024': text('SH', sequenceNameOf(series, instance.bValue)),
    '00180050': text('DS', ds(series.sliceThickness)),
    '00180080': text('DS', ds(series.repetitionTime)),
    '00180081': text('DS', ds(echoTime)),
    '00180083': text('DS', series.numberOfAverages),
    '00180084': text('DS', ds(PROTON_MHZ_PER_TESLA * tesla)),
    '00180086': text('IS', instance.echo ?? 1),
    '00180087': text('DS', study.fieldStrength),
    '00180088': text('DS', ds(series.spacingBetweenSlices)),
    '00180094': text('DS', ds(series.percentPhaseFieldOfView)),
    '00180095': text('DS', ds(series.pixelBandwidth)),
    '00181020': text('LO', ...study.softwareVersion.split('\\')),
    '00181030': text('LO', series.protocolName),
    '00181100': text('DS', ds(series.fieldOfView)),
    '00181250': text('SH', series.receiveCoil),
    '00181251': text('SH', study.transmitCoil),
    '00181310': number('US', ...series.acquisitionMatrix),
    '00181312': text('CS', series.inPlanePhaseEncoding),
    '00181314': text('DS', ds(series.flipAngle)),
    '00181316': text('DS', ds(series.sar)),
    '00185100': text('CS', study.patientPosition),
    '0020000D': text('UI', study.studyUid),
    '0020000E': text('UI', series.seriesUid),
    '00200011': text('IS', series.seriesNumber),
    '00200013': text('IS', index + 1),
    '00200032': text('DS', ...position.map(ds)),
    '00200037': text('DS', ...iop.map(ds)),
    '00200052': text('UI', context.frameOfReferenceUid),
    '00201041': text('DS', ds(location)),
    '00280002': number('US', 1),
    '00280004': text('CS', 'MONOCHROME2'),
    '00280010': number('US', context.size),
    '00280011': number('US', context.size),
    '00280030': text('DS', ds(series.pixelSpacing), ds(series.pixelSpacing)),
    '00280100': number('US', 16),
    '00280101': number('US', 16),
    '00280102': number('US', 15),
    '00280103': number('US', 0),
  };
  if (series.echoTrainLength !== undefined) dict['00180091'] = text('IS', series.echoTrainLength);
  if (series.inversionTime !== undefined) dict['00180082'] = text('DS', ds(series.inversionTime));
  if (instance.bValue !== undefined) Object.assign(dict, bValueElements(context, instance.bValue));
  if (series.mosaicSlices !== undefined) {
    dict['00190010'] = text('LO', 'SIEMENS MR HEADER');
    dict['0019100A'] = number('US', series.mosaicSlices);
  }
  if (series.numberOfTemporalPositions !== undefined && series.temporalTags) {
    dict['00200105'] = text('IS', series.numberOfTemporalPositions);
    if (series.temporalResolution !== undefined) dict['00200110'] = text('DS', ds(series.temporalResolution));
    if (instance.phase !== undefined) dict['00200100'] = text('IS', instance.phase);
  }
  if (instance.phase !== undefined) dict['00181060'] = text('DS', ds((instance.phase - 1) * (series.temporalResolution ?? 0)));
  // Dynamic contrast series: the agent from the second phase on; other series: throughout.
  if (series.contrastAgent !== '' && (!template.contrast || (instance.phase ?? 2) > 1)) dict['00180010'] = text('LO', series.contrastAgent);
  for (const tag of series.dropTags) delete dict[tag];
  if (context.pixels) dict['7FE00010'] = { vr: 'OW', words: context.pixels };
  return part10File(MR_IMAGE_STORAGE, context.sopInstanceUid, series.transferSyntax, dict);
}

/** A SEG or SR object in the study: not an image series, readers must skip it. */
export function nonImageObject(study: PlannedStudy, kind: 'SEG' | 'SR', seriesUid: string, sopInstanceUid: string): Uint8Array {
  const sopClass = kind === 'SEG' ? SEGMENTATION_STORAGE : ENHANCED_SR_STORAGE;
  return part10File(sopClass, sopInstanceUid, 'explicit-little', {
    '00080016': text('UI', sopClass),
    '00080018': text('UI', sopInstanceUid),
    '00080060': text('CS', kind),
    '00080070': text('LO', 'MSC synth'),
    '0008103E': text('LO', kind === 'SEG' ? 'Prostate segmentation' : 'PI-RADS report'),
    '00100020': text('LO', study.patientId),
    '0020000D': text('UI', study.studyUid),
    '0020000E': text('UI', seriesUid),
    '00200011': text('IS', kind === 'SEG' ? 900 : 901),
  });
}
