/** How the dataset after the file meta group is encoded. */
export interface Encoding {
  explicitVR: boolean;
  littleEndian: boolean;
  deflated: boolean;
}

export const IMPLICIT_LITTLE = '1.2.840.10008.1.2';
export const EXPLICIT_BIG = '1.2.840.10008.1.2.2';
const DEFLATED = new Set(['1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.8.1']);

export function encodingOf(transferSyntaxUid: string | undefined): Encoding {
  if (transferSyntaxUid === IMPLICIT_LITTLE) return { explicitVR: false, littleEndian: true, deflated: false };
  if (transferSyntaxUid === EXPLICIT_BIG) return { explicitVR: true, littleEndian: false, deflated: false };
  // Every other transfer syntax (compressed pixel data included) encodes the dataset as explicit VR little endian.
  return { explicitVR: true, littleEndian: true, deflated: transferSyntaxUid !== undefined && DEFLATED.has(transferSyntaxUid) };
}

/** VRs whose explicit-VR header has 2 reserved bytes and a 32-bit length. */
export const LONG_LENGTH_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
