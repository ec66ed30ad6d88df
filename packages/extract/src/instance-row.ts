/**
 * Parsed header → one instance row: every column of core's tag table, by the rules of
 * docs/behaviour.md §1 (missing `-`, multi-values joined by a space, file text kept, vendor b-values),
 * with enhanced multi-frame values from the functional groups (functional-groups.ts). Non-image
 * objects are skipped (sop-classes.ts); a damaged file gives a partial row when its keys are valid.
 */
import { TextDecoder } from 'node:util';
import { BVALUE_SOURCE_COLUMNS, DICOM_COLUMNS, MISSING, stripDatesAndTimes, type ColumnSpec, type InstanceRow } from '@msc/core/lean';
import {
  ENHANCED_NESTED_VRS,
  ENHANCED_TOP_LEVEL_VRS,
  FUNCTIONAL_GROUP_SEQUENCES,
  enhancedValues,
  functionalGroupsOf,
  type FunctionalGroups,
} from './functional-groups.js';
import type { Damage, ParseOptions, ParsedHeader, RawElement } from './reader/parse.js';
import { TagTable } from './reader/tag-table.js';
import { nonImageReason } from './sop-classes.js';
import { LATIN1, decoderFor } from './values/charset.js';
import { LastValue, elementValues, elementValuesAs, lastJoinedText, noValues } from './values/convert.js';
import { instanceColumns } from './instance-columns.js';
import { sequenceNameBValues } from './values/sequence-name.js';
import { csaDiffusion } from './values/siemens-csa.js';
import { isValidUid, isWellFormedUid } from './values/uid.js';

const tagNumber = (group: number, element: number) => ((group << 16) | element) >>> 0;

const SPECIFIC_CHARACTER_SET = 0x00080005;
const SOP_CLASS_UID = 0x00080016;
const STUDY_INSTANCE_UID = 0x0020000d;
const SERIES_INSTANCE_UID = 0x0020000e;
const MAX_B_VALUE = 5000;
/** The CSA image header column: its cell (and the gradient direction's) come from the parsed header, not the element's values. */
const CSA_COLUMN = 'diffusion_bvalue_csa';

const STANDARD_COLUMNS = DICOM_COLUMNS.filter((spec) => !spec.privateCreator);
const PRIVATE_COLUMNS = DICOM_COLUMNS.filter((spec) => spec.privateCreator);
const PRIVATE_GROUPS = new Set(PRIVATE_COLUMNS.map((spec) => spec.tag!.group));
const STANDARD_VRS = new Map<number, string>([
  [SPECIFIC_CHARACTER_SET, 'CS'],
  [SOP_CLASS_UID, 'UI'],
  ...STANDARD_COLUMNS.map((spec) => [tagNumber(spec.tag!.group, spec.tag!.element), spec.vr!] as const),
  ...ENHANCED_TOP_LEVEL_VRS,
]);
/** VRs for implicit-VR datasets: the kept tags', and those of the functional groups read. */
const DICTIONARY_VRS = new Map([...ENHANCED_NESTED_VRS, ...STANDARD_VRS]);

// The parser's questions per element, answered from tables (a Map's lookup per element costs more).
const KEPT_TAGS = new TagTable([...STANDARD_VRS.keys()].map((tag) => [tag, 0] as const));
const KEPT_PRIVATE_GROUPS = new Uint8Array(1 << 16);
for (const group of PRIVATE_GROUPS) KEPT_PRIVATE_GROUPS[group] = 1;
const DICTIONARY_VR_NAMES = [...new Set(DICTIONARY_VRS.values())];
const DICTIONARY_VR_INDEXES = new TagTable([...DICTIONARY_VRS].map(([tag, vr]) => [tag, DICTIONARY_VR_NAMES.indexOf(vr)] as const));

/**
 * What the parser keeps: the table's tags, the private groups that hold vendor b-values, and the
 * enhanced attributes and functional groups of multi-frame files.
 */
export const HEADER_OPTIONS: ParseOptions = {
  keep: (tag) => KEPT_PRIVATE_GROUPS[tag >>> 16] === 1 || KEPT_TAGS.has(tag),
  sequences: FUNCTIONAL_GROUP_SEQUENCES,
  vrOf: (tag) => {
    const index = DICTIONARY_VR_INDEXES.get(tag);
    if (index >= 0) return DICTIONARY_VR_NAMES[index];
    return (tag & 0xffff) >= 0x0010 && (tag & 0xffff) <= 0x00ff && (tag >>> 16) % 2 === 1 ? 'LO' : undefined;
  },
};

