/**
 * A worker thread's warm-up: before its first request, the row code runs over a few small headers
 * built here, one of each kind an archive mixes (explicit and implicit VR, big endian, vendor
 * private b-values, a CSA header, another character set, multi-valued and blank-edged text, binary
 * numbers, enhanced functional groups, files skipped for several reasons, a truncated file). V8
 * compiles the hot functions with the type feedback the interpreter gathered so far: a branch
 * first taken by some file a few thousand files into a run (the first implicit-VR file, the first
 * vendor b-value) throws that optimized code away and has it compiled again, and every thread pays
 * those compiles. Gathering feedback on every branch first leaves the optimizing compiler less to
 * redo. What the warm-up makes is thrown away; it reads no file.
 */
import { instanceColumns, type InstanceCellsOutcome } from './instance-row.js';
import { cellsOfBytes } from './extract-file.js';
import { encodeCells } from './parallel/protocol.js';

type Value = string | number[] | ((littleEndian: boolean) => Uint8Array) | Element[][];
type Element = readonly [tag: number, vr: string, value: Value];

const LONG_LENGTH = new Set(['OB', 'OW', 'SQ', 'UN', 'UT']);

function numbers(size: 2 | 4 | 8, values: number[], float = false): (littleEndian: boolean) => Uint8Array {
  return (littleEndian) => {
    const view = new DataView(new ArrayBuffer(size * values.length));
    values.forEach((value, i) => {
      if (size === 2) view.setUint16(i * size, value, littleEndian);
      else if (size === 4 && float) view.setFloat32(i * size, value, littleEndian);
      else if (size === 4) view.setUint32(i * size, value, littleEndian);
      else view.setFloat64(i * size, value, littleEndian);
    });
    return new Uint8Array(view.buffer);
  };
}

/** A Siemens CSA image header (SV10) with a b-value and a gradient direction. */
function csaHeader(): Uint8Array {
  const entries: [string, string[]][] = [
    ['B_value', ['1000.00000000']],
    ['DiffusionGradientDirection', ['0.70710678', '0.00000000', '-0.70710678']],
  ];
  const parts: Buffer[] = [Buffer.from('SV10\x04\x03\x02\x01', 'latin1'), int32s(entries.length, 77)];
  for (const [name, items] of entries) {
    const head = Buffer.alloc(84);
    head.write(name, 0, 'latin1');
    head.writeInt32LE(items.length, 64);
    head.write('FD', 68, 'latin1');
    head.writeInt32LE(items.length, 76);
    head.writeInt32LE(77, 80);
    parts.push(head);
    for (const item of items) {
      const text = Buffer.from(`${item}\0`, 'latin1');
      parts.push(int32s(text.length, text.length, 77, text.length), text, Buffer.alloc((4 - (text.length % 4)) % 4));
    }
  }
  return new Uint8Array(Buffer.concat(parts));
}

function int32s(...values: number[]): Buffer {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => bytes.writeInt32LE(value, i * 4));
  return bytes;
}

type Syntax = 'explicit little' | 'implicit little' | 'explicit big';
const SYNTAX_UIDS: Record<Syntax, string> = {
  'explicit little': '1.2.840.10008.1.2.1',
  'implicit little': '1.2.840.10008.1.2',
  'explicit big': '1.2.840.10008.1.2.2',
};

function encodeElements(elements: readonly Element[], explicit: boolean, littleEndian: boolean, utf8: boolean): Buffer {
  const parts: Buffer[] = [];
  for (const [tag, vr, value] of elements) {
    let bytes: Buffer;
    if (typeof value === 'string') {
      bytes = Buffer.from(value, utf8 ? 'utf8' : 'latin1');
      if (bytes.length % 2 === 1) bytes = Buffer.concat([bytes, Buffer.from(vr === 'UI' ? '\0' : ' ', 'latin1')]);
    } else if (typeof value === 'function') bytes = Buffer.from(value(littleEndian));
    else if (vr === 'SQ') {
      const items = (value as Element[][]).map((item) => {
        const body = encodeElements(item, explicit, littleEndian, utf8);
        return Buffer.concat([header(0xfffee000, '', body.length, false, littleEndian), body]);
      });
      bytes = Buffer.concat(items);
    } else bytes = Buffer.from(value as number[]);
    parts.push(header(tag, vr, bytes.length, explicit, littleEndian), bytes);
  }
  return Buffer.concat(parts);
}

function header(tag: number, vr: string, length: number, explicit: boolean, littleEndian: boolean): Buffer {
  const long = !explicit || LONG_LENGTH.has(vr);
  const bytes = Buffer.alloc(explicit && long ? 12 : 8);
  const u16 = (value: number, at: number) => (littleEndian ? bytes.writeUInt16LE(value, at) : bytes.writeUInt16BE(value, at));
  const u32 = (value: number, at: number) => (littleEndian ? bytes.writeUInt32LE(value, at) : bytes.writeUInt32BE(value, at));
  u16(tag >>> 16, 0);
  u16(tag & 0xffff, 2);
  if (!explicit) u32(length, 4);
  else {
    bytes.write(vr, 4, 'latin1');
    if (long) u32(length, 8);
    else u16(length, 6);
  }
  return bytes;
}

