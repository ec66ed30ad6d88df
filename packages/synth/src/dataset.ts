/**
 * One planned instance → a Part-10 file's bytes (part10.ts). Private b-values go under their
 * creators' blocks, sometimes as VR UN, as real archives hold them.
 */
import type { PlannedSeries, PlannedStudy } from './plan.js';
import { writePart10, type Dataset, type Element, type NumberVr, type TextVr, type TransferSyntax } from './part10.js';

export const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
export const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';
export const ENHANCED_SR_STORAGE = '1.2.840.10008.5.1.4.1.1.88.22';

const IMPLEMENTATION_UID = '2.25.284718209164213962712398245071338120113';

const text = (vr: TextVr, ...values: (string | number)[]): Element => ({ vr, values });
const number = (vr: NumberVr, ...values: number[]): Element => ({ vr, values });

/** A decimal string (DS) that fits the 16-character limit. */
function ds(value: number): string {
  const fixed = Number(value.toFixed(6)).toString();
  return fixed.length <= 16 ? fixed : value.toPrecision(10);
}

function write(sopClassUid: string, sopInstanceUid: string, transferSyntax: TransferSyntax, dataset: Dataset): Uint8Array {
  return writePart10({ sopClassUid, sopInstanceUid, transferSyntax, implementationClassUid: IMPLEMENTATION_UID, implementationVersionName: 'MSC_SYNTH_1' }, dataset);
}

/**
 * Row and column direction cosines and the slice normal for a plane, turned by `angle` about the
 * normal, then tilted by `tilt` about the row direction (the column turns towards the normal).
 */
