/** How the dataset after the file meta group is encoded. */
export interface Encoding {
  readonly explicitVR: boolean;
  readonly littleEndian: boolean;
  readonly deflated: boolean;
}

/** The encodings, made once (not an object per file): by explicitVR, then littleEndian, then deflated. */
const ENCODINGS: readonly Encoding[] = [false, true].flatMap((explicitVR) =>
  [false, true].flatMap((littleEndian) => [false, true].map((deflated) => Object.freeze({ explicitVR, littleEndian, deflated }))),
);

export function encodingWith(explicitVR: boolean, littleEndian: boolean, deflated: boolean): Encoding {
  return ENCODINGS[(explicitVR ? 4 : 0) + (littleEndian ? 2 : 0) + (deflated ? 1 : 0)]!;
}

export const IMPLICIT_LITTLE = '1.2.840.10008.1.2';
export const EXPLICIT_BIG = '1.2.840.10008.1.2.2';
const DEFLATED = new Set(['1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.8.1']);

export function encodingOf(transferSyntaxUid: string | undefined): Encoding {
  if (transferSyntaxUid === IMPLICIT_LITTLE) return encodingWith(false, true, false);
  if (transferSyntaxUid === EXPLICIT_BIG) return encodingWith(true, false, false);
  // Every other transfer syntax (compressed pixel data included) encodes the dataset as explicit VR little endian.
  return encodingWith(true, true, transferSyntaxUid !== undefined && DEFLATED.has(transferSyntaxUid));
}

/** VRs whose explicit-VR header has 2 reserved bytes and a 32-bit length. */
export const LONG_LENGTH_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
