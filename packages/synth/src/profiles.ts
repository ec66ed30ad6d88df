/**
 * Vendor profiles: how each scanner names and tags the series kinds of kinds.ts (one data module
 * per vendor under vendors/), checked against a schema when loaded. A study draws one profile and
 * walks its protocol. A new site or vendor is one more module, not new code; held-out profiles
 * (CANON, UIH) are never part of the default mix, so a model trained on it can be scored on
 * vendors and naming it has never seen.
 */
import { COLUMNS, MscError } from '@msc/core';
import { KINDS, kindOf, type SeriesKind } from './kinds.js';
import { SIEMENS } from './vendors/siemens.js';
import { GE } from './vendors/ge.js';
import { PHILIPS } from './vendors/philips.js';
import { TOSHIBA } from './vendors/toshiba.js';
import { HITACHI } from './vendors/hitachi.js';
import { CANON } from './vendors/canon.js';
import { UIH } from './vendors/uih.js';
import { SITE } from './vendors/site.js';

export type { Plane, Range, Readout, SeriesKind } from './kinds.js';
export { KINDS, kindOf } from './kinds.js';

export type { FieldStrength, PrivateBValue, Vendor, VendorData, VendorSeries } from './vendors/vendor-data.js';
import type { PrivateBValue, Vendor, VendorData, VendorSeries } from './vendors/vendor-data.js';

export interface SeriesTemplate extends Omit<SeriesKind, 'about'> {
  descriptions: readonly string[];
  protocolNames?: readonly string[];
  imageTypes: readonly (readonly string[])[];
  sequenceNames: readonly string[];
  scanOptions: string;
  mosaic: boolean;
}

export interface VendorProfile extends Omit<VendorData, 'series'> {
  series: readonly SeriesTemplate[];
}

const VENDOR_DATA: readonly VendorData[] = [SIEMENS, GE, PHILIPS, TOSHIBA, HITACHI, CANON, UIH, SITE];

/** Whether MSC reads b-values from this private element (a column of the core table names it). */
export function privateBValueReadByMsc(layout: PrivateBValue | undefined): boolean {
  return (
    layout !== undefined &&
    COLUMNS.some((spec) => spec.privateCreator === layout.creator && spec.tag?.group === layout.group && (spec.tag.element & 0xff) === layout.element)
  );
}

const isRange = (range: unknown): boolean =>
  typeof range === 'number'
    ? Number.isFinite(range) && range >= 0
    : Array.isArray(range) && range.length === 2 && range.every((v) => Number.isFinite(v) && v >= 0) && range[0] <= range[1];
const isProbability = (p: unknown): boolean => typeof p === 'number' && p >= 0 && p <= 1;
const isWords = (list: unknown, allowEmpty = false): boolean =>
  Array.isArray(list) && list.length > 0 && list.every((item) => typeof item === 'string' && (allowEmpty || item !== ''));
const CS_TOKEN = /^[A-Z0-9_ ]{1,16}$/;

