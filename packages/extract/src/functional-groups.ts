/**
 * Enhanced multi-frame files (Enhanced MR, Philips and Siemens XA enhanced objects) keep most of
 * the values a classic MR file has at the top level in functional groups: the Shared (5200,9229)
 * and Per-frame (5200,9230) Functional Groups Sequences, one macro sequence per kind of value
 * (MR Echo, MR Timing, Pixel Measures, …). For a column whose own tag is missing, this finds the
 * value: the equivalent attribute at the top level wins, else the shared group, else the frames —
 * the first frame's value, or for the columns core's tag table marks `perFrameValues` (b-values,
 * temporal positions, TE, …) every distinct frame value, so a multi-frame file reduces as the
 * same frames written as single-frame files would. The scanning technique, which classic files
 * code as ScanningSequence/SequenceVariant, is derived from the enhanced attributes that replace
 * them (EchoPulseSequence, InversionRecovery, …).
 */
import type { TextDecoder } from 'node:util';
import { compareReducedValues, type ColumnSpec } from '@msc/core/lean';
import type { KeepOptions, ParsedHeader, RawElement } from './reader/parse.js';
import { elementValues } from './values/convert.js';

const SHARED_FUNCTIONAL_GROUPS = 0x52009229;
const PER_FRAME_FUNCTIONAL_GROUPS = 0x52009230;

// Functional group macros (sequences inside a shared or per-frame item).
const MR_IMAGING_MODIFIER = 0x00189006;
const MR_RECEIVE_COIL = 0x00189042;
const MR_TRANSMIT_COIL = 0x00189049;
const MR_TIMING = 0x00189112;
const MR_ECHO = 0x00189114;
const MR_MODIFIER = 0x00189115;
const MR_DIFFUSION = 0x00189117;
const MR_FOV_GEOMETRY = 0x00189125;
const MR_IMAGE_FRAME_TYPE = 0x00189226;
const SAR_SEQUENCE = 0x00189239;
const CARDIAC_SYNCHRONIZATION = 0x00189118;
const FRAME_CONTENT = 0x00209111;
const PLANE_ORIENTATION = 0x00209116;
const PIXEL_MEASURES = 0x00289110;

/** An enhanced attribute: its tag and VR, and the macro (and sequence in it) that holds it in frames. */
interface Attribute {
  readonly tag: number;
  readonly vr: string;
  readonly macro?: number;
  readonly inner?: number;
}

const attribute = (tag: number, vr: string, macro?: number, inner?: number): Attribute => ({
  tag,
  vr,
  ...(macro ? { macro } : {}),
  ...(inner ? { inner } : {}),
});

/** Column → where enhanced files keep its value (when the column's own tag is absent). */
const COLUMN_ATTRIBUTES: Readonly<Record<string, Attribute>> = {
  image_type: attribute(0x00089007, 'CS', MR_IMAGE_FRAME_TYPE), // FrameType
  sequence_name: attribute(0x00189005, 'SH'), // PulseSequenceName
  repetition_time: attribute(0x00180080, 'DS', MR_TIMING),
  flip_angle: attribute(0x00181314, 'DS', MR_TIMING),
  echo_train_length: attribute(0x00180091, 'IS', MR_TIMING),
  sar: attribute(0x00189181, 'FD', MR_TIMING, SAR_SEQUENCE), // SpecificAbsorptionRateValue
  echo_time: attribute(0x00189082, 'FD', MR_ECHO), // EffectiveEchoTime
  inversion_time: attribute(0x00189079, 'FD', MR_MODIFIER), // InversionTimes
  diffusion_bvalue: attribute(0x00189087, 'FD', MR_DIFFUSION),
  diffusion_directionality: attribute(0x00189075, 'CS', MR_DIFFUSION),
  pixel_bandwidth: attribute(0x00180095, 'DS', MR_IMAGING_MODIFIER),
  receive_coil_name: attribute(0x00181250, 'SH', MR_RECEIVE_COIL),
  transmit_coil_name: attribute(0x00181251, 'SH', MR_TRANSMIT_COIL),
  percent_phase_field_of_view: attribute(0x00180094, 'DS', MR_FOV_GEOMETRY),
  in_plane_phase_encoding_direction: attribute(0x00181312, 'CS', MR_FOV_GEOMETRY),
  number_of_phase_encoding_steps: attribute(0x00189231, 'US', MR_FOV_GEOMETRY), // MRAcquisitionPhaseEncodingStepsInPlane
  pixel_spacing: attribute(0x00280030, 'DS', PIXEL_MEASURES),
  slice_thickness: attribute(0x00180050, 'DS', PIXEL_MEASURES),
  image_orientation_patient: attribute(0x00200037, 'DS', PLANE_ORIENTATION),
  temporal_position_identifier: attribute(0x00209128, 'UL', FRAME_CONTENT), // TemporalPositionIndex
  trigger_time: attribute(0x00209153, 'FD', CARDIAC_SYNCHRONIZATION), // NominalCardiacTriggerDelayTime
};

