/**
 * Planning a cohort: which studies, which series, what each series' header says, and the archive
 * noise applied on top. Pure data, drawn from one seeded PRNG, so a seed fixes everything.
 */
import { MscError, Random, fnv1a, type ClassLabel } from '@msc/core';
import type { Plane } from './kinds.js';
import { draw, drawNuisance, pick, weighted, type Nuisance } from './nuisance.js';
import type { TransferSyntax } from './part10.js';
import {
  KINDS,
  GENERIC_DESCRIPTIONS,
  MISLEADING_DESCRIPTIONS,
  PROFILES,
  SITE_DESCRIPTIONS,
  privateBValueReadByMsc,
  type FieldStrength,
  type SeriesTemplate,
  type Vendor,
  type VendorProfile,
} from './profiles.js';

export type { TransferSyntax };
export { draw };

export interface PlannedInstance {
  slice: number;
  bValue?: number;
  phase?: number;
  /** Echo number (1-based) of multi-echo series. */
  echo?: number;
  /** Diffusion direction (1-based) of a DTI volume. */
  direction?: number;
}

/** How a private element's VR reaches the reader: as the scanner wrote it, or as an anonymizer or archive rewrote it (UN, or OB holding the same bytes). */
export type PrivateVr = 'native' | 'UN' | 'OB';
/** How a one-series dynamic writes TemporalResolution: in ms (the standard), in seconds, or empty. */
export type TemporalResolutionStyle = 'ms' | 's' | 'empty';

export interface PlannedSeries extends Nuisance {
  template: SeriesTemplate;
  label: ClassLabel;
  seriesUid: string;
  seriesNumber: number;
  description: string;
  protocolName: string;
  plane: Plane | 'three-plane';
  imageType: readonly string[];
  /** The sequence name drawn for the series (`{b}`, `{etl}` filled per instance). */
  sequenceName: string;
  /** ScanningSequence as written: the kind's, or RM where a research sequence ran. */
  scanningSequence: string;
  /** One entry per instance written (a mosaic instance holds every slice of its volume). */
  instances: PlannedInstance[];
  /** Instances the full series has (more than `instances` under `maxInstancesPerSeries`). */
  plannedInstances: number;
  /** Slices tiled in each mosaic file (mosaic series only). */
  mosaicSlices?: number;
  numberOfTemporalPositions?: number;
  /** Whether the temporal-position tags are written (dynamic series). */
  temporalTags: boolean;
  /** Time per temporal position (ms). */
  temporalResolution?: number;
  temporalResolutionStyle: TemporalResolutionStyle;
  /** Slices of the series (derived series: their source's). */
  slices: number;
  /** Diffusion directions per b > 0 (DTI raw). */
  directions?: number;
  /**
   * One id shared by the series of one acquisition (the phases of a split dynamic; a diffusion
   * scan's trace, ADC and calculated b; DTI raw and its maps), unique otherwise.
   */
  acquisitionGroup: string;
  /**
   * Seconds since midnight: SeriesTime (when the series was created: at the start of the
   * acquisition on some scanners, after it on others; a derived series a moment after its source),
   * AcquisitionTime and ContentTime of the first image (later phases add their offset).
   */
  seriesTime: number;
  acquisitionTime: number;
  contentTime: number;
  /** TriggerTime (ms) of a split phase: its offset from the first phase. */
  triggerTime?: number;
  /** Seconds the acquisition takes (the study clock advances by it). */
  duration: number;
  echoTime: number;
  repetitionTime: number;
  flipAngle: number;
  echoTrainLength?: number;
  inversionTime?: number;
  receiveCoil: string;
  scanOptions: string;
  /** Contrast agent named on this series' images ('' = none). */
  contrastAgent: string;
  /** b = 0 images carry no b-value tag; no b-value tag at all. */
  omitZeroBValue: boolean;
  noBValue: boolean;
  transferSyntax: TransferSyntax;
  /** Tags left out of every instance (archives lose tags). */
  dropTags: ReadonlySet<string>;
  /** GE's large-offset b-value encoding (1000001000 for 1000). */
  geOffsetEncoding: boolean;
  /** Write the vendor's private b-value, with its real VR or as an anonymizer rewrote it. */
  privateBValue: boolean;
  privateVr: PrivateVr;
  standardBValue: boolean;
  /** Write files without the `.dcm` extension. */
  noExtension: boolean;
  /** Spread instances over two folders. */
  splitFolders: boolean;
  /** Folder shared with other series (DCE phases of one acquisition). */
  folder: string;
}

