/**
 * Planning a cohort: which studies, which series, what each series' header says, and the archive
 * noise applied on top. Pure data, drawn from one seeded PRNG, so a seed fixes everything.
 */
import { MscError, Random, type ClassLabel } from '@msc/core';
import type { Plane } from './kinds.js';
import { draw, drawNuisance, pick, weighted, type Nuisance } from './nuisance.js';
import type { TransferSyntax } from './part10.js';
import {
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
}

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
  /** Write the vendor's private b-value, and as VR UN rather than its real VR. */
  privateBValue: boolean;
  privateAsUN: boolean;
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
  /** An anonymizer removed every private element (b-values in private tags are lost). */
  privateTagsStripped: boolean;
  /** The archive path lost private VRs (UN), and GE's software writes the large-offset b-value: both per study, not per series. */
  privateAsUN: boolean;
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
export function capInstances<T extends { bValue?: number; phase?: number; echo?: number }>(instances: T[], cap: number | undefined): T[] {
  if (cap === undefined || instances.length <= cap) return instances;
  const groups = new Map<string, number[]>();
  instances.forEach((instance, index) => {
    const key = `${instance.bValue ?? ''}|${instance.phase ?? ''}|${instance.echo ?? ''}`;
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

function planSeries(
  random: Random,
  template: SeriesTemplate,
  study: PlannedStudy,
  seriesNumber: number,
  afterContrast: boolean,
  options: PlanOptions,
): PlannedSeries[] {
  const { noise } = options;
  const profile = study.profile;
  const plane = weighted<Plane | 'three-plane'>(random, template.planes);
  const nuisance = drawNuisance(random, template, plane);
  const slices = template.slices[0] + random.int(template.slices[1] - template.slices[0] + 1);
  let phases = template.temporalPositions ? template.temporalPositions[0] + random.int(template.temporalPositions[1] - template.temporalPositions[0] + 1) : 0;
  // ASL acquires label/control pairs.
  if (template.id === 'asl' && phases % 2 === 1) phases += 1;
  const split = phases > 0 && random.next() < (template.splitPhases ?? 0);
  const bValues = template.bValues ? pick(random, template.bValues) : undefined;
  const imageType = pick(random, template.imageTypes);
  const sequenceName = pick(random, template.sequenceNames);
  // Research sequences (GE RM): ScanningSequence says nothing, whatever the kind.
  const scanningSequence = random.next() < 0.03 ? 'RM' : template.scanningSequence;
  let standardBValue = random.next() < profile.bValueTags.standard;
  let privateBValue = random.next() < profile.bValueTags.private;
  const noBValue = random.next() < (profile.bValueTags.missing ?? 0);
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
  const echoTime = draw(random, template.echoTime);
  const repetitionTime = draw(random, template.repetitionTime);
  const echoTrainLength = template.echoTrainLength !== undefined ? draw(random, template.echoTrainLength, 0) : nuisance.readoutEchoTrainLength;
  const temporalTags = phases > 0 && (template.id === 'dce' || random.next() < profile.temporalTags);
  const base = {
    ...nuisance,
    template,
    label: template.label,
    plane,
    imageType,
    sequenceName,
    scanningSequence,
    echoTime,
    repetitionTime,
    flipAngle: draw(random, template.flipAngle, 0),
    ...(echoTrainLength !== undefined ? { echoTrainLength } : {}),
    ...(template.inversionTime !== undefined ? { inversionTime: draw(random, template.inversionTime, 0) } : {}),
    receiveCoil: pick(random, profile.receiveCoils),
    scanOptions: scanOptionsOf(random, template, profile),
    contrastAgent: template.contrast || afterContrast ? study.contrastAgent : '',
    temporalTags,
    ...(phases > 0
      ? { temporalResolution: template.id === 'dce' ? draw(random, [3000, 15000], 0) : template.id === 'asl' ? 2 * repetitionTime : repetitionTime }
      : {}),
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
    privateAsUN: study.privateAsUN,
    standardBValue,
    omitZeroBValue,
    noBValue,
    noExtension: noise && random.next() < 0.2,
    splitFolders: noise && !split && random.next() < 0.04,
  };
  const { description, protocolName } = describe(random, template, plane, study, noise, evident ? undefined : evidence!.words);
  const folder = `${String(seriesNumber).padStart(3, '0')}_${template.id}`;
  if (split) {
    // One series per phase, all in one folder: two series in one folder, as archives have them.
    return Array.from({ length: phases }, (_, phase) => {
      const all = Array.from({ length: slices }, (_, slice) => ({ slice, phase: phase + 1 }));
      return {
        ...base,
        seriesUid: randomUid(random),
        seriesNumber: seriesNumber * 100 + phase + 1,
        description: description ? `${description}_ph${phase + 1}` : description,
        protocolName,
        instances: capInstances(all, options.maxInstancesPerSeries),
        plannedInstances: all.length,
        numberOfTemporalPositions: phases,
        folder,
      };
    });
  }
  const instances: PlannedInstance[] = [];
  const echoes = template.echoes ?? 1;
  if (template.mosaic) {
    // One file per volume, every slice tiled in it.
    for (let phase = 0; phase < phases; phase++) instances.push({ slice: 0, phase: phase + 1 });
  } else {
    for (let phase = 0; phase < Math.max(1, phases); phase++) {
      for (let slice = 0; slice < slices; slice++) {
        if (bValues) for (const bValue of bValues) instances.push({ slice, bValue });
        else if (echoes > 1) for (let echo = 1; echo <= echoes; echo++) instances.push({ slice, echo });
        else instances.push(phases > 0 ? { slice, phase: phase + 1 } : { slice });
      }
    }
  }
  return [
    {
      ...base,
      seriesUid: randomUid(random),
      seriesNumber,
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
      privateTagsStripped: options.noise && random.next() < 0.1,
      privateAsUN: random.next() < 0.5,
      geOffsetEncoding: random.next() < 0.4,
      series: [],
      extraObjects: [],
    };
    // The protocol in the vendor's order, or (some sites) shuffled after the localizer; once an
    // agent is injected, some scanners name it on every later series.
    const templates = profile.series.filter((template) => random.next() < template.frequency);
    if (random.next() < 0.3) random.shuffle(templates).sort((a, b) => Number(b.id === 'localizer') - Number(a.id === 'localizer'));
    const agentCarriesOver = random.next() < 0.4;
    let injected = false;
    templates.forEach((template, index) => {
      study.series.push(...planSeries(random, template, study, index + 1, injected && agentCarriesOver, options));
      if (template.contrast) injected = true;
    });
    if (options.noise) {
      if (random.next() < 0.15) study.extraObjects.push('SEG');
      if (random.next() < 0.1) study.extraObjects.push('SR');
    }
    studies.push(study);
  }
  return studies;
}