/**
 * Private creators of the groups that hold vendor columns: `group creator` → reserved block.
 * Built once per file (a creator may sit in any block 0x10-0xFF).
 */
function privateBlocks(header: ParsedHeader, decoder: TextDecoder): Map<string, number> {
  const blocks = new Map<string, number>();
  // Keys, not entries: no [tag, element] pair made per element.
  for (const tag of header.elements.keys()) {
    const group = tag >>> 16;
    const block = tag & 0xffff;
    if (block < 0x10 || block > 0xff || KEPT_PRIVATE_GROUPS[group] !== 1) continue;
    const creator = elementValues(header.elements.get(tag)!, decoder, 'LO')[0];
    // The first block a creator reserves wins, as a lookup in block order would find it.
    if (creator !== undefined && !blocks.has(`${group} ${creator}`)) blocks.set(`${group} ${creator}`, block);
  }
  return blocks;
}

function rawElement(header: ParsedHeader, plan: ColumnPlan, blocks: () => Map<string, number>): RawElement | undefined {
  if (!plan.spec.privateCreator) return header.elements.get(plan.tag);
  const { group, element } = plan.spec.tag!;
  const block = blocks().get(plan.privateKey);
  if (block !== undefined) return header.elements.get(tagNumber(group, (block << 8) | (element & 0xff)));
  // An anonymizer may drop the creator element and keep the data (a GE 0043,1039 without
  // GEMS_PARM_01): the vendor's usual block is read when no creator at all reserves it, as the
  // original reads these tags by number. A block reserved by another creator is not ours.
  const usual = (element >> 8) & 0xff;
  if (header.elements.has(tagNumber(group, usual))) return undefined;
  return header.elements.get(tagNumber(group, element));
}

function valuesOf(raw: RawElement | undefined, spec: ColumnSpec, decoder: TextDecoder): string[] {
  // Every array this returns is of one kind (`noValues`): an empty literal is another, met first by some file well into a run, and the row code would be compiled again.
  if (!raw) return noValues();
  // Private tags often arrive as UN (implicit files) or OB (anonymizers): read them as the vendor defines them.
  const values = elementValuesAs(raw, decoder, spec.vr!);
  // A loop, not `filter`: the arrays come in several element kinds, and a method looked up on each would see them all.
  const kept = noValues();
  for (let i = 0; i < values.length; i++) if (values[i] !== '') kept.push(values[i]!);
  return kept;
}

/** GE's b-value: the first value; more than 5 digits is an offset encoding, keep the last 4. */
function geBValue(first: string): string {
  const digits = first.replace(/^[+-]/, '');
  if (!/^\d+$/.test(digits) || digits.length <= 5) return first;
  return String(Number(digits.slice(-4)));
}

function cellFor(spec: ColumnSpec, values: string[], everyFrame: boolean): string {
  if (values.length === 0) return MISSING;
  switch (spec.name) {
    case 'diffusion_bvalue': {
      // One b-value per instance; an enhanced file's frames give theirs all (`everyFrame`).
      const bValues = (everyFrame ? values : values.slice(0, 1)).filter((text) => Number(text) <= MAX_B_VALUE);
      return bValues.length > 0 ? bValues.join(' ') : MISSING;
    }
    case 'diffusion_bvalue_ge':
      return geBValue(values[0]!);
    case 'diffusion_bvalue_philips':
      return values[0]!;
    case 'series_description':
      return stripDatesAndTimes(values.join(' ')) || MISSING;
    default:
      return values.join(' ');
  }
}

const INSTANCE_COLUMNS = instanceColumns(false);

/**
 * A row, or why the file has none. `partial` says what broke in a damaged file whose row holds the
 * values read before the damage (the skipped-files report lists it with that reason).
 */
export type InstanceOutcome = { kind: 'row'; row: InstanceRow; partial?: string } | { kind: 'skipped'; reason: string };

/** The report's reason for a file that could not be read far enough for a row. */
export function unreadableReason(damage: Damage): string {
  return damage.what.startsWith('file truncated') ? 'truncated' : `unparseable: ${damage.what} at byte ${damage.offset}`;
}

