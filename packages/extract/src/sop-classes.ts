/**
 * Which SOP classes are images to classify. One table, so every non-image object (raw data,
 * spectroscopy, presentation states, reports, segmentations, RT, documents, vendor objects) is
 * skipped with the same kind of reason instead of joining an image series. Classes not listed:
 * the standard image storage classes (1.2.840.10008.5.1.4.1.1.*) are images; anything else is an
 * image only when the file has pixel data.
 */

/** Exact non-image SOP classes, by UID. */
const NON_IMAGE_CLASSES = new Map<string, string>([
  ['1.2.840.10008.1.3.10', 'Media Storage Directory (DICOMDIR)'],
  ['1.2.840.10008.5.1.4.1.1.4.2', 'MR Spectroscopy Storage'],
  ['1.2.840.10008.5.1.4.1.1.66', 'Raw Data Storage'],
  ['1.2.840.10008.5.1.4.1.1.66.1', 'Spatial Registration Storage'],
  ['1.2.840.10008.5.1.4.1.1.66.2', 'Spatial Fiducials Storage'],
  ['1.2.840.10008.5.1.4.1.1.66.3', 'Deformable Spatial Registration Storage'],
  ['1.2.840.10008.5.1.4.1.1.66.4', 'Segmentation Storage'],
  ['1.2.840.10008.5.1.4.1.1.66.5', 'Surface Segmentation Storage'],
  ['1.2.840.10008.5.1.4.1.1.66.6', 'Tractography Results Storage'],
  ['1.2.840.10008.5.1.4.1.1.66.7', 'Label Map Segmentation Storage'],
  ['1.2.840.10008.5.1.4.1.1.66.8', 'Height Map Segmentation Storage'],
  ['1.2.840.10008.5.1.4.1.1.67', 'Real World Value Mapping Storage'],
  ['1.2.840.10008.5.1.4.1.1.68.1', 'Surface Scan Mesh Storage'],
  ['1.2.840.10008.5.1.4.1.1.68.2', 'Surface Scan Point Cloud Storage'],
  ['1.2.840.10008.5.1.4.1.1.9.1.1', '12-lead ECG Waveform Storage'],
  ['1.2.840.10008.5.1.4.1.1.11.1', 'Grayscale Softcopy Presentation State Storage'],
  ['1.2.840.10008.5.1.4.1.1.11.2', 'Color Softcopy Presentation State Storage'],
  ['1.2.840.10008.5.1.4.1.1.88.11', 'Basic Text SR Storage'],
  ['1.2.840.10008.5.1.4.1.1.88.22', 'Enhanced SR Storage'],
  ['1.2.840.10008.5.1.4.1.1.88.33', 'Comprehensive SR Storage'],
  ['1.2.840.10008.5.1.4.1.1.88.34', 'Comprehensive 3D SR Storage'],
  ['1.2.840.10008.5.1.4.1.1.88.59', 'Key Object Selection Document Storage'],
  ['1.2.840.10008.5.1.4.1.1.88.67', 'X-Ray Radiation Dose SR Storage'],
  ['1.2.840.10008.5.1.4.1.1.90.1', 'Content Assessment Results Storage'],
  ['1.2.840.10008.5.1.4.1.1.104.1', 'Encapsulated PDF Storage'],
  ['1.2.840.10008.5.1.4.1.1.104.2', 'Encapsulated CDA Storage'],
  ['1.2.840.10008.5.1.4.1.1.104.3', 'Encapsulated STL Storage'],
  ['1.2.840.10008.5.1.4.1.1.104.4', 'Encapsulated OBJ Storage'],
  ['1.2.840.10008.5.1.4.1.1.104.5', 'Encapsulated MTL Storage'],
  ['1.2.840.10008.5.1.4.1.1.481.2', 'RT Dose Storage'],
  ['1.2.840.10008.5.1.4.1.1.481.3', 'RT Structure Set Storage'],
  ['1.2.840.10008.5.1.4.1.1.481.5', 'RT Plan Storage'],
  ['1.2.840.10008.5.1.4.1.1.481.8', 'RT Ion Plan Storage'],
  ['1.2.840.10008.5.1.4.38.1', 'Hanging Protocol Storage'],
  ['1.2.840.10008.5.1.4.39.1', 'Color Palette Storage'],
  // Vendor objects that sit in MR series.
  ['1.3.46.670589.11.0.0.12.1', 'Philips Private MR Spectrum Storage'],
  ['1.3.46.670589.11.0.0.12.2', 'Philips Private MR Series Data Storage'],
  ['1.3.46.670589.11.0.0.12.4', 'Philips Private MR Examcard Storage'],
  ['1.3.12.2.1107.5.9.1', 'Siemens CSA Non-Image Storage'],
]);

/** Families of non-image classes, by UID prefix (the exact table names the common members). */
const NON_IMAGE_FAMILIES: readonly [prefix: string, name: string][] = [
  ['1.2.840.10008.5.1.4.1.1.9.', 'Waveform Storage'],
  ['1.2.840.10008.5.1.4.1.1.11.', 'Presentation State Storage'],
  ['1.2.840.10008.5.1.4.1.1.88.', 'Structured Report Storage'],
  ['1.2.840.10008.5.1.4.1.1.104.', 'Encapsulated Document Storage'],
  ['1.2.840.10008.5.1.4.1.1.200.', 'Defined Procedure Protocol Storage'],
  ['1.2.840.10008.5.1.4.34.', 'RT Storage (second generation)'],
];

const RT_IMAGE = '1.2.840.10008.5.1.4.1.1.481.1';
const RT_FAMILY = '1.2.840.10008.5.1.4.1.1.481.';
const STANDARD_STORAGE = '1.2.840.10008.5.1.4.1.1.';

/**
 * Why a SOP class is not an image series (`non-image SOP class <name>`), or undefined for an
 * image. `hasPixelData` decides for classes outside the standard storage tree.
 */
export function nonImageReason(sopClassUid: string, hasPixelData: boolean): string | undefined {
  const known = REASONS_BY_UID.get(sopClassUid);
  if (known !== undefined) return known.length === 0 ? undefined : known;
  return decideReason(sopClassUid, hasPixelData);
}

/**
 * Per SOP class UID met, its reason ('' for an image class) when the UID alone decides it: an
 * archive holds a handful of classes, and the row code (which inlines this) then meets the making
 * of a reason, first needed many files into a run, in a call of its own. Bounded: a hostile
 * archive's UIDs cannot grow it without end.
 */
const REASONS_BY_UID = new Map<string, string>();
const MAX_REMEMBERED_CLASSES = 256;

function decideReason(uid: string, hasPixelData: boolean): string | undefined {
  const name = nonImageName(uid, hasPixelData);
  const reason = name === undefined ? undefined : `non-image SOP class ${name}`;
  if (REASONS_BY_UID.size < MAX_REMEMBERED_CLASSES && nonImageName(uid, !hasPixelData) === name) REASONS_BY_UID.set(uid, reason ?? '');
  return reason;
}

function nonImageName(uid: string, hasPixelData: boolean): string | undefined {
  const exact = NON_IMAGE_CLASSES.get(uid);
  if (exact) return exact;
  for (const [prefix, name] of NON_IMAGE_FAMILIES) if (uid.startsWith(prefix)) return `${name} (${uid})`;
  if (uid.startsWith(RT_FAMILY) && uid !== RT_IMAGE) return `RT Storage (${uid})`;
  if (uid.startsWith(STANDARD_STORAGE) || hasPixelData) return undefined;
  return `${uid} (no pixel data)`;
}