export function orientation(plane: 'axial' | 'sagittal' | 'coronal', angle: number, tilt = 0): { iop: number[]; normal: number[] } {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const [row, column, normal] =
    plane === 'axial' ? [[c, s, 0], [-s, c, 0], [0, 0, 1]] : plane === 'sagittal' ? [[0, c, s], [0, -s, c], [1, 0, 0]] : [[c, 0, s], [-s, 0, c], [0, 1, 0]];
  const ct = Math.cos(tilt);
  const st = Math.sin(tilt);
  const tiltedColumn = column.map((v, i) => ct * v + st * normal[i]!);
  const tiltedNormal = normal.map((v, i) => ct * v - st * column[i]!);
  return { iop: [...row, ...tiltedColumn], normal: tiltedNormal };
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

function bValueElements(context: InstanceContext, bValue: number): Dataset {
  const { study, series } = context;
  const elements: Dataset = {};
  // Toshiba/Canon write the tag only where a diffusion gradient is applied (b > 0).
  if (series.standardBValue && !(series.omitZeroBValue && bValue === 0)) elements['00189087'] = number('FD', bValue);
  if (!series.privateBValue) return elements;
  const asText = (values: string[]): Element => ({ vr: 'IS', values, asUN: series.privateAsUN });
  switch (study.vendor) {
    case 'SIEMENS':
      elements['00190010'] = text('LO', 'SIEMENS MR HEADER');
      elements['0019100C'] = asText([String(bValue)]);
      break;
    case 'GE': {
      const first = series.geOffsetEncoding ? String(1_000_000_000 + bValue) : String(bValue);
      elements['00430010'] = text('LO', 'GEMS_PARM_01');
      elements['00431039'] = asText([first, '8', '0', '0']);
      break;
    }
    case 'PHILIPS':
      elements['20010010'] = text('LO', 'Philips Imaging DD 001');
      elements['20011003'] = { vr: 'FL', values: [bValue], asUN: series.privateAsUN };
      break;
    default:
      // Canon keeps no private b-value.
      break;
  }
  return elements;
}

/** The bytes of one MR image file. */
export function mrInstance(context: InstanceContext): Uint8Array {
  const { study, series, index } = context;
  const template = series.template;
  const instance = series.instances[index]!;
  const plane = template.plane === 'three-plane' ? (['sagittal', 'coronal', 'axial'] as const)[instance.slice % 3]! : template.plane;
  const { iop, normal } = orientation(plane, series.obliquity, template.plane === 'three-plane' ? 0 : series.tilt);
  const spacing = template.fieldOfView / series.matrix;
  const location = (instance.slice - template.slices[0] / 2) * series.sliceThickness;
  const position = [-template.fieldOfView / 2, -template.fieldOfView / 2, 0].map((v, axis) => v + normal[axis]! * location);
  const dict: Dataset = {
    '00080005': text('CS', 'ISO_IR 192'),
    '00080008': text('CS', ...template.imageType),
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
    '00180020': text('CS', ...template.scanningSequence.split('\\')),
    '00180021': text('CS', ...template.sequenceVariant.split('\\')),
    '00180022': text('CS', ...(template.scanOptions ?? '').split('\\')),
    '00180023': text('CS', template.mrAcquisitionType),
    '00180024': text('SH', template.sequenceName ?? ''),
    '00180050': text('DS', ds(series.sliceThickness)),
    '00180080': text('DS', ds(series.repetitionTime)),
    '00180081': text('DS', ds(series.echoTime)),
    '00180086': text('IS', 1),
    '00180087': text('DS', study.fieldStrength === '3' ? '3' : '1.5'),
    '00180094': text('DS', ds(75 + (series.seriesNumber % 4) * 6.25)),
    '00180095': text('DS', ds(series.pixelBandwidth)),
    '00181020': text('LO', ...study.softwareVersion.split('\\')),
    '00181030': text('LO', series.protocolName),
    '00181100': text('DS', ds(template.fieldOfView)),
    '00181250': text('SH', study.receiveCoil),
    '00181251': text('SH', study.profile.transmitCoil),
    '00181310': number('US', 0, series.matrix, Math.round(series.matrix * 0.8), 0),
    '00181312': text('CS', series.inPlanePhaseEncoding),
    '00181314': text('DS', ds(series.flipAngle)),
    '00181316': text('DS', ds(0.5 + (series.seriesNumber % 7) * 0.31)),
    '00185100': text('CS', study.profile.patientPosition),
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
    '00280030': text('DS', ds(spacing), ds(spacing)),
    '00280100': number('US', 16),
    '00280101': number('US', 16),
    '00280102': number('US', 15),
    '00280103': number('US', 0),
  };
  if (series.echoTrainLength !== undefined) dict['00180091'] = text('IS', series.echoTrainLength);
  if (instance.bValue !== undefined) Object.assign(dict, bValueElements(context, instance.bValue));
  if (series.numberOfTemporalPositions !== undefined) {
    dict['00200105'] = text('IS', series.numberOfTemporalPositions);
    dict['00200110'] = text('DS', ds(8 + (series.seriesNumber % 5) * 2.5));
  }
  if (instance.phase !== undefined) {
    dict['00200100'] = text('IS', instance.phase);
    dict['00181060'] = text('DS', ds((instance.phase - 1) * 9500));
  }
  // Dynamic series: the agent from the second phase on; single post-contrast series: throughout.
  if (template.contrast && (instance.phase ?? 2) > 1 && study.contrastAgent !== '') dict['00180010'] = text('LO', study.contrastAgent);
  for (const tag of series.dropTags) delete dict[tag];
  if (context.pixels) dict['7FE00010'] = { vr: 'OW', words: context.pixels };
  return write(MR_IMAGE_STORAGE, context.sopInstanceUid, series.transferSyntax, dict);
}

/** A SEG or SR object in the study: not an image series, readers must skip it. */
export function nonImageObject(study: PlannedStudy, kind: 'SEG' | 'SR', seriesUid: string, sopInstanceUid: string): Uint8Array {
  const sopClass = kind === 'SEG' ? SEGMENTATION_STORAGE : ENHANCED_SR_STORAGE;
  return write(sopClass, sopInstanceUid, 'explicit-little', {
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