/** Problems of a vendor module's data (empty when it is well formed). */
export function profileProblems(data: VendorData): string[] {
  const problems: string[] = [];
  const at = (where: string, ok: boolean, what: string) => {
    if (!ok) problems.push(`${data.vendor} ${where}: ${what}`);
  };
  at('vendor', /^[A-Z]+$/.test(data.vendor), 'an upper-case id');
  at('manufacturer', typeof data.manufacturer === 'string' && data.manufacturer !== '', 'a name');
  for (const field of ['1.5', '3'] as const) at(`models[${field}]`, isWords(data.models[field]), 'model names');
  if (data.models['1.0'] !== undefined) at('models[1.0]', isWords(data.models['1.0']), 'model names');
  for (const key of ['softwareVersions', 'receiveCoils', 'transmitCoils'] as const) at(key, isWords(data[key]), 'non-empty names');
  for (const plane of ['axial', 'sagittal', 'coronal'] as const) at(`planeWords.${plane}`, isWords(data.planeWords?.[plane]), 'words');
  at('imageType', isWords(data.imageType) && data.imageType.every((token) => CS_TOKEN.test(token)), 'upper-case CS values');
  at(
    'bValueTags',
    isProbability(data.bValueTags?.standard) &&
      isProbability(data.bValueTags.private) &&
      (data.bValueTags.missing === undefined || isProbability(data.bValueTags.missing)),
    'probabilities',
  );
  at('bValueTags.private', data.bValueTags?.private === 0 || data.privateBValue !== undefined, 'a privateBValue layout when private > 0');
  if (data.privateBValue) {
    const { creator, group, element, format } = data.privateBValue;
    at(
      'privateBValue',
      creator !== '' && group % 2 === 1 && group > 0x0008 && element >= 0 && element <= 0xff && ['IS', 'DS', 'FL', 'GE'].includes(format),
      'creator, odd group, element byte, format',
    );
  }
  at('temporalTags', isProbability(data.temporalTags), 'a probability');
  at('triggerTime', isProbability(data.triggerTime), 'a probability');
  if (data.seriesTimeAtEnd !== undefined) at('seriesTimeAtEnd', isProbability(data.seriesTimeAtEnd), 'a probability');
  at('extraScanOptions', Array.isArray(data.extraScanOptions) && data.extraScanOptions.every((token) => CS_TOKEN.test(token)), 'upper-case CS values');
  at('contrastAgents', isWords(data.contrastAgents, true), 'names');
  const kinds = new Set<string>();
  for (const entry of data.series) {
    const where = `series ${entry.kind}`;
    const kind = kindOf(entry.kind);
    at(where, kind !== undefined, `a kind of kinds.ts (${KINDS.map((k) => k.id).join(', ')})`);
    at(where, !kinds.has(entry.kind), 'one entry per kind');
    kinds.add(entry.kind);
    at(`${where} descriptions`, isWords(entry.descriptions, true), 'descriptions');
    if (entry.protocolNames) at(`${where} protocolNames`, isWords(entry.protocolNames), 'names');
    if (entry.imageTypes)
      at(
        `${where} imageTypes`,
        entry.imageTypes.length > 0 && entry.imageTypes.every((type) => isWords(type) && type.every((token) => CS_TOKEN.test(token))),
        'lists of upper-case CS values',
      );
    if (entry.frequency !== undefined) at(`${where} frequency`, isProbability(entry.frequency), 'a probability');
    for (const key of ['echoTime', 'repetitionTime'] as const) if (entry[key] !== undefined) at(`${where} ${key}`, isRange(entry[key]), 'a range');
    if (entry.temporalPositions) at(`${where} temporalPositions`, isRange(entry.temporalPositions) && entry.temporalPositions[0] >= 1, 'a range ≥ 1');
    if (entry.mosaic)
      at(`${where} mosaic`, kind?.readout === 'epi' && (kind.temporalPositions !== undefined || kind.directions !== undefined), 'only for dynamic EPI or DTI');
    for (const name of typeof entry.sequenceName === 'string' ? [entry.sequenceName] : (entry.sequenceName ?? []))
      if (name.includes('{b}')) at(`${where} sequenceName`, kind?.bValues !== undefined, '{b} only where the kind has b-values');
    if (entry.kind === 'b0-only') at(where, data.bValueTags?.omitZero !== true, 'no b0-only series where b = 0 is never written');
  }
  return problems;
}

const byKind = (id: string) => kindOf(id);

/** Checks a module's kind data too (ranges, probabilities, labels). */
export function kindProblems(kind: SeriesKind): string[] {
  const problems: string[] = [];
  const at = (where: string, ok: boolean) => {
    if (!ok) problems.push(`kind ${kind.id}: ${where}`);
  };
  at('label', ['ADC', 'DCE', 'DWI', 'Others', 'T2W'].includes(kind.label));
  for (const key of ['echoTime', 'repetitionTime', 'flipAngle', 'echoTrainLength', 'inversionTime'] as const)
    if (kind[key] !== undefined) at(key, isRange(kind[key]));
  at('slices', isRange(kind.slices) && kind.slices[0] >= 1);
  if (kind.temporalPositions) at('temporalPositions', isRange(kind.temporalPositions) && kind.temporalPositions[0] >= 1);
  at('frequency', isProbability(kind.frequency));
  at(
    'planes',
    Object.values(kind.planes).some((w) => w > 0),
  );
  if (kind.label === 'T2W')
    at(
      'T2W is axial only',
      Object.keys(kind.planes).every((plane) => plane === 'axial'),
    );
  if (kind.bValues)
    at(
      'bValues',
      kind.bValues.every((set) => set.length > 0 && set.every((b) => b >= 0 && b <= 5000)),
    );
  if (kind.label === 'DWI') at('DWI has b > 0', kind.bValues?.some((set) => set.some((b) => b > 0)) === true);
  if (kind.label !== 'DWI') at('only DWI has b > 0', !kind.bValues?.some((set) => set.some((b) => b > 0)));
  for (const source of kind.derivedFrom ?? []) at(`derivedFrom ${source} is a kind`, byKind(source) !== undefined);
  if (kind.split)
    at(
      'split',
      isProbability(kind.split.probability) && isRange(kind.split.phases) && isRange(kind.split.slices) && kind.split.phases[0] > kind.split.nativePhases[1],
    );
  return problems;
}

function template(data: Pick<VendorData, 'imageType'>, entry: VendorSeries): SeriesTemplate {
  const { about: _about, ...kind } = kindOf(entry.kind)!;
  return {
    ...kind,
    descriptions: entry.descriptions,
    ...(entry.protocolNames ? { protocolNames: entry.protocolNames } : {}),
    imageTypes: entry.imageTypes ?? [data.imageType],
    sequenceNames: typeof entry.sequenceName === 'string' ? [entry.sequenceName] : (entry.sequenceName ?? ['']),
    scanOptions: entry.scanOptions ?? '',
    scanningSequence: entry.scanningSequence ?? kind.scanningSequence,
    sequenceVariant: entry.sequenceVariant ?? kind.sequenceVariant,
    frequency: entry.frequency ?? kind.frequency,
    mosaic: entry.mosaic === true,
    ...(entry.temporalPositions ? { temporalPositions: entry.temporalPositions } : {}),
    ...(entry.echoTime !== undefined ? { echoTime: entry.echoTime } : {}),
    ...(entry.repetitionTime !== undefined ? { repetitionTime: entry.repetitionTime } : {}),
  };
}