export interface PlannedStudy {
  patientId: string;
  patientName: string;
  studyUid: string;
  studyDate: string;
  vendor: Vendor;
  profile: VendorProfile;
  fieldStrength: FieldStrength;
  model: string;
  softwareVersion: string;
  transmitCoil: string;
  patientPosition: string;
  /** Written on post-contrast images ('' = left out). */
  contrastAgent: string;
  /** StudyTime (seconds since midnight) and the decimals its times are written with. */
  startTime: number;
  timeDecimals: number;
  /** SeriesTime and ContentTime are written when the series is reconstructed, after the acquisition (Siemens), not at its start. */
  seriesTimeAtEnd: boolean;
  /** An anonymizer removed every private element (b-values in private tags are lost). */
  privateTagsStripped: boolean;
  /** The archive path lost private VRs (UN or OB), and GE's software writes the large-offset b-value: both per study, not per series. */
  privateVr: PrivateVr;
  geOffsetEncoding: boolean;
  series: PlannedSeries[];
  /** Non-image objects written beside the images (must be skipped by readers). */
  extraObjects: ('SEG' | 'SR')[];
}

export interface PlanOptions {
  studies: number;
  seed: number;
  /** Profiles to draw from, in turn; default: every profile not held out (DEFAULT_VENDORS). */
  vendors?: readonly Vendor[];
  noise: boolean;
  /**
   * Write at most this many instances per series (default: all). Every distinct b-value and
   * temporal position keeps at least one instance while the cap allows, so series-level values
   * stay those of the full series; only the file count (number_of_images) shrinks, and
   * `plannedInstances` keeps the full count.
   */
  maxInstancesPerSeries?: number;
  /** Kinds every study draws where its vendor writes them (targeted cohorts, tests); others keep their frequency. */
  includeKinds?: readonly string[];
}

/** A `2.25.` UID (UUID-derived form) from 128 random bits. */
export function randomUid(random: Random): string {
  let value = 0n;
  for (let i = 0; i < 4; i++) value = (value << 32n) | BigInt(random.nextUint32());
  return `2.25.${value.toString()}`;
}

