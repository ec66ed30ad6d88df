/**
 * Planning a cohort: which studies, which series, what each series' header says, and the archive
 * noise applied on top. Pure data, drawn from one seeded PRNG, so a seed fixes everything.
 */
import { Random, type ClassLabel } from '@msc/core';
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

export type TransferSyntax = 'explicit-little' | 'implicit-little' | 'explicit-big';

export interface PlannedSeries {
  template: SeriesTemplate;
  label: ClassLabel;
  seriesUid: string;
  seriesNumber: number;
  description: string;
  /** One entry per instance: slice index, b-value (if any), temporal position (if any). */
  instances: { slice: number; bValue?: number; phase?: number }[];
  numberOfTemporalPositions?: number;
  echoTime: number;
  repetitionTime: number;
  flipAngle: number;
  echoTrainLength?: number;
  pixelBandwidth: number;
  sliceThickness: number;
  /** Rotation (radians) about the slice normal: real prescriptions are a little oblique. */
  obliquity: number;
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
  series: PlannedSeries[];
  /** Non-image objects written beside the images (must be skipped by readers). */
  extraObjects: ('SEG' | 'SR')[];
}

export interface PlanOptions {
  studies: number;
  seed: number;
  vendors?: readonly Vendor[];
  noise: boolean;
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
const DROPPABLE_TAGS = ['00180087', '00181020', '00181250', '00181251', '00180095', '00181316', '00180094', '00180091', '00185100', '00180023', '00180022', '00181312'];

function describe(random: Random, template: SeriesTemplate, study: { studyDate: string }, noise: boolean): string {
  let description = pick(random, template.descriptions);
  if (!noise) return description;
  const roll = random.next();
  if (roll < 0.06) description = pick(random, GENERIC_DESCRIPTIONS);
  else if (roll < 0.12) description = pick(random, SITE_DESCRIPTIONS[template.label]);
  else if (roll < 0.16 && MISLEADING_DESCRIPTIONS[template.id]) description = pick(random, MISLEADING_DESCRIPTIONS[template.id]!);
  else if (roll < 0.22) {
    const d = study.studyDate;
    description = `${description} ${d.slice(6, 8)}/${d.slice(4, 6)}/${d.slice(0, 4)}`;
  } else if (roll < 0.25) description = `${description} ${10 + random.int(8)}:${String(random.int(60)).padStart(2, '0')}:${String(random.int(60)).padStart(2, '0')}`;
  return description;
}

function planSeries(random: Random, template: SeriesTemplate, study: PlannedStudy, seriesNumber: number, noise: boolean): PlannedSeries[] {
  const slices = template.slices[0] + random.int(template.slices[1] - template.slices[0] + 1);
  const phases = template.phases ? template.phases[0] + random.int(template.phases[1] - template.phases[0] + 1) : 0;
  const split = phases > 0 && random.next() < (template.splitPhases ?? 0);
  const base = {
    template,
    label: template.label,
    echoTime: draw(random, template.echoTime),
    repetitionTime: draw(random, template.repetitionTime),
    flipAngle: draw(random, template.flipAngle, 0),
    ...(template.echoTrainLength !== undefined ? { echoTrainLength: draw(random, template.echoTrainLength, 0) } : {}),
    pixelBandwidth: draw(random, template.pixelBandwidth, 0),
    sliceThickness: draw(random, template.sliceThickness, 1),
    obliquity: template.plane === 'three-plane' ? 0 : (random.next() - 0.5) * 0.2,
    transferSyntax: (!noise ? 'explicit-little' : random.next() < 0.06 ? 'implicit-little' : random.next() < 0.03 ? 'explicit-big' : 'explicit-little') as TransferSyntax,
    dropTags: new Set(noise && random.next() < 0.15 ? [pick(random, DROPPABLE_TAGS), pick(random, DROPPABLE_TAGS)] : []),
    geOffsetEncoding: random.next() < 0.3,
    privateBValue: random.next() < study.profile.bValueTags.private,
    privateAsUN: random.next() < 0.5,
    standardBValue: random.next() < study.profile.bValueTags.standard,
    noExtension: noise && random.next() < 0.2,
    splitFolders: noise && !split && random.next() < 0.04,
  };
  const description = describe(random, template, study, noise);
  const folder = `${String(seriesNumber).padStart(3, '0')}_${template.id}`;
  if (split) {
    // One series per phase, all in one folder: two series in one folder, as archives have them.
    return Array.from({ length: phases }, (_, phase) => ({
      ...base,
      seriesUid: randomUid(random),
      seriesNumber: seriesNumber * 100 + phase + 1,
      description: description ? `${description}_ph${phase + 1}` : description,
      instances: Array.from({ length: slices }, (_, slice) => ({ slice, phase: phase + 1 })),
      numberOfTemporalPositions: phases,
      folder,
    }));
  }
  const instances: PlannedSeries['instances'] = [];
  const bValues = template.bValues;
  for (let phase = 0; phase < Math.max(1, phases); phase++) {
    for (let slice = 0; slice < slices; slice++) {
      if (bValues) for (const bValue of bValues) instances.push({ slice, bValue });
      else instances.push(phases > 0 ? { slice, phase: phase + 1 } : { slice });
    }
  }
  return [{ ...base, seriesUid: randomUid(random), seriesNumber, description, instances, ...(phases > 0 ? { numberOfTemporalPositions: phases } : {}), folder }];
}

export function planCohort(options: PlanOptions): PlannedStudy[] {
  const random = new Random(options.seed);
  const profiles = PROFILES.filter((profile) => !options.vendors || options.vendors.includes(profile.vendor));
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
      series: [],
      extraObjects: [],
    };
    let seriesNumber = 1;
    for (const template of profile.series) {
      if (random.next() >= template.frequency) continue;
      study.series.push(...planSeries(random, template, study, seriesNumber, options.noise));
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