/** Checks and assembles the profiles (a malformed module is a programming error, reported whole). */
export function buildProfiles(modules: readonly VendorData[]): VendorProfile[] {
  const problems = [...KINDS.flatMap(kindProblems), ...modules.flatMap(profileProblems)];
  const vendors = modules.map((data) => data.vendor);
  if (new Set(vendors).size !== vendors.length) problems.push(`vendor ids repeat: ${vendors.join(', ')}`);
  if (problems.length > 0) throw new MscError('E_CONFIG', `synthetic vendor profiles are malformed:\n  ${problems.join('\n  ')}`);
  return modules.map(({ series, ...data }) => ({ ...data, series: series.map((entry) => template(data, entry)) }));
}

export const PROFILES: readonly VendorProfile[] = buildProfiles(VENDOR_DATA);

/** Vendors of the default mix (what a cohort holds unless `vendors` names others). */
export const DEFAULT_VENDORS: readonly Vendor[] = PROFILES.filter((profile) => !profile.heldOut).map((profile) => profile.vendor);
/** Vendors made only on request: the held-out vendor benchmarks. */
export const HELD_OUT_VENDORS: readonly Vendor[] = PROFILES.filter((profile) => profile.heldOut && !profile.site).map((profile) => profile.vendor);
/** Site profiles, made only on request: one hospital's habits (site models from reviewed series). */
export const SITE_VENDORS: readonly Vendor[] = PROFILES.filter((profile) => profile.site).map((profile) => profile.vendor);
export const ALL_VENDORS: readonly Vendor[] = PROFILES.map((profile) => profile.vendor);

/**
 * Descriptions a site may use instead of the vendor's, by kind (other languages, local habits).
 * Kinds not named keep the vendor's. None makes a prostate_mpmri rule fire against the label.
 */
export const SITE_DESCRIPTIONS: Readonly<Record<string, readonly string[]>> = {
  't2-axial': ['T2 transversal', 'T2 axial próstata', 'T2 ax prostata', 'PROSTATA T2 TRA', 'T2 assiale', 'T2 osiowo', 'T2 aksiyel', 'T2 TSE transversal'],
  dwi: [
    'Difusão b1000',
    'Diffusion axiale',
    'Diffusion b800 ax',
    'DIFUSION PROSTATA',
    'Diffusione b1000',
    'Dyfuzja b800',
    'Difüzyon',
    'Diffusionsbildgebung',
    'DWI próstata',
  ],
  adc: [
    'Mapa ADC',
    'carte ADC',
    'ADC prostata',
    'Mappa ADC',
    'ADC-Karte',
    'ADC haritası',
    'Apparent Diffusion Coefficient',
    'Coefficient de diffusion apparent',
    'Coeficiente de difusión aparente (ADC)',
  ],
  dce: ['Perfusión dinámica', 'Perfusion dynamique', 'T1 dinamico', 'DYNAMIK KM', 'Dinamico con contrasto', 'Dynamika T1', 'Dynamisk kontrast'],
  localizer: ['Topograma', 'Übersicht', 'Planificación', 'Repérage', 'Localizzatore', 'Lokalizator'],
  't1-tse': ['T1 sagital', 'T1 transversal', 'T1 assiale', 'T1 pelvis transversal'],
  bold: ['IRMf repos', 'fMRT Ruhe', 'RMf reposo', 'Functional resting state'],
  flair: ['FLAIR transversal', 'FLAIR assiale', 'FLAIR axial cerebro'],
  'dwi-calculated': ['Difusão b1500 calc', 'Diffusion b1400 calculée', 'Berechnete Diffusion b1500'],
};

/** Descriptions that say nothing useful. */
export const GENERIC_DESCRIPTIONS: readonly string[] = ['', 'MR', 'Series', 'PROSTATE', 'MRI PELVIS', 'Serie 1', 'SE'];

/** Misleading names: a series described as another kind (descriptions alone cannot be trusted). */
export const MISLEADING_DESCRIPTIONS: Readonly<Record<string, readonly string[]>> = {
  dce: ['t1_vibe_tra', 'T1 3D'],
  adc: ['dwi', 'DWI_tra'],
  'dwi-calculated': ['ADC_b1400_calc'],
  't2-sagittal': ['t2_tse'],
  't1-post': ['t1_vibe_dyn_tra', 'DCE post'],
  't1-3d-pre': ['t1_vibe_dyn_tra_pre'],
  flair: ['Ax T2 FLAIR', 't2_tirm_tra_dark-fluid'],
  t2star: ['T2* GRE', 'T2W_FFE'],
  dsc: ['DCE perfusion EPI'],
  eadc: ['ADC exp'],
};
