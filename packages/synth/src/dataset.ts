/**
 * One planned instance → a Part-10 file's bytes (part10.ts). Private b-values go under their
 * creators' blocks, sometimes as VR UN, as real archives hold them.
 */
import type { PlannedSeries, PlannedStudy, PrivateVr } from './plan.js';
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

/**
 * A private element as the study's archive path left it: its real VR, UN, or OB holding the same
 * bytes (text space-padded to even length: `1000`, `800 `; numbers little-endian, as anonymizers
 * copy them from an explicit little-endian source).
 */
function privateElement(element: Element, privateVr: PrivateVr): Element {
  if (privateVr === 'native' || !('values' in element)) return element;
  if (privateVr === 'UN') return { ...element, asUN: true };
  if (element.vr === 'FL' || element.vr === 'FD' || element.vr === 'US' || element.vr === 'SS' || element.vr === 'UL' || element.vr === 'SL')
    return { vr: 'OB', bytes: numberBytesLittle(element.vr, element.values as readonly number[]) };
  const ascii = new TextEncoder().encode(element.values.map(String).join('\\'));
  const bytes = new Uint8Array(ascii.length + (ascii.length % 2)).fill(0x20);
  bytes.set(ascii);
  return { vr: 'OB', bytes };
}

function numberBytesLittle(vr: NumberVr, values: readonly number[]): Uint8Array {
  const size = vr === 'FD' ? 8 : vr === 'FL' || vr === 'UL' || vr === 'SL' ? 4 : 2;
  const view = new DataView(new ArrayBuffer(size * values.length));
  values.forEach((value, i) => {
    if (vr === 'FD') view.setFloat64(i * size, value, true);
    else if (vr === 'FL') view.setFloat32(i * size, value, true);
    else if (vr === 'UL') view.setUint32(i * size, value, true);
    else if (vr === 'SL') view.setInt32(i * size, value, true);
    else if (vr === 'US') view.setUint16(i * size, value, true);
    else view.setInt16(i * size, value, true);
  });
  return new Uint8Array(view.buffer);
}

/** Diffusion directionality as DICOM (0018,9075) and Siemens (0019,100D) spell it. */
function directionalityOf(bValue: number, direction: number | undefined): string {
  if (bValue === 0) return 'NONE';
  return direction !== undefined ? 'DIRECTIONAL' : 'ISOTROPIC';
}

/** A unit gradient direction for DTI direction `n` (points spread over a half sphere). */
export function gradientDirection(n: number, directions: number): number[] {
  const z = 1 - (n - 0.5) / directions;
  const radius = Math.sqrt(1 - z * z);
  const angle = n * Math.PI * (3 - Math.sqrt(5));
  return [radius * Math.cos(angle), radius * Math.sin(angle), z].map((v) => Number(v.toFixed(6)));
}

/** The vendor's private b-value element (and its creator) in the layout's format; Siemens adds directionality and gradient direction. */
function privateBValueElements(layout: PrivateBValue, series: PlannedSeries, bValue: number, direction: number | undefined): Dataset {
  const group = hex(layout.group, 4);
  const elements: Dataset = { [`${group}0010`]: text('LO', layout.creator) };
  const at = (element: number) => `${group}10${hex(element, 2)}`;
  const value =
    layout.format === 'FL'
      ? number('FL', bValue)
      : layout.format === 'GE'
        ? text('IS', series.geOffsetEncoding ? 1_000_000_000 + bValue : bValue, 8, 0, 0)
        : text(layout.format, bValue);
  elements[at(layout.element)] = privateElement(value, series.privateVr);
  if (layout.directionality !== undefined)
    elements[at(layout.directionality)] = privateElement(text('CS', directionalityOf(bValue, direction)), series.privateVr);
  if (layout.gradientDirection !== undefined && direction !== undefined && bValue > 0)
    elements[at(layout.gradientDirection)] = privateElement(number('FD', ...gradientDirection(direction, series.directions ?? 1)), series.privateVr);
  return elements;
}

function bValueElements(context: InstanceContext, bValue: number, direction: number | undefined): Dataset {
  const { study, series } = context;
  const elements: Dataset = {};
  // Toshiba/Canon write the tag only where a diffusion gradient is applied (b > 0).
  if (series.standardBValue && !(series.omitZeroBValue && bValue === 0)) {
    elements['00189087'] = number('FD', bValue);
    if (direction !== undefined && bValue > 0) {
      elements['00189075'] = text('CS', 'DIRECTIONAL');
      elements['00189089'] = number('FD', ...gradientDirection(direction, series.directions ?? 1));
    }
  }
  const layout = study.profile.privateBValue;
  if (series.privateBValue && layout) Object.assign(elements, privateBValueElements(layout, series, bValue, direction));
  return elements;
}

/** A DICOM time (TM) for seconds since midnight, with the study's decimals. */
export function tm(seconds: number, decimals: number): string {
  const day = ((seconds % 86400) + 86400) % 86400;
  const whole = Math.floor(day);
  const hhmmss = [Math.floor(whole / 3600), Math.floor(whole / 60) % 60, whole % 60].map((v) => String(v).padStart(2, '0')).join('');
  return decimals === 0 ? hhmmss : `${hhmmss}.${(day - whole).toFixed(decimals).slice(2)}`;
}

/** The sequence name of one instance: Siemens writes the b-value into it (`*ep_b0`, `*ep_b800t`). */
export function sequenceNameOf(series: PlannedSeries, bValue: number | undefined, direction?: number): string {
  return series.sequenceName
    .replace('#{dir}', bValue === 0 || direction === undefined ? '' : `#${direction}`)
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
  const location = (instance.slice - series.slices / 2) * series.spacingBetweenSlices;
  // Later phases of a one-series dynamic are acquired one temporal resolution apart.
  const phaseOffset = instance.phase !== undefined ? ((instance.phase - 1) * (series.temporalResolution ?? 0)) / 1000 : 0;
  const time = (seconds: number) => text('TM', tm(seconds, study.timeDecimals));
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
    '00080022': text('DA', study.studyDate),
    '00080023': text('DA', study.studyDate),
    '00080030': time(study.startTime),
    '00080031': time(series.seriesTime),
    '00080032': time(series.acquisitionTime + phaseOffset),
    '00080033': time(series.contentTime + phaseOffset),
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
    '00180024': text('SH', sequenceNameOf(series, instance.bValue, instance.direction)),
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
  if (instance.bValue !== undefined) Object.assign(dict, bValueElements(context, instance.bValue, instance.direction));
  if (series.mosaicSlices !== undefined) {
    dict['00190010'] = text('LO', 'SIEMENS MR HEADER');
    dict['0019100A'] = number('US', series.mosaicSlices);
  }
  if (series.numberOfTemporalPositions !== undefined && series.temporalTags) {
    dict['00200105'] = text('IS', series.numberOfTemporalPositions);
    if (series.temporalResolution !== undefined)
      dict['00200110'] = text(
        'DS',
        series.temporalResolutionStyle === 'empty'
          ? ''
          : ds(series.temporalResolutionStyle === 's' ? series.temporalResolution / 1000 : series.temporalResolution),
      );
    if (instance.phase !== undefined) dict['00200100'] = text('IS', instance.phase);
  }
  if (instance.phase !== undefined) dict['00181060'] = text('DS', ds((instance.phase - 1) * (series.temporalResolution ?? 0)));
  else if (series.triggerTime !== undefined) dict['00181060'] = text('DS', ds(series.triggerTime));
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