/** A key UID, or why it cannot key a row (one shape, a problem or none: the hot caller's code sees one map). */
interface Key {
  readonly uid: string;
  readonly problem: string | undefined;
}

/**
 * Reads one key UID of a row, or why it cannot key it (missing or invalid). A damaged file's keys
 * must be valid UIDs; an intact file's well formed (see values/uid.ts). The last element's answer
 * is kept: a series repeats its keys.
 */
class KeyReader {
  private readonly last = new LastValue<Key, (uid: string) => boolean>();
  constructor(
    private readonly tag: number,
    private readonly keyword: string,
  ) {}

  of(header: ParsedHeader): Key {
    const element = header.elements.get(this.tag);
    const valid = header.damage ? isValidUid : isWellFormedUid;
    return element ? this.last.of(element, valid, this.read) : this.missing();
  }

  private readonly read = (element: RawElement, valid: (uid: string) => boolean): Key => {
    const uid = elementValues(element)[0];
    // An element with no value is missing too.
    if (!uid) return this.missing();
    return { uid, problem: valid(uid) ? undefined : `invalid ${this.keyword} ${JSON.stringify(uid.slice(0, 80))}` };
  };

  private missing(): Key {
    return { uid: '', problem: this.tag === SOP_CLASS_UID ? 'no SOPClassUID' : 'no StudyInstanceUID or SeriesInstanceUID' };
  }
}

const SOP_CLASS_KEY = new KeyReader(SOP_CLASS_UID, 'SOPClassUID');
const STUDY_KEY = new KeyReader(STUDY_INSTANCE_UID, 'StudyInstanceUID');
const SERIES_KEY = new KeyReader(SERIES_INSTANCE_UID, 'SeriesInstanceUID');

/**
 * What to read of a file to learn its study (the shard key): the elements up to StudyInstanceUID
 * (0020,000D), keeping only it; the parse stops there.
 */
export const STUDY_UID_OPTIONS: ParseOptions = {
  keep: (tag) => tag === STUDY_INSTANCE_UID,
  vrOf: (tag) => DICTIONARY_VRS.get(tag),
  stopAfter: STUDY_INSTANCE_UID,
};

/** The study_uid cell `instanceRow` gives a header (undefined when it would be missing): what a shard is picked by. */
export function studyUidCell(header: ParsedHeader): string | undefined {
  const cell = cellOf(STUDY_UID_PLAN, header, undefined, LATIN1, () => new Map());
  return cell === MISSING ? undefined : cell;
}

/** A row as cells in `instanceColumns(false)` order (what the worker threads send), or why the file has none. */
export type InstanceCellsOutcome = { kind: 'cells'; cells: string[]; partial?: string } | { kind: 'skipped'; reason: string };

/**
 * A column's spec with every optional field present, in one order: the table's specs are literals
 * of several shapes, and code reading them per cell would otherwise see many maps (and the JIT
 * would recompile it as each new shape turns up).
 */
function uniformSpec(spec: ColumnSpec): ColumnSpec {
  const { name, role, source, origin, tag, keyword, vr, privateCreator, perFrameValues, emptyDefault, description } = spec;
  return { name, role, source, origin, tag, keyword, vr, privateCreator, perFrameValues, emptyDefault, description } as ColumnSpec;
}

const columnIndex = (name: string) => INSTANCE_COLUMNS.indexOf(name);
/** How a DICOM column's cell is made. */
interface ColumnPlan {
  readonly spec: ColumnSpec;
  /** Where its cell goes. */
  readonly index: number;
  readonly tag: number;
  /** Its cell is its values joined (most), not a rule of `cellFor`. */
  readonly joined: boolean;
  /** For a vendor column, the `privateBlocks` key of its creator ('' for a standard one): made once, not per file. */
  readonly privateKey: string;
  /** Its last joined text value (a thread reads one file at a time). */
  readonly memo: LastValue<string | undefined, TextDecoder>;
  /** A standard column's last cell by the rules of `cellFor` (a file without functional groups). */
  readonly lastCell: LastValue<string, TextDecoder>;
  /** That cell, from the column's element. */
  readonly cellOfElement: (element: RawElement, decoder: TextDecoder) => string;
}

