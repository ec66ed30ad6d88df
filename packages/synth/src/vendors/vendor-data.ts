/**
 * What a vendor module states (naming, tags, b-value layout, series it writes): the types the
 * vendor modules and profiles.ts share, apart so that vendor modules do not import profiles.ts
 * (which imports them).
 */
import type { Plane, Range } from '../kinds.js';

export type Vendor = 'SIEMENS' | 'GE' | 'PHILIPS' | 'TOSHIBA' | 'HITACHI' | 'CANON' | 'UIH' | 'SITE';
export type FieldStrength = '1.0' | '1.5' | '3';

/** A private element a vendor writes b-values in: creator at (group,0010), value at (group,10ee). */
export interface PrivateBValue {
  creator: string;
  group: number;
  element: number;
  /** IS/DS: text; FL: float; GE: four IS values, the first the b-value (maybe with a 10⁹ offset). */
  format: 'IS' | 'DS' | 'FL' | 'GE';
  /** Elements (same block) of the diffusion directionality (text: NONE, DIRECTIONAL, ISOTROPIC) and gradient direction (three FD): Siemens 0x0d, 0x0e. */
  directionality?: number;
  gradientDirection?: number;
}

/** How one vendor writes one kind of series. */
export interface VendorSeries {
  kind: string;
  /**
   * Series descriptions the scanner writes ('' = none). `{plane}` becomes the vendor's word for
   * the series' plane.
   */
  descriptions: readonly string[];
  /** Protocol names (0018,1030); default: the description drawn before archive noise. */
  protocolNames?: readonly string[];
  /** ImageType alternatives, one drawn per series (repeat one to make it likelier); default the vendor's. */
  imageTypes?: readonly (readonly string[])[];
  /**
   * `{b}` becomes the instance's b-value (Siemens `*ep_b800t`), `{etl}` the echo train length;
   * several: one drawn per series.
   */
  sequenceName?: string | readonly string[];
  scanOptions?: string;
  /** The vendor's own spelling, where it differs from the kind's. */
  scanningSequence?: string;
  sequenceVariant?: string;
  frequency?: number;
  /** Siemens mosaic: all slices of a volume tiled in one file (one file per temporal position, or per b-value and direction). */
  mosaic?: boolean;
  temporalPositions?: readonly [number, number];
  echoTime?: Range;
  repetitionTime?: Range;
}

/** A vendor module's data. */
export interface VendorData {
  vendor: Vendor;
  /** Held out: made only when asked for by name, never in the default mix. */
  heldOut?: boolean;
  /** A site profile (held out too): one hospital's habits for site-model tests, not a held-out vendor benchmark. */
  site?: boolean;
  manufacturer: string;
  models: Readonly<Partial<Record<'1.0', readonly string[]>> & Record<'1.5' | '3', readonly string[]>>;
  softwareVersions: readonly string[];
  receiveCoils: readonly string[];
  transmitCoils: readonly string[];
  bodyPart: string;
  /** Words for the planes in descriptions (`{plane}`). */
  planeWords: Readonly<Record<Plane, readonly string[]>>;
  /** ImageType of series whose entry names none. */
  imageType: readonly string[];
  /**
   * Where b-values are written, as probabilities per series: the standard tag (0018,9087), the
   * vendor's private tag; `missing` = neither; `omitZero` = b = 0 images carry no b-value tag
   * (Toshiba/Canon fill it only where a gradient is applied). Without `missing`, a series whose
   * draws give neither tag gets the standard one.
   */
  bValueTags: { standard: number; private: number; missing?: number; omitZero?: boolean };
  privateBValue?: PrivateBValue;
  /** Probability that a dynamic EPI series (BOLD, ASL, DSC) carries temporal-position tags (DCE always does). */
  temporalTags: number;
  /** Probability that the phases of a split-phase dynamic series carry TriggerTime (their offset from the first phase). */
  triggerTime: number;
  /** Probability that a study's SeriesTime/ContentTime are written at reconstruction, after the acquisition (default 0.3). */
  seriesTimeAtEnd?: number;
  /** Scan options any series may carry besides its own (drawn independently of the kind). */
  extraScanOptions: readonly string[];
  /** Contrast agent names written on post-contrast images ('' = the tag is left out). */
  contrastAgents: readonly string[];
  series: readonly VendorSeries[];
}

/** One kind as one vendor writes it: the kind's physics and the vendor's naming, merged. */