/** A Part-10 file: preamble, meta group (explicit little endian), the dataset in `syntax`. */
function part10(syntax: Syntax, elements: readonly Element[], utf8 = false): Uint8Array {
  const meta = encodeElements([[0x00020010, 'UI', SYNTAX_UIDS[syntax]]], true, true, false);
  const dataset = encodeElements(
    [...elements].sort((a, b) => a[0] - b[0]),
    syntax !== 'implicit little',
    syntax !== 'explicit big',
    utf8,
  );
  return new Uint8Array(Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), meta, dataset]));
}

const MR_IMAGE = '1.2.840.10008.5.1.4.1.1.4';
const ENHANCED_MR_IMAGE = '1.2.840.10008.5.1.4.1.1.4.1';
const PIXELS: Element = [0x7fe00010, 'OW', [0, 0, 0, 0]];

/** What an MR image of any vendor has (the text of several kinds; the study and series keys). */
function mrImage(manufacturer: string, series: number): Element[] {
  return [
    [0x00080008, 'CS', 'ORIGINAL\\PRIMARY\\M\\ND'],
    [0x00080016, 'UI', MR_IMAGE],
    [0x00080031, 'TM', '101010'],
    [0x00080032, 'TM', '101010.500'],
    [0x00080060, 'CS', 'MR'],
    [0x00080070, 'LO', manufacturer],
    [0x0008103e, 'LO', `ep2d diff 12.03.2021 10:22`],
    [0x00081090, 'LO', 'Model'],
    [0x00100020, 'LO', 'WARMUP'],
    [0x00180015, 'CS', 'PROSTATE'],
    [0x00180020, 'CS', 'EP\\SE'],
    [0x00180021, 'CS', 'SK\\SP\\OSP'],
    [0x00180022, 'CS', 'PFP\\FS'],
    [0x00180023, 'CS', '2D'],
    [0x00180024, 'SH', '*ep_b50_1000t'],
    [0x00180050, 'DS', '3.5'],
    [0x00180080, 'DS', '4000'],
    [0x00180081, 'DS', '85.2'],
    [0x00180087, 'DS', '3'],
    [0x00180091, 'IS', '1'],
    [0x00180095, 'DS', '1500'],
    [0x00181020, 'LO', 'syngo MR E11'],
    [0x00181030, 'LO', 'ep2d_diff'],
    [0x00181250, 'SH', 'Body'],
    [0x00181310, 'US', numbers(2, [0, 128, 128, 0])],
    [0x00181312, 'CS', 'ROW'],
    [0x00181314, 'DS', '90'],
    [0x00181316, 'DS', '0.123'],
    [0x00185100, 'CS', 'HFS'],
    [0x00189087, 'FD', numbers(8, [1000])],
    [0x0020000d, 'UI', '1.2.826.0.1.3680043.2.1125.1'],
    [0x0020000e, 'UI', `1.2.826.0.1.3680043.2.1125.1.${series}`],
    [0x00200011, 'IS', String(series)],
    [0x00200037, 'DS', '1\\0\\0\\0\\1\\0'],
    [0x00280004, 'CS', 'MONOCHROME2'],
    [0x00280030, 'DS', '0.5\\0.5'],
    PIXELS,
  ];
}

const without = (elements: Element[], ...tags: number[]) => elements.filter(([tag]) => !tags.includes(tag));

/** An enhanced MR file: the values in shared and per-frame functional groups, not at the top level. */
function enhancedMr(): Element[] {
  const frame = (bValue: number, position: number): Element[] => [
    [0x00189117, 'SQ', [[[0x00189087, 'FD', numbers(8, [bValue])], [0x00189075, 'CS', 'DIRECTIONAL']]]],
    [0x00209111, 'SQ', [[[0x00209128, 'UL', numbers(4, [position])], [0x00189074, 'DT', '20210312102231.5']]]],
  ];
  return [
    ...without(mrImage('Philips', 7), 0x00080008, 0x00080016, 0x00180080, 0x00180081, 0x00189087, 0x00280030, 0x00200037),
    [0x00080016, 'UI', ENHANCED_MR_IMAGE],
    [0x00189008, 'CS', 'SPIN'],
    [0x00189018, 'CS', 'YES'],
    [
      0x52009229,
      'SQ',
      [
        [
          [0x00189112, 'SQ', [[[0x00180080, 'DS', '4000'], [0x00181314, 'DS', '90']]]],
          [0x00189114, 'SQ', [[[0x00189082, 'FD', numbers(8, [85.2])]]]],
          [0x00289110, 'SQ', [[[0x00280030, 'DS', '0.5\\0.5'], [0x00180050, 'DS', '3']]]],
          [0x00209116, 'SQ', [[[0x00200037, 'DS', '1\\0\\0\\0\\1\\0']]]],
          [0x00189226, 'SQ', [[[0x00089007, 'CS', 'ORIGINAL\\PRIMARY\\DIFFUSION\\NONE']]]],
        ],
      ],
    ],
    [0x52009230, 'SQ', [frame(0, 1), frame(1000, 2), frame(1000, 2)]],
  ];
}

