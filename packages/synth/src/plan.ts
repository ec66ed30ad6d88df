/**
 * Planning a cohort: which studies, which series, what each series' header says, and the archive
 * noise applied on top. Pure data, drawn from one seeded PRNG, so a seed fixes everything.
 */
import { MscError, Random, type ClassLabel } from '@msc/core';
import {
  GENERIC_DESCRIPTIONS,
  MISLEADING_DESCRIPTIONS,
  PROFILES,
  SITE_DESCRIPTIONS,
  type Range,
  type SeriesTemplate,
  type Vendor,
  type VendorProfile,
} from './profiles.js';

import type { TransferSyntax } from './part10.js';

export type { TransferSyntax };

export interface PlannedSeries {
  template: SeriesTemplate;
  label: ClassLabel;
  seriesUid: string;
  seriesNumber: number;
  description: string;
  /** One entry per instance written: slice index, b-value (if any), temporal position (if any). */
  instances: { slice: number; bValue?: number; phase?: number }[];
  /** Instances the full series has (more than `instances` under `maxInstancesPerSeries`). */
  plannedInstances: number;
  numberOfTemporalPositions?: number;
  echoTime: number;
  repetitionTime: number;
  flipAngle: number;
  echoTrainLength?: number;
  pixelBandwidth: number;
  sliceThickness: number;
  /** Rotation (radians) about the slice normal: real prescriptions are a little oblique. */
  obliquity: number;
  /** Tilt (radians) of the slice plane about its row direction (axial prostate planes are angled to the gland). */
  tilt: number;
  /** Reconstructed matrix (rows = columns). */
  matrix: number;
  inPlanePhaseEncoding: 'ROW' | 'COL';
  protocolName: string;
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
  fieldStrength: '1.5' | '3';
  model: string;
  softwareVersion: string;
  receiveCoil: string;
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

export function draw(random: Random, range: Range, decimals = 2): number {
  if (typeof range === 'number') return range;
  const value = range[0] + random.next() * (range[1] - range[0]);
  return Number(value.toFixed(decimals));
}

const pick = <T>(random: Random, items: readonly T[]): T => items[random.int(items.length)]!;

function dateOf(random: Random): string {
  const year = 2015 + random.int(10);
  const month = 1 + random.int(12);
  const day = 1 + random.int(28);
  return `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
}

/** Tags an archive may lose; never the identifiers, never what makes a file an MR image. */
const DROPPABLE_TAGS = ['00180087', '00181020', '00181250', '00181251', '00180095', '00181316', '00180094', '00180091', '00185100', '00180023', '00180022', '00181312', '00180024', '00181030'];

/** The series description (after archive noise) and the protocol name the scanner kept. */
function describe(random: Random, template: SeriesTemplate, study: { studyDate: string }, noise: boolean): { description: string; protocolName: string } {
  const base = pick(random, template.descriptions);
  const protocolName = template.protocolNames ? pick(random, template.protocolNames) : base;
  if (!noise) return { description: base, protocolName };
  let description = base;
  const roll = random.next();
  // A site that renames a series renames its protocol on the scanner half of the time.
  const renamed = (text: string) => ({ description: text, protocolName: random.next() < 0.5 ? text : protocolName });
  if (roll < 0.1) return renamed(pick(random, GENERIC_DESCRIPTIONS));
  if (roll < 0.17) return renamed(pick(random, SITE_DESCRIPTIONS[template.label]));
  if (roll < 0.21 && MISLEADING_DESCRIPTIONS[template.id]) description = pick(random, MISLEADING_DESCRIPTIONS[template.id]!);
  else if (roll < 0.27) {
    const d = study.studyDate;
    description = `${description} ${d.slice(6, 8)}/${d.slice(4, 6)}/${d.slice(0, 4)}`;
  } else if (roll < 0.3) description = `${description} ${10 + random.int(8)}:${String(random.int(60)).padStart(2, '0')}:${String(random.int(60)).padStart(2, '0')}`;
  return { description, protocolName };
}

/**
 * At most `cap` instances, spread over the distinct (b-value, temporal position) pairs in turn so
 * that each keeps one while the cap allows; original order kept.
 */
export function capInstances<T extends { bValue?: number; phase?: number }>(instances: T[], cap: number | undefined): T[] {
  if (cap === undefined || instances.length <= cap) return instances;
  const groups = new Map<string, number[]>();
  instances.forEach((instance, index) => {
    const key = `${instance.bValue ?? ''}|${instance.phase ?? ''}`;
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

function planSeries(random: Random, template: SeriesTemplate, study: PlannedStudy, seriesNumber: number, options: PlanOptions): PlannedSeries[] {
  const { noise } = options;
  const profile = study.profile;
  const slices = template.slices[0] + random.int(template.slices[1] - template.slices[0] + 1);
  const phases = template.phases ? template.phases[0] + random.int(template.phases[1] - template.phases[0] + 1) : 0;
  const split = phases > 0 && random.next() < (template.splitPhases ?? 0);
  const bValues = template.bValues ? pick(random, template.bValues) : undefined;
  const plane = template.plane;
  // Axial prostate planes are tilted to the gland's axis; sagittal and coronal less so.
  const maxTilt = plane === 'axial' ? 0.35 : plane === 'coronal' ? 0.25 : plane === 'sagittal' ? 0.15 : 0;
  let standardBValue = random.next() < profile.bValueTags.standard;
  let privateBValue = random.next() < profile.bValueTags.private;
  const noBValue = random.next() < (profile.bValueTags.missing ?? 0);
  if (noBValue) standardBValue = privateBValue = false;
  else if (!standardBValue && !privateBValue) standardBValue = true;
  if (study.privateTagsStripped) privateBValue = false;
  const base = {
    template,
    label: template.label,
    echoTime: draw(random, template.echoTime),
    repetitionTime: draw(random, template.repetitionTime),
    flipAngle: draw(random, template.flipAngle, 0),
    ...(template.echoTrainLength !== undefined ? { echoTrainLength: draw(random, template.echoTrainLength, 0) } : {}),
    pixelBandwidth: draw(random, template.pixelBandwidth, 0),
    sliceThickness: draw(random, template.sliceThickness, 1),
    obliquity: plane === 'three-plane' ? 0 : (random.next() - 0.5) * 0.2,
    tilt: (random.next() - 0.5) * 2 * maxTilt,
    matrix: typeof template.matrix === 'number' ? template.matrix : pick(random, template.matrix),
    inPlanePhaseEncoding: (random.next() < profile.phaseEncodingRow[plane === 'axial' ? 'axial' : 'other'] ? 'ROW' : 'COL') as 'ROW' | 'COL',
    transferSyntax: (!noise ? 'explicit-little' : random.next() < 0.06 ? 'implicit-little' : random.next() < 0.03 ? 'explicit-big' : 'explicit-little') as TransferSyntax,
    dropTags: new Set(noise && random.next() < 0.2 ? [pick(random, DROPPABLE_TAGS), pick(random, DROPPABLE_TAGS)] : []),
    geOffsetEncoding: study.geOffsetEncoding,
    privateBValue,
    privateAsUN: study.privateAsUN,
    standardBValue,
    omitZeroBValue: profile.bValueTags.omitZero === true,
    noBValue,
    noExtension: noise && random.next() < 0.2,
    splitFolders: noise && !split && random.next() < 0.04,
  };
  const { description, protocolName } = describe(random, template, study, noise);
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
  const instances: PlannedSeries['instances'] = [];
  for (let phase = 0; phase < Math.max(1, phases); phase++) {
    for (let slice = 0; slice < slices; slice++) {
      if (bValues) for (const bValue of bValues) instances.push({ slice, bValue });
      else instances.push(phases > 0 ? { slice, phase: phase + 1 } : { slice });
    }
  }
  return [{
    ...base,
    seriesUid: randomUid(random),
    seriesNumber,
    description,
    protocolName,
    instances: capInstances(instances, options.maxInstancesPerSeries),
    plannedInstances: instances.length,
    ...(phases > 0 ? { numberOfTemporalPositions: phases } : {}),
    folder,
  }];
}

/** The profiles a cohort draws from: the named vendors, else every profile not held out. */
export function cohortProfiles(vendors?: readonly Vendor[]): VendorProfile[] {
  return PROFILES.filter((profile) => (vendors ? vendors.includes(profile.vendor) : !profile.heldOut));
}

export function planCohort(options: PlanOptions): PlannedStudy[] {
  const random = new Random(options.seed);
  const profiles = cohortProfiles(options.vendors);
  if (profiles.length === 0) throw new MscError('E_USAGE', `no vendor profile matches ${JSON.stringify(options.vendors)}`, { hint: `vendors: ${PROFILES.map((p) => p.vendor).join(', ')}` });
  if (options.maxInstancesPerSeries !== undefined && !(Number.isInteger(options.maxInstancesPerSeries) && options.maxInstancesPerSeries >= 1)) {
    throw new MscError('E_USAGE', `maxInstancesPerSeries must be a whole number ≥ 1, not ${options.maxInstancesPerSeries}`);
  }
  const studies: PlannedStudy[] = [];
  for (let s = 0; s < options.studies; s++) {
    const profile = profiles[s % profiles.length]!;
    const fieldStrength = random.next() < 0.4 ? '1.5' : '3';
    const study: PlannedStudy = {
      patientId: `SYN${String(options.seed).padStart(4, '0')}${String(s).padStart(5, '0')}`,
      patientName: `Synthetic^${s}`,
      studyUid: randomUid(random),
      studyDate: dateOf(random),
      vendor: profile.vendor,
      profile,
      fieldStrength,
      model: pick(random, profile.models[fieldStrength]),
      softwareVersion: pick(random, profile.softwareVersions),
      receiveCoil: pick(random, profile.receiveCoils),
      contrastAgent: pick(random, profile.contrastAgents),
      privateTagsStripped: options.noise && random.next() < 0.1,
      privateAsUN: random.next() < 0.5,
      geOffsetEncoding: random.next() < 0.4,
      series: [],
      extraObjects: [],
    };
    let seriesNumber = 1;
    for (const template of profile.series) {
      if (random.next() >= template.frequency) continue;
      study.series.push(...planSeries(random, template, study, seriesNumber, options));
      seriesNumber += 1;
    }
    if (options.noise) {
      if (random.next() < 0.15) study.extraObjects.push('SEG');
      if (random.next() < 0.1) study.extraObjects.push('SR');
    }
    studies.push(study);
  }
  return studies;
}