function dateOf(random: Random): string {
  const year = 2015 + random.int(10);
  const month = 1 + random.int(12);
  const day = 1 + random.int(28);
  return `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
}

/** Tags an archive may lose; never the identifiers, never what makes a file an MR image. */
const DROPPABLE_TAGS = [
  '00180087',
  '00181020',
  '00181250',
  '00181251',
  '00180095',
  '00181316',
  '00180094',
  '00180091',
  '00185100',
  '00180023',
  '00180022',
  '00181312',
  '00180024',
  '00181030',
  '00181310',
  '00280030',
  '00080033',
  '00181060',
];
/**
 * What tells a kind from its look-alikes where neither b-values nor ImageType do: words of its
 * description (ImageType values that do, per kind). DIFFUSION alone is no evidence: ADC, FA and
 * eADC maps carry it too. A series of such a kind without other evidence keeps a description with
 * these words (no archive noise replaces it), so its label stays decidable from its header.
 */
const word = (pattern: string) => new RegExp(`(^|[^a-z0-9])(${pattern})([^a-z0-9]|$)`, 'i');
const EVIDENCE: Readonly<Record<string, { imageType: readonly string[]; words: RegExp }>> = {
  dwi: { imageType: ['TRACEW', 'TRACE', 'CALC_BVALUE'], words: word('diff[a-z]*|dwi|dw|trace[a-z]*|b\\d+') },
  'dwi-calculated': { imageType: ['TRACEW', 'TRACE', 'CALC_BVALUE'], words: word('diff[a-z]*|dwi|cdwi|c?b\\d+') },
  'dwi-tse': { imageType: ['TRACEW', 'TRACE'], words: word('diff[a-z]*|dwi') },
  adc: { imageType: ['ADC'], words: word('adc|apparent') },
  eadc: { imageType: ['EADC', 'EXP'], words: word('eadc|exp|exponential') },
  'fa-map': { imageType: ['FA'], words: word('fa|fractional') },
  dti: { imageType: [], words: word('dti|diff[a-z]*|dwi|\\d+dir') },
  'dti-trace': { imageType: ['TRACEW', 'TRACE', 'ISOTROPIC'], words: word('trace[a-z]*|isotropic|dwi') },
  'dti-tensor': { imageType: ['TENSOR', 'COLFA'], words: word('tensor|colfa|col_fa|colou?r[ _]?fa') },
};

/**
 * The series description (after archive noise) and the protocol name the scanner kept. `keep`:
 * the description is the only evidence of what the series is (no b-value MSC reads, no ImageType
 * or sequence-name marker), so no noise replaces it and it is never empty.
 */
function describe(
  random: Random,
  template: SeriesTemplate,
  plane: Plane | 'three-plane',
  study: PlannedStudy,
  noise: boolean,
  keep: RegExp | undefined,
): { description: string; protocolName: string } {
  const telling = keep ? template.descriptions.filter((text) => keep.test(text)) : [];
  const words = study.profile.planeWords[plane === 'three-plane' ? 'axial' : plane];
  const base = pick(random, telling.length > 0 ? telling : template.descriptions).replace('{plane}', () => pick(random, words));
  const protocolName = template.protocolNames ? pick(random, template.protocolNames) : base;
  if (!noise || keep) return { description: base, protocolName };
  let description = base;
  const roll = random.next();
  // A site that renames a series renames its protocol on the scanner half of the time.
  const renamed = (text: string) => ({ description: text, protocolName: random.next() < 0.5 ? text : protocolName });
  const site = SITE_DESCRIPTIONS[template.id];
  if (roll < 0.1) return renamed(pick(random, GENERIC_DESCRIPTIONS));
  if (roll < 0.17 && site) return renamed(pick(random, site));
  if (roll < 0.21 && MISLEADING_DESCRIPTIONS[template.id]) description = pick(random, MISLEADING_DESCRIPTIONS[template.id]!);
  else if (roll < 0.27) {
    const d = study.studyDate;
    description = `${description} ${d.slice(6, 8)}/${d.slice(4, 6)}/${d.slice(0, 4)}`;
  } else if (roll < 0.3)
    description = `${description} ${10 + random.int(8)}:${String(random.int(60)).padStart(2, '0')}:${String(random.int(60)).padStart(2, '0')}`;
  return { description, protocolName };
}

/**
 * At most `cap` instances, spread over the distinct (b-value, temporal position) pairs in turn so
 * that each keeps one while the cap allows; original order kept.
 */
export function capInstances<T extends { bValue?: number; phase?: number; echo?: number; direction?: number }>(instances: T[], cap: number | undefined): T[] {
  if (cap === undefined || instances.length <= cap) return instances;
  const groups = new Map<string, number[]>();
  instances.forEach((instance, index) => {
    const key = `${instance.bValue ?? ''}|${instance.phase ?? ''}|${instance.echo ?? ''}|${instance.direction ?? ''}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(index);
  });
  const chosen: number[] = [];
  for (let round = 0; chosen.length < cap; round++) {
    for (const group of groups.values()) {
      if (round < group.length && chosen.length < cap) chosen.push(group[round]!);
    }
  }
  return chosen.sort((a, b) => a - b).map((index) => instances[index]!);
}

/** Vendor scan options plus, independently of the kind, some of the vendor's others. */
function scanOptionsOf(random: Random, template: SeriesTemplate, profile: VendorProfile): string {
  const options = template.scanOptions === '' ? [] : template.scanOptions.split('\\');
  for (const option of profile.extraScanOptions) if (random.next() < 0.15 && !options.includes(option)) options.push(option);
  return options.join('\\');
}