// FrameAcquisitionDateTime (DT): acquisition_time keeps its time of day, as a classic file's TM.
const FRAME_ACQUISITION_DATETIME = attribute(0x00189074, 'DT', FRAME_CONTENT);

// The enhanced attributes that replace ScanningSequence (0018,0020) and SequenceVariant (0018,0021).
const ECHO_PULSE_SEQUENCE = attribute(0x00189008, 'CS');
const INVERSION_RECOVERY = attribute(0x00189009, 'CS', MR_MODIFIER);
const SPOILING = attribute(0x00189016, 'CS');
const STEADY_STATE = attribute(0x00189017, 'CS');
const ECHO_PLANAR = attribute(0x00189018, 'CS');
const MAGNETIZATION_TRANSFER = attribute(0x00189020, 'CS', MR_IMAGING_MODIFIER);
const T2_PREPARATION = attribute(0x00189021, 'CS', MR_MODIFIER);
const OVERSAMPLING_PHASE = attribute(0x00189029, 'CS');
const SEGMENTED_K_SPACE = attribute(0x00189033, 'CS');
const TECHNIQUE_ATTRIBUTES = [
  ECHO_PULSE_SEQUENCE,
  INVERSION_RECOVERY,
  SPOILING,
  STEADY_STATE,
  ECHO_PLANAR,
  MAGNETIZATION_TRANSFER,
  T2_PREPARATION,
  OVERSAMPLING_PHASE,
  SEGMENTED_K_SPACE,
];
const TEMPORAL_POSITION_INDEX = COLUMN_ATTRIBUTES.temporal_position_identifier!;

const ALL_ATTRIBUTES = [...Object.values(COLUMN_ATTRIBUTES), FRAME_ACQUISITION_DATETIME, ...TECHNIQUE_ATTRIBUTES];

/** Top-level tags the parser must keep for this module, with their VRs (for implicit VR). */
export const ENHANCED_TOP_LEVEL_VRS: ReadonlyMap<number, string> = new Map(ALL_ATTRIBUTES.map((a) => [a.tag, a.vr]));

/** VRs of the sequences and nested elements read here (implicit-VR files need them). */
export const ENHANCED_NESTED_VRS: ReadonlyMap<number, string> = new Map([
  [SHARED_FUNCTIONAL_GROUPS, 'SQ'],
  [PER_FRAME_FUNCTIONAL_GROUPS, 'SQ'],
  ...ALL_ATTRIBUTES.flatMap((a) => [...(a.macro ? [[a.macro, 'SQ'] as const] : []), ...(a.inner ? [[a.inner, 'SQ'] as const] : []), [a.tag, a.vr] as const]),
]);

/** What the parser reads of the functional group sequences: the macros above and their attributes. */
function functionalGroupItems(): KeepOptions {
  const macros = new Map<number, { tags: Set<number>; inner: Map<number, Set<number>> }>();
  for (const a of ALL_ATTRIBUTES) {
    if (!a.macro) continue;
    let macro = macros.get(a.macro);
    if (!macro) macros.set(a.macro, (macro = { tags: new Set(), inner: new Map() }));
    if (a.inner) {
      const tags = macro.inner.get(a.inner) ?? new Set<number>();
      tags.add(a.tag);
      macro.inner.set(a.inner, tags);
    } else macro.tags.add(a.tag);
  }
  const keepNothing = () => false;
  return {
    keep: keepNothing,
    sequences: new Map(
      [...macros].map(([tag, { tags, inner }]) => [
        tag,
        {
          keep: (t: number) => tags.has(t),
          sequences: new Map([...inner].map(([innerTag, innerTags]) => [innerTag, { keep: (t: number) => innerTags.has(t) }])),
        },
      ]),
    ),
  };
}

const ITEMS = functionalGroupItems();
/** The top-level sequences the parser reads item by item. */
export const FUNCTIONAL_GROUP_SEQUENCES: ReadonlyMap<number, KeepOptions> = new Map([
  [SHARED_FUNCTIONAL_GROUPS, ITEMS],
  [PER_FRAME_FUNCTIONAL_GROUPS, ITEMS],
]);

type Item = ReadonlyMap<number, RawElement>;

/** A file's functional groups, when it has any. */
export interface FunctionalGroups {
  readonly shared: Item | undefined;
  readonly frames: readonly Item[];
}

export function functionalGroupsOf(header: ParsedHeader): FunctionalGroups | undefined {
  const shared = header.elements.get(SHARED_FUNCTIONAL_GROUPS)?.items?.[0];
  const frames = header.elements.get(PER_FRAME_FUNCTIONAL_GROUPS)?.items ?? [];
  return shared || frames.length > 0 ? { shared, frames } : undefined;
}

/** The attribute's values in one functional group item (shared or a frame's). */
function inItem(item: Item | undefined, a: Attribute, decoder: TextDecoder): string[] {
  let macroItem = item?.get(a.macro!)?.items?.[0];
  if (a.inner) macroItem = macroItem?.get(a.inner)?.items?.[0];
  const element = macroItem?.get(a.tag);
  return element ? present(elementValues(element, decoder, element.vr === 'UN' ? a.vr : element.vr)) : [];
}