const COLUMN_PLANS: readonly ColumnPlan[] = DICOM_COLUMNS.map((column) => {
  const spec = uniformSpec(column);
  return {
    spec,
    index: columnIndex(spec.name),
    tag: tagNumber(spec.tag!.group, spec.tag!.element),
    joined: !['diffusion_bvalue', 'diffusion_bvalue_ge', 'diffusion_bvalue_philips', 'series_description', CSA_COLUMN].includes(spec.name),
    privateKey: spec.privateCreator ? `${spec.tag!.group} ${spec.privateCreator}` : '',
    memo: new LastValue<string | undefined, TextDecoder>(),
    lastCell: new LastValue<string, TextDecoder>(),
    cellOfElement: (element: RawElement, decoder: TextDecoder) => cellFor(spec, valuesOf(element, spec, decoder), false),
  };
});
const STUDY_UID_PLAN = COLUMN_PLANS.find((plan) => plan.spec.name === 'study_uid')!;
/** The plans by tag: a header's elements are read in the order they lie (see reader/element-list.ts). */
const PLANS_BY_TAG = [...COLUMN_PLANS].sort((a, b) => a.tag - b.tag);
const CSA_DIRECTION_INDEX = columnIndex('diffusion_gradient_direction_csa');
const SEQUENCE_NAME_INDEX = columnIndex('sequence_name');
const BVALUE_SEQUENCE_INDEX = columnIndex('diffusion_bvalue_sequence');
const BVALUE_FINAL_INDEX = columnIndex('diffusion_bvalue_final');
const BVALUE_SOURCE_INDEXES = BVALUE_SOURCE_COLUMNS.map(columnIndex);
const FILE_PATH_INDEX = columnIndex('file_path');
const NUMBER_OF_IMAGES_INDEX = columnIndex('number_of_images');
const VALID_INDEX = columnIndex('valid');
const SEG_INDEX = columnIndex('seg');
/** The order `instanceRow` has always given a row's keys (callers list `Object.keys` of a row). */
const ROW_KEYS = [
  ...DICOM_COLUMNS.flatMap((spec) => (spec.name === CSA_COLUMN ? [spec.name, 'diffusion_gradient_direction_csa'] : [spec.name])),
  'diffusion_bvalue_sequence',
  'diffusion_bvalue_final',
  'file_path',
  'number_of_images',
  'valid',
  'seg',
].map((name) => [name, columnIndex(name)] as const);

export function instanceRow(header: ParsedHeader, filePath: string): InstanceOutcome {
  const outcome = instanceCells(header, filePath);
  if (outcome.kind === 'skipped') return outcome;
  const row: Record<string, string> = {};
  for (const [name, index] of ROW_KEYS) row[name] = outcome.cells[index]!;
  return { kind: 'row', row: row as InstanceRow, ...(outcome.partial ? { partial: outcome.partial } : {}) };
}

/** As `instanceRow`, the cells in table order: no row object (the worker threads' path). */
export function instanceCells(header: ParsedHeader, filePath: string): InstanceCellsOutcome {
  // Both read whatever the file: a field first read by the hundredth file would stop the optimized code.
  const { pixelData, damage } = header;
  // A damaged file without valid keys was not read far enough: say so, not which key is missing.
  const skip = (problem: string): InstanceCellsOutcome => ({ kind: 'skipped', reason: damage ? unreadableReason(damage) : problem });
  const sopClass = SOP_CLASS_KEY.of(header);
  if (sopClass.problem !== undefined) return skip(sopClass.problem);
  const nonImage = nonImageReason(sopClass.uid, pixelData !== undefined || damage !== undefined);
  if (nonImage) return { kind: 'skipped', reason: nonImage };
  const study = STUDY_KEY.of(header);
  if (study.problem !== undefined) return skip(study.problem);
  const series = SERIES_KEY.of(header);
  if (series.problem !== undefined) return skip(series.problem);
  return { kind: 'cells', cells: rowCells(header, filePath), partial: damage ? `partial: ${damage.what} at offset ${damage.offset}` : undefined };
}

/** A file's SpecificCharacterSet → its decoder; the last one's is kept (an archive repeats one or two). */
const LAST_CHARSET = new LastValue<TextDecoder, undefined>();
const charsetDecoder = (charset: RawElement) => decoderFor(elementValues(charset).join('\\'));