/** Where a series sits in its study: its first SeriesNumber, the study clock, and the acquisition it is computed from. */
interface SeriesSlot {
  seriesNumber: number;
  /** Seconds since midnight when the series starts. */
  clock: number;
  /** The acquisition a derived series is computed from (shares its geometry, timing and group). */
  source?: PlannedSeries;
  /** A new acquisition-group id. */
  newGroup: () => string;
}

/** Geometry a derived series takes from its source: same slices, same voxels, same orientation. */
const GEOMETRY_KEYS = [
  'pixelSpacing',
  'matrix',
  'fieldOfView',
  'acquisitionMatrix',
  'inPlanePhaseEncoding',
  'pixelBandwidth',
  'sliceThickness',
  'spacingBetweenSlices',
  'numberOfAverages',
  'percentPhaseFieldOfView',
  'rotation',
  'tilt',
  'tilt2',
] as const satisfies readonly (keyof Nuisance)[];

/** A count drawn from a range, skewed to its low end (most split dynamics have 10–20 phases, few 80; mean ≈ 20). */
function skewedCount(random: Random, [low, high]: readonly [number, number]): number {
  return low + Math.floor((high - low + 1) * random.next() ** 6);
}

/** How a site suffixes the descriptions of a split dynamic's phases (one style per acquisition). */
const PHASE_DESCRIPTION_STYLES: readonly ((text: string, phase: number, seconds: number) => string)[] = [
  (text, _, seconds) => `${text}_TT=${seconds.toFixed(1)}s`,
  (text, _, seconds) => `${text} TT ${Math.round(seconds)}s`,
  (text, phase) => `${text}_ph${phase}`,
  (text, phase) => `${text} phase ${phase}`,
  (text, _, seconds) => `${text} (${seconds.toFixed(1)} sec)`,
  (text, phase) => `${text}_${String(phase).padStart(2, '0')}`,
  (text) => text,
  (text) => text,
];