const present = (values: string[]) => values.filter((value) => value !== '');

/**
 * An attribute's values: the top level's, else the shared group's, else the first frame's that has
 * it — or, with `everyFrame`, the distinct values of all frames, in reduced-cell order.
 */
function resolve(header: ParsedHeader, groups: FunctionalGroups, a: Attribute, decoder: TextDecoder, everyFrame = false): string[] {
  const top = header.elements.get(a.tag);
  if (top) {
    const values = present(elementValues(top, decoder, top.vr === 'UN' ? a.vr : top.vr));
    if (values.length > 0) return values;
  }
  if (!a.macro) return [];
  const shared = inItem(groups.shared, a, decoder);
  if (shared.length > 0) return shared;
  if (!everyFrame) {
    for (const frame of groups.frames) {
      const values = inItem(frame, a, decoder);
      if (values.length > 0) return values;
    }
    return [];
  }
  const distinct = new Set<string>();
  for (const frame of groups.frames) for (const value of inItem(frame, a, decoder)) distinct.add(value);
  return [...distinct].sort(compareReducedValues);
}

/** The values of a column whose own tag is missing, from the functional groups (empty when none). */
export function enhancedValues(spec: ColumnSpec, header: ParsedHeader, groups: FunctionalGroups, decoder: TextDecoder): string[] {
  switch (spec.name) {
    case 'scanning_sequence':
      return scanningSequence(header, groups, decoder);
    case 'sequence_variant':
      return sequenceVariant(header, groups, decoder);
    case 'acquisition_time': {
      const times = resolve(header, groups, FRAME_ACQUISITION_DATETIME, decoder, true)
        .map(timeOfDay)
        .filter((time) => time !== '');
      return [...new Set(times)].sort(compareReducedValues);
    }
    case 'number_of_temporal_positions': {
      const positions = resolve(header, groups, TEMPORAL_POSITION_INDEX, decoder, true);
      return positions.length > 0 ? [String(positions.length)] : [];
    }
    default: {
      const a = COLUMN_ATTRIBUTES[spec.name];
      return a ? resolve(header, groups, a, decoder, spec.perFrameValues === true) : [];
    }
  }
}

/** A DT value's time of day as TM (`20261207093015.5+0100` → `093015.5`); '' when it has none. */
export function timeOfDay(dateTime: string): string {
  const match = /^\d{8}(\d{2,6}(?:\.\d{1,6})?)/.exec(dateTime.trim());
  return match ? match[1]! : '';
}

/** ScanningSequence terms (SE, IR, GR, EP, in the standard's order) from EchoPulseSequence & co. */
function scanningSequence(header: ParsedHeader, groups: FunctionalGroups, decoder: TextDecoder): string[] {
  const value = (a: Attribute) => resolve(header, groups, a, decoder)[0];
  const echo = value(ECHO_PULSE_SEQUENCE);
  const inversion = value(INVERSION_RECOVERY);
  const planar = value(ECHO_PLANAR);
  const terms: string[] = [];
  if (echo === 'SPIN' || echo === 'BOTH') terms.push('SE');
  if (inversion === 'YES') terms.push('IR');
  if (echo === 'GRADIENT' || echo === 'BOTH') terms.push('GR');
  if (planar === 'YES') terms.push('EP');
  return terms;
}

/** SequenceVariant terms (SK, MTC, SS, TRSS, SP, MP, OSP; NONE when the attributes say none). */
function sequenceVariant(header: ParsedHeader, groups: FunctionalGroups, decoder: TextDecoder): string[] {
  const value = (a: Attribute) => resolve(header, groups, a, decoder)[0];
  const segmented = value(SEGMENTED_K_SPACE);
  const transfer = value(MAGNETIZATION_TRANSFER);
  const steadyState = value(STEADY_STATE);
  const spoiling = value(SPOILING);
  const inversion = value(INVERSION_RECOVERY);
  const t2Preparation = value(T2_PREPARATION);
  const oversampling = value(OVERSAMPLING_PHASE);
  if ([segmented, transfer, steadyState, spoiling, inversion, t2Preparation, oversampling].every((v) => v === undefined)) return [];
  const terms: string[] = [];
  if (segmented === 'PARTIAL' || segmented === 'FULL') terms.push('SK');
  if (transfer === 'ON_RESONANCE' || transfer === 'OFF_RESONANCE') terms.push('MTC');
  if (steadyState === 'FREE_PRECESSION' || steadyState === 'TRANSVERSE') terms.push('SS');
  if (steadyState === 'TIME_REVERSED') terms.push('TRSS');
  if (spoiling === 'RF' || spoiling === 'GRADIENT' || spoiling === 'RF_AND_GRADIENT') terms.push('SP');
  if (inversion === 'YES' || t2Preparation === 'YES') terms.push('MP');
  if (oversampling !== undefined && oversampling !== 'NONE') terms.push('OSP');
  return terms.length > 0 ? terms : ['NONE'];
}
