/**
 * A whole series as one Enhanced MR Image Storage file (as Philips and Siemens XA scanners write
 * them): one frame per planned instance, values common to all frames in the Shared Functional
 * Groups Sequence, those that change (b-value, temporal position, slice position) per frame, and
 * the scanning technique as the enhanced attributes (EchoPulseSequence, …) instead of
 * ScanningSequence/SequenceVariant. Frames carry no pixel data (the header is what MSC reads).
 */
import { ds, number, orientation, part10File, sequenceNameOf, text, type InstanceContext } from './dataset.js';
import type { Dataset, Element } from './part10.js';

export const ENHANCED_MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4.1';

const sequence = (...items: Dataset[]): Element => ({ vr: 'SQ', items });

/** The bytes of one enhanced multi-frame file holding every instance of `context.series`. */
export function enhancedMrSeries(context: Omit<InstanceContext, 'index' | 'pixels'>): Uint8Array {
  const { study, series } = context;
  const template = series.template;
  const plane = series.plane === 'three-plane' ? 'axial' : series.plane;
  const { iop, normal } = orientation(plane, series.rotation, series.tilt, series.tilt2);
  const terms = new Set(series.scanningSequence.split('\\'));
  const variant = new Set(template.sequenceVariant.split('\\'));
  const yesNo = (yes: boolean) => text('CS', yes ? 'YES' : 'NO');
  const shared: Dataset = {
    '00189006': sequence({ '00180095': text('DS', ds(series.pixelBandwidth)) }), // MR Imaging Modifier
    '00189042': sequence({ '00181250': text('SH', series.receiveCoil) }), // MR Receive Coil
    '00189049': sequence({ '00181251': text('SH', study.transmitCoil) }), // MR Transmit Coil
    '00189112': sequence({
      '00180080': text('DS', ds(series.repetitionTime)),
      '00181314': text('DS', ds(series.flipAngle)),
      ...(series.echoTrainLength !== undefined ? { '00180091': text('IS', series.echoTrainLength) } : {}),
    }), // MR Timing
    '00189114': sequence({ '00189082': number('FD', series.echoTime) }), // MR Echo
    '00189115': sequence({ '00189009': yesNo(terms.has('IR')) }), // MR Modifier
    '00189125': sequence({ '00181312': text('CS', series.inPlanePhaseEncoding === 'ROW' ? 'ROW' : 'COLUMN') }), // MR FOV/Geometry
    '00189226': sequence({ '00089007': text('CS', ...series.imageType) }), // MR Image Frame Type
    '00209116': sequence({ '00200037': text('DS', ...iop.map(ds)) }), // Plane Orientation
    '00289110': sequence({ '00280030': text('DS', ds(series.pixelSpacing), ds(series.pixelSpacing)), '00180050': text('DS', ds(series.sliceThickness)) }), // Pixel Measures
  };
  const frames: Dataset[] = series.instances.map((instance) => {
    const location = (instance.slice - template.slices[0] / 2) * series.spacingBetweenSlices;
    const position = [-series.fieldOfView / 2, -series.fieldOfView / 2, 0].map((v, axis) => v + normal[axis]! * location);
    const frame: Dataset = {
      '00209111': sequence({
        '00209057': number('UL', instance.slice + 1),
        ...(instance.phase !== undefined ? { '00209128': number('UL', instance.phase) } : {}),
      }), // Frame Content
      '00209113': sequence({ '00200032': text('DS', ...position.map(ds)) }), // Plane Position
    };
    if (instance.bValue !== undefined && !series.noBValue) {
      frame['00189117'] = sequence({ '00189087': number('FD', instance.bValue), '00189075': text('CS', instance.bValue === 0 ? 'NONE' : 'DIRECTIONAL') }); // MR Diffusion
    }
    return frame;
  });
  const dict: Dataset = {
    '00080005': text('CS', 'ISO_IR 192'),
    '00080008': text('CS', ...series.imageType),
    '00080016': text('UI', ENHANCED_MR_IMAGE_STORAGE),
    '00080018': text('UI', context.sopInstanceUid),
    '00080020': text('DA', study.studyDate),
    '00080060': text('CS', 'MR'),
    '00080070': text('LO', study.profile.manufacturer),
    '0008103E': text('LO', series.description),
    '00081090': text('LO', study.model),
    '00100010': text('PN', study.patientName),
    '00100020': text('LO', study.patientId),
    '00180015': text('CS', study.profile.bodyPart),
    '00180023': text('CS', template.mrAcquisitionType),
    '00180087': text('DS', study.fieldStrength),
    '00181020': text('LO', ...study.softwareVersion.split('\\')),
    '00181030': text('LO', series.protocolName),
    '00185100': text('CS', study.patientPosition),
    '00189005': text('SH', sequenceNameOf(series, series.instances[0]?.bValue)),
    // Diffusion EPI written as plain EP is spin echo.
    '00189008': text('CS', terms.has('GR') ? (terms.has('SE') ? 'BOTH' : 'GRADIENT') : 'SPIN'),
    '00189016': text('CS', variant.has('SP') ? 'RF' : 'NONE'),
    '00189018': yesNo(terms.has('EP')),
    '00189033': text('CS', variant.has('SK') ? 'PARTIAL' : 'SINGLE'),
    '0020000D': text('UI', study.studyUid),
    '0020000E': text('UI', series.seriesUid),
    '00200011': text('IS', series.seriesNumber),
    '00200013': text('IS', 1),
    '00200052': text('UI', context.frameOfReferenceUid),
    '00280002': number('US', 1),
    '00280004': text('CS', 'MONOCHROME2'),
    '00280008': text('IS', series.instances.length),
    '00280010': number('US', context.size),
    '00280011': number('US', context.size),
    '00280100': number('US', 16),
    '00280101': number('US', 16),
    '00280102': number('US', 15),
    '00280103': number('US', 0),
    '52009229': sequence(shared),
    '52009230': sequence(...frames),
  };
  if (series.numberOfTemporalPositions !== undefined) dict['00200105'] = text('IS', series.numberOfTemporalPositions);
  return part10File(ENHANCED_MR_IMAGE_STORAGE, context.sopInstanceUid, series.transferSyntax, dict);
}