/** The headers of the warm-up, by a made-up path each. */
function warmUpFiles(): [path: string, bytes: Uint8Array][] {
  const siemens = [
    ...mrImage('SIEMENS', 1),
    [0x00080005, 'CS', 'ISO_IR 100'],
    [0x00190010, 'LO', 'SIEMENS MR HEADER'],
    [0x0019100c, 'IS', '1000'],
    [0x0019100d, 'CS', 'DIRECTIONAL'],
    [0x0019100e, 'FD', numbers(8, [0.5, 0, -0.5])],
    [0x00290010, 'LO', 'SIEMENS CSA HEADER'],
    [0x00291010, 'OB', () => csaHeader()],
  ] satisfies Element[];
  const ge = [
    ...without(mrImage('GE MEDICAL SYSTEMS', 2), 0x00181030),
    [0x00430010, 'LO', 'GEMS_PARM_01'],
    [0x00431039, 'IS', '1000001000\\8\\0\\0'],
    [0x00181030, 'LO', ' \\blank edged \\\\ values\\'],
  ] satisfies Element[];
  const philips = [
    ...mrImage('Philips Medical Systems', 3),
    [0x20010010, 'LO', 'Philips Imaging DD 001'],
    [0x20011003, 'FL', numbers(4, [1000], true)],
    [0x20011004, 'CS', 'I'],
  ] satisfies Element[];
  // An anonymizer's private values as OB text, a long text element, a sequence skipped whole.
  const anonymized = [
    ...without(mrImage('TOSHIBA_MEC', 4), 0x00080008),
    [0x00080008, 'CS', 'DERIVED\\SECONDARY\\\\ADC'],
    [0x00080005, 'CS', ''],
    [0x00081140, 'SQ', [[[0x00081150, 'UI', MR_IMAGE]]]],
    [0x00204000, 'LT', 'a comment \\ with a backslash'],
    [0x00430010, 'LO', 'GEMS_PARM_01'],
    [0x00431039, 'OB', '800 '],
    [0x00190010, 'LO', 'SIEMENS MR HEADER'],
    [0x0019100c, 'UN', '50'],
  ] satisfies Element[];
  const utf8 = [...without(mrImage('Hitachi', 5), 0x0008103e), [0x00080005, 'CS', 'ISO_IR 192'], [0x0008103e, 'LO', 'Diffusion ÄÖÜ\\b 800']] satisfies Element[];
  const noSeries = without(mrImage('SIEMENS', 6), 0x0020000e);
  const report = [...without(mrImage('SIEMENS', 8), 0x00080016), [0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.88.22']] satisfies Element[];
  const truncated = part10('explicit little', without(mrImage('SIEMENS', 9), 0x7fe00010));
  return [
    ['siemens.dcm', part10('explicit little', siemens)],
    ['ge.dcm', part10('implicit little', ge)],
    ['philips.dcm', part10('explicit big', philips)],
    ['anonymized.dcm', part10('explicit little', anonymized)],
    ['utf8.dcm', part10('explicit little', utf8, true)],
    ['enhanced.dcm', part10('explicit little', enhancedMr())],
    ['implicit-enhanced.dcm', part10('implicit little', enhancedMr())],
    ['no-series.dcm', part10('explicit little', noSeries)],
    ['report.dcm', part10('explicit little', report)],
    ['truncated.dcm', truncated.subarray(0, truncated.length - 40)],
    ['not-dicom.txt', new Uint8Array(Buffer.from('not a DICOM file at all, just some text\n'))],
  ];
}

/** Rounds of the warm-up: V8 gathers feedback for a function only after it has run a few times. */
const ROUNDS = 6;

/**
 * Runs a worker's row code (header → cells → a batch of lines) over the warm-up headers; returns
 * the outcomes of the last round (for tests: every kind of outcome is met).
 */
export function warmUpRowCode(separator: ',' | '\t' = '\t'): InstanceCellsOutcome[] {
  const files = warmUpFiles();
  const byPath = new Map(files);
  const paths = files.map(([path]) => path);
  const request = { image: false, lines: { columns: instanceColumns(false), separator } };
  let outcomes: InstanceCellsOutcome[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    outcomes = [];
    encodeCells(
      paths,
      (path) => {
        const outcome = cellsOfBytes(byPath.get(path)!, path);
        outcomes.push(outcome);
        return outcome;
      },
      request,
    );
  }
  return outcomes;
}