/**
 * The cells of a row whose keys are valid. Apart from `instanceCells`, whose exits for skipped
 * files (first taken by some file well into a run) then throw away only that small function's
 * optimized code: this one, the costliest compile of a run (tens of ms), is compiled once.
 */
function rowCells(header: ParsedHeader, filePath: string): string[] {
  const charset = header.elements.get(SPECIFIC_CHARACTER_SET);
  const decoder = charset ? LAST_CHARSET.of(charset, undefined, charsetDecoder) : LATIN1;
  const groups = functionalGroupsOf(header);
  const cells = new Array<string>(INSTANCE_COLUMNS.length).fill('');
  let blocks: Map<string, number> | undefined;
  const privateBlocksOnce = () => (blocks ??= privateBlocks(header, decoder));
  for (const plan of PLANS_BY_TAG) {
    const { spec } = plan;
    if (spec.name === CSA_COLUMN) {
      const csa = csaDiffusion(rawElement(header, plan, privateBlocksOnce)?.value);
      cells[plan.index] = csa.bValue ?? MISSING;
      cells[CSA_DIRECTION_INDEX] = csa.direction ?? MISSING;
      continue;
    }
    if (plan.joined && !spec.privateCreator) {
      // Most cells are text values as written, joined: read them without a values array.
      const raw = header.elements.get(plan.tag);
      const text = raw ? lastJoinedText(plan.memo, raw, decoder) : '';
      if (text !== undefined && (text !== '' || !groups)) {
        cells[plan.index] = text === '' ? MISSING : text;
        continue;
      }
    }
    if (!groups && !spec.privateCreator) {
      // What `cellOf` gives a file without functional groups, from the column's last cell when its element is the last one's.
      const raw = header.elements.get(plan.tag);
      cells[plan.index] = raw ? plan.lastCell.of(raw, decoder, plan.cellOfElement) : MISSING;
      continue;
    }
    cells[plan.index] = cellOf(plan, header, groups, decoder, privateBlocksOnce);
  }
  cells[BVALUE_SEQUENCE_INDEX] = sequenceBValues(cells[SEQUENCE_NAME_INDEX]!);
  let finalBValue = MISSING;
  // Indexed: a for-of loop's first `break` looks up the iterator's `return`, a deopt a run into the files.
  for (let i = 0; i < BVALUE_SOURCE_INDEXES.length; i++) {
    const cell = cells[BVALUE_SOURCE_INDEXES[i]!]!;
    if (!isMissing(cell)) {
      finalBValue = cell;
      break;
    }
  }
  cells[BVALUE_FINAL_INDEX] = finalBValue;
  cells[FILE_PATH_INDEX] = filePath;
  cells[NUMBER_OF_IMAGES_INDEX] = MISSING;
  cells[VALID_INDEX] = 'True';
  cells[SEG_INDEX] = 'False';
  return cells;
}

/**
 * `cell === MISSING` without comparing strings: optimized code that has met only MISSING there
 * compares by reference, and is thrown away at the first b-value.
 */
const isMissing = (cell: string) => cell.length === 1 && cell.charCodeAt(0) === 0x2d;

/** The distinct b-values the sequence name(s) of a cell state, `-` when none does. */
function sequenceBValues(sequenceNames: string): string {
  // Only diffusion names (`…ep_b…`, `…re_b…`) state any.
  if (!sequenceNames.includes('_b')) return MISSING;
  const bValues = new Set(sequenceNames.split(' ').flatMap((name) => sequenceNameBValues(name)?.split(' ') ?? []));
  return bValues.size > 0 ? [...bValues].join(' ') : MISSING;
}

/** A column's cell: its own tag's values, else (enhanced multi-frame files) the functional groups'. */
function cellOf(plan: ColumnPlan, header: ParsedHeader, groups: FunctionalGroups | undefined, decoder: TextDecoder, blocks: () => Map<string, number>): string {
  const { spec } = plan;
  const values = valuesOf(rawElement(header, plan, blocks), spec, decoder);
  if (values.length > 0 || !groups || spec.privateCreator) return cellFor(spec, values, false);
  return cellFor(spec, enhancedValues(spec, header, groups, decoder), spec.perFrameValues === true);
}