function planSeries(
  random: Random,
  template: SeriesTemplate,
  study: PlannedStudy,
  slot: SeriesSlot,
  afterContrast: boolean,
  options: PlanOptions,
): PlannedSeries[] {
  const { noise } = options;
  const profile = study.profile;
  const source = slot.source;
  const plane = source ? source.plane : weighted<Plane | 'three-plane'>(random, template.planes);
  const drawn = drawNuisance(random, template, plane);
  const nuisance: Nuisance = source ? { ...drawn, ...Object.fromEntries(GEOMETRY_KEYS.map((key) => [key, source[key]])) } : drawn;
  let phases = template.temporalPositions ? template.temporalPositions[0] + random.int(template.temporalPositions[1] - template.temporalPositions[0] + 1) : 0;
  // ASL acquires label/control pairs.
  if (template.id === 'asl' && phases % 2 === 1) phases += 1;
  const split = phases > 0 && template.split !== undefined && random.next() < template.split.probability;
  if (split) phases = skewedCount(random, template.split!.phases);
  const slicesRange = split ? template.split!.slices : template.slices;
  const slices = source ? source.slices : slicesRange[0] + random.int(slicesRange[1] - slicesRange[0] + 1);
  const bValues = template.bValues ? pick(random, template.bValues) : undefined;
  // Scanners write an ADC map's highest source b-value into its b-value tags (Siemens 0019,100C,
  // GE 0043,1039 do): a b-value alone does not make a DWI. Not evidence of the map's kind (below).
  const sourceB = source?.instances.map((instance) => instance.bValue ?? -1) ?? [];
  // Half the maps, chosen by their source's UID so the random stream (and every other draw) stays as it was.
  const carriedBValue =
    template.label === 'ADC' && source && Math.max(-1, ...sourceB) > 0 && fnv1a(source.seriesUid) % 2 === 0 ? Math.max(...sourceB) : undefined;
  const directions = template.directions ? template.directions[0] + random.int(template.directions[1] - template.directions[0] + 1) : undefined;
  const imageType = pick(random, template.imageTypes);
  const sequenceName = pick(random, template.sequenceNames);
  // Research sequences (GE RM): ScanningSequence says nothing, whatever the kind.
  const scanningSequence = random.next() < 0.03 ? 'RM' : template.scanningSequence;
  let standardBValue = random.next() < profile.bValueTags.standard;
  let privateBValue = random.next() < profile.bValueTags.private;
  // Some diffusion series carry no b-value tag at all (trace and calculated-b series most often):
  // ImageType and the sequence name are then their evidence, or else their description.
  const untagged = template.label === 'DWI' && random.next() < (template.derived ? 0.3 : 0.1);
  const noBValue = untagged || random.next() < (profile.bValueTags.missing ?? 0);
  if (noBValue) standardBValue = privateBValue = false;
  else if (!standardBValue && !privateBValue) standardBValue = true;
  if (study.privateTagsStripped) privateBValue = false;
  // A b0-only series says b = 0 in the standard tag: without it, it could not be told from a DWI
  // whose b-values MSC cannot read (vendors that leave b = 0 unwritten have no b0-only kind).
  if (template.id === 'b0-only') standardBValue = true;
  const omitZeroBValue = profile.bValueTags.omitZero === true;
  // Is what the series is visible anywhere but in its description (b-values MSC reads, the sequence name, ImageType)?
  const readable = standardBValue || (privateBValue && privateBValueReadByMsc(profile.privateBValue));
  const evidence = EVIDENCE[template.id];
  const evident =
    (bValues !== undefined && readable) ||
    sequenceName.includes('{b}') ||
    evidence === undefined ||
    imageType.some((value) => evidence.imageType.includes(value));
  const echoTime = source ? source.echoTime : draw(random, template.echoTime);
  const repetitionTime = source ? source.repetitionTime : draw(random, template.repetitionTime);
  const echoTrainLength = template.echoTrainLength !== undefined ? draw(random, template.echoTrainLength, 0) : nuisance.readoutEchoTrainLength;
  const temporalTags = phases > 0 && !split && (template.id === 'dce' || random.next() < profile.temporalTags);
  const temporalResolution =
    phases > 0 ? (template.id === 'dce' ? draw(random, [3000, 15000], 0) : template.id === 'asl' ? 2 * repetitionTime : repetitionTime) : undefined;
  // Timing: derived series keep their source's acquisition time and are written a little later.
  // Timing (seconds since midnight). `duration`: one phase of a split dynamic, one flip of a VFA set.
  const acquisitionTime = source ? source.acquisitionTime : slot.clock + draw(random, [0, 1.5], 2);
  const duration = source
    ? 0
    : temporalResolution !== undefined
      ? ((split ? 1 : phases) * temporalResolution) / 1000
      : template.directions
        ? draw(random, [180, 600], 0)
        : template.flipAngleSeries
          ? draw(random, [15, 60], 0)
          : draw(random, [20, 420], 0);
  const seriesTime = source
    ? slot.clock + draw(random, [0.05, 0.5], 2)
    : study.seriesTimeAtEnd
      ? acquisitionTime + duration + draw(random, [0.5, 5], 2)
      : acquisitionTime - draw(random, [0, 1], 2);
  const contentTime = study.seriesTimeAtEnd || source ? seriesTime + draw(random, [0, 0.1], 3) : acquisitionTime + draw(random, [0.2, 25], 2);
  const trRoll = random.next();
  const base = {
    ...nuisance,
    template,
    label: template.label,
    plane,
    slices,
    imageType,
    sequenceName,
    scanningSequence,
    echoTime,
    repetitionTime,
    flipAngle: draw(random, template.flipAngle, 0),
    ...(echoTrainLength !== undefined ? { echoTrainLength } : {}),
    ...(template.inversionTime !== undefined ? { inversionTime: draw(random, template.inversionTime, 0) } : {}),
    ...(directions !== undefined ? { directions } : {}),
    receiveCoil: pick(random, profile.receiveCoils),
    scanOptions: scanOptionsOf(random, template, profile),
    contrastAgent: split ? '' : template.contrast || afterContrast ? study.contrastAgent : '',
    temporalTags,
    ...(temporalResolution !== undefined ? { temporalResolution } : {}),
    // Some exports write a one-series dynamic's TemporalResolution in seconds, or leave it empty.
    temporalResolutionStyle: (template.id !== 'dce' || trRoll < 0.7 ? 'ms' : trRoll < 0.85 ? 's' : 'empty') as TemporalResolutionStyle,
    acquisitionGroup: source ? source.acquisitionGroup : slot.newGroup(),
    seriesTime,
    acquisitionTime,
    contentTime,
    duration,
    transferSyntax: (!noise
      ? 'explicit-little'
      : random.next() < 0.06
        ? 'implicit-little'
        : random.next() < 0.03
          ? 'explicit-big'
          : 'explicit-little') as TransferSyntax,
    dropTags: new Set(noise && random.next() < 0.2 ? [pick(random, DROPPABLE_TAGS), pick(random, DROPPABLE_TAGS)] : []),
    geOffsetEncoding: study.geOffsetEncoding,
    privateBValue,
    privateVr: study.privateVr,
    standardBValue,
    omitZeroBValue,
    noBValue,
    noExtension: noise && random.next() < 0.2,
    splitFolders: noise && !split && !template.flipAngleSeries && random.next() < 0.04,
  };
  const { description, protocolName } = describe(random, template, plane, study, noise, evident ? undefined : evidence!.words);
  const folder = `${String(slot.seriesNumber).padStart(3, '0')}_${template.id}`;
  const all: PlannedInstance[] = Array.from({ length: slices }, (_, slice) => ({ slice }));
  if (split) {
    // One series per phase, all in one folder (as archives hold them), sharing sequence, geometry
    // and TR/TE/flip: only AcquisitionTime (ContentTime, TriggerTime) and SeriesNumber differ.
    const phaseSeconds = temporalResolution! / 1000;
    const style = pick(random, PHASE_DESCRIPTION_STYLES);
    const writesTriggerTime = random.next() < profile.triggerTime;
    // The native (pre-contrast) phases come first; the bolus is injected after them.
    const native = template.split!.nativePhases[0] + random.int(template.split!.nativePhases[1] - template.split!.nativePhases[0] + 1);
    const injectionDelay = draw(random, [5, 40], 1);
    return Array.from({ length: phases }, (_, phase) => {
      const offset = phase * phaseSeconds + (phase >= native ? injectionDelay : 0);
      return {
        ...base,
        seriesUid: randomUid(random),
        seriesNumber: slot.seriesNumber + phase,
        seriesTime: base.seriesTime + offset,
        acquisitionTime: base.acquisitionTime + offset,
        contentTime: base.contentTime + offset,
        description: description ? style(description, phase + 1, offset) : description,
        protocolName,
        instances: capInstances(all, options.maxInstancesPerSeries),
        plannedInstances: all.length,
        ...(writesTriggerTime ? { triggerTime: Math.round(offset * 1000) } : {}),
        folder,
      };
    });
  }
  if (template.flipAngleSeries) {
    // Variable flip angle: one series per flip, same geometry and TR/TE, a minute or so apart.
    const flips = pick(random, template.flipAngleSeries);
    const pause = draw(random, [2, 15], 1);
    return flips.map((flipAngle, index) => {
      const offset = index * (base.duration + pause);
      return {
        ...base,
        flipAngle,
        acquisitionGroup: index === 0 ? base.acquisitionGroup : slot.newGroup(),
        seriesUid: randomUid(random),
        seriesNumber: slot.seriesNumber + index,
        seriesTime: base.seriesTime + offset,
        acquisitionTime: base.acquisitionTime + offset,
        contentTime: base.contentTime + offset,
        description: description.replace('{flip}', String(flipAngle)),
        protocolName: protocolName.replace('{flip}', String(flipAngle)),
        instances: capInstances(all, options.maxInstancesPerSeries),
        plannedInstances: all.length,
        folder,
      };
    });
  }
  const instances: PlannedInstance[] = [];
  const echoes = template.echoes ?? 1;
  // Volumes of a DTI: b = 0 once, then every direction at every b > 0.
  const volumes: PlannedInstance[] | undefined =
    bValues && directions
      ? bValues.flatMap((bValue) =>
          bValue === 0 ? [{ slice: 0, bValue }] : Array.from({ length: directions }, (_, direction) => ({ slice: 0, bValue, direction: direction + 1 })),
        )
      : undefined;
  if (template.mosaic) {
    // One file per volume, every slice tiled in it.
    if (volumes) instances.push(...volumes);
    else for (let phase = 0; phase < phases; phase++) instances.push({ slice: 0, phase: phase + 1 });
  } else if (volumes) {
    for (const volume of volumes) for (let slice = 0; slice < slices; slice++) instances.push({ ...volume, slice });
  } else {
    for (let phase = 0; phase < Math.max(1, phases); phase++) {
      for (let slice = 0; slice < slices; slice++) {
        if (bValues) for (const bValue of bValues) instances.push({ slice, bValue });
        else if (carriedBValue !== undefined) instances.push({ slice, bValue: carriedBValue });
        else if (echoes > 1) for (let echo = 1; echo <= echoes; echo++) instances.push({ slice, echo });
        else instances.push(phases > 0 ? { slice, phase: phase + 1 } : { slice });
      }
    }
  }
  return [
    {
      ...base,
      seriesUid: randomUid(random),
      seriesNumber: slot.seriesNumber,
      description,
      protocolName,
      instances: capInstances(instances, options.maxInstancesPerSeries),
      plannedInstances: instances.length,
      ...(template.mosaic ? { mosaicSlices: slices } : {}),
      ...(phases > 0 ? { numberOfTemporalPositions: phases } : {}),
      folder,
    },
  ];
}

/**
 * The protocol's order with each derived series right after the acquisition it is computed from
 * (ADC after its DWI, FA after its DTI); a derived series whose source the study lacks keeps its place.
 */
function withDerivedAfterSources(templates: readonly SeriesTemplate[]): { template: SeriesTemplate; sourceKind?: string }[] {
  const present = new Set(templates.map((template) => template.id));
  const sourceOf = (template: SeriesTemplate) => template.derivedFrom?.find((kind) => present.has(kind));
  const ordered: { template: SeriesTemplate; sourceKind?: string }[] = [];
  for (const template of templates) {
    if (sourceOf(template) !== undefined) continue;
    ordered.push({ template });
    for (const derived of templates) if (sourceOf(derived) === template.id) ordered.push({ template: derived, sourceKind: template.id });
  }
  return ordered;
}

/** The profiles a cohort draws from: the named vendors, else every profile not held out. */
export function cohortProfiles(vendors?: readonly Vendor[]): VendorProfile[] {
  return PROFILES.filter((profile) => (vendors ? vendors.includes(profile.vendor) : !profile.heldOut));
}

const PATIENT_POSITIONS = { HFS: 0.45, FFS: 0.45, HFP: 0.05, FFP: 0.05 } as const;

export function planCohort(options: PlanOptions): PlannedStudy[] {
  const random = new Random(options.seed);
  const profiles = cohortProfiles(options.vendors);
  if (profiles.length === 0)
    throw new MscError('E_USAGE', `no vendor profile matches ${JSON.stringify(options.vendors)}`, {
      hint: `vendors: ${PROFILES.map((p) => p.vendor).join(', ')}`,
    });
  if (options.maxInstancesPerSeries !== undefined && !(Number.isInteger(options.maxInstancesPerSeries) && options.maxInstancesPerSeries >= 1)) {
    throw new MscError('E_USAGE', `maxInstancesPerSeries must be a whole number ≥ 1, not ${options.maxInstancesPerSeries}`);
  }
  const unknown = options.includeKinds?.filter((id) => !KINDS.some((kind) => kind.id === id)) ?? [];
  if (unknown.length > 0) throw new MscError('E_USAGE', `no series kind ${unknown.join(', ')}`, { hint: `kinds: ${KINDS.map((kind) => kind.id).join(', ')}` });
  const studies: PlannedStudy[] = [];
  for (let s = 0; s < options.studies; s++) {
    const profile = profiles[s % profiles.length]!;
    const roll = random.next();
    const fieldStrength: FieldStrength = profile.models['1.0'] && roll < 0.08 ? '1.0' : roll < 0.45 ? '1.5' : '3';
    const study: PlannedStudy = {
      patientId: `SYN${String(options.seed).padStart(4, '0')}${String(s).padStart(5, '0')}`,
      patientName: `Synthetic^${s}`,
      studyUid: randomUid(random),
      studyDate: dateOf(random),
      vendor: profile.vendor,
      profile,
      fieldStrength,
      model: pick(random, profile.models[fieldStrength]!),
      softwareVersion: pick(random, profile.softwareVersions),
      transmitCoil: pick(random, profile.transmitCoils),
      patientPosition: weighted(random, PATIENT_POSITIONS),
      contrastAgent: pick(random, profile.contrastAgents),
      startTime: draw(random, [7 * 3600, 18 * 3600], 0),
      seriesTimeAtEnd: random.next() < (profile.seriesTimeAtEnd ?? 0.3),
      timeDecimals: pick(random, [0, 2, 3, 6]),
      privateTagsStripped: options.noise && random.next() < 0.1,
      // An anonymizer or archive that does not know the private dictionary writes UN, or OB holding the same bytes.
      privateVr: weighted<PrivateVr>(random, { native: 0.45, UN: 0.3, OB: 0.25 }),
      geOffsetEncoding: random.next() < 0.4,
      series: [],
      extraObjects: [],
    };
    // The protocol in the vendor's order, or (some sites) shuffled after the localizer; once an
    // agent is injected, some scanners name it on every later series.
    const templates = profile.series.filter((template) => random.next() < template.frequency || options.includeKinds?.includes(template.id) === true);
    if (random.next() < 0.3) random.shuffle(templates).sort((a, b) => Number(b.id === 'localizer') - Number(a.id === 'localizer'));
    // A T1 mapping before contrast stays before it, whatever the order.
    const firstContrast = templates.findIndex((template) => template.contrast);
    if (firstContrast >= 0)
      for (let i = templates.length - 1; i > firstContrast; i--)
        if (templates[i]!.flipAngleSeries) templates.splice(firstContrast, 0, ...templates.splice(i, 1));
    const agentCarriesOver = random.next() < 0.4;
    let injected = false;
    // Series numbers run on through the study (a split dynamic takes one per phase); the clock
    // advances by each acquisition and a pause between them.
    let seriesNumber = 1;
    let clock = study.startTime;
    let lastSeriesTime = study.startTime;
    let groups = 0;
    const newGroup = () => `${study.patientId}-${++groups}`;
    const acquired = new Map<string, PlannedSeries>();
    for (const { template, sourceKind } of withDerivedAfterSources(templates)) {
      const source = sourceKind === undefined ? undefined : acquired.get(sourceKind);
      const planned = planSeries(
        random,
        template,
        study,
        { seriesNumber, clock: source ? lastSeriesTime : clock, newGroup, ...(source ? { source } : {}) },
        injected && agentCarriesOver,
        options,
      );
      study.series.push(...planned);
      if (!acquired.has(template.id)) acquired.set(template.id, planned[0]!);
      seriesNumber += planned.length;
      const last = planned[planned.length - 1]!;
      lastSeriesTime = last.seriesTime;
      if (!source) clock = last.acquisitionTime + last.duration + draw(random, [15, 90], 0);
      if (template.contrast) injected = true;
    }
    if (options.noise) {
      if (random.next() < 0.15) study.extraObjects.push('SEG');
      if (random.next() < 0.1) study.extraObjects.push('SR');
    }
    studies.push(study);
  }
  return studies;
}
