/**
 * Paths the worker threads' row code takes for speed give what the plain paths give: multi-valued
 * text read from a header's bytes (`SpanElement`, spaced byte for byte) as from a value of its own,
 * SOP class reasons remembered per UID only where the UID alone decides them, and a column's last
 * value kept only while its bytes, VR and decoder are the same.
 */
import { describe, expect, it } from 'vitest';
import { HeaderBytes, SpanElement } from './reader/parse.js';
import { nonImageReason } from './sop-classes.js';
import { LATIN1 } from './values/charset.js';
import { decoderFor } from './values/charset.js';
import { LastValue, joinedTextValues, lastJoinedText } from './values/convert.js';

/** `text` as an element of a header's bytes, after `prefix` (the element's offset is not 0). */
function spanOf(text: string, prefix = 'junk\\ 1\\2 '): SpanElement {
  const bytes = new Uint8Array(Buffer.from(`${prefix}${text}\\tail`, 'latin1'));
  const source = new HeaderBytes(bytes, new DataView(bytes.buffer));
  return new SpanElement(0x00080008, 'CS', source, prefix.length, Buffer.byteLength(text, 'latin1'), true);
}

const ownValue = (text: string) => ({ tag: 0x00080008, vr: 'CS', value: new Uint8Array(Buffer.from(text, 'latin1')), littleEndian: true });

describe('joinedTextValues on header bytes', () => {
  it('joins multi-valued text in a header as it joins a value of its own', () => {
    const alphabet = ['a', 'B', ' ', '\\', '\t', '\u00a0', '\u00e9', '1', '\0'];
    let seed = 777;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length;
    for (let k = 0; k < 20000; k++) {
      let text = 'x\\';
      for (let i = next() % 7; i >= 0; i--) text += alphabet[next()];
      expect(joinedTextValues(spanOf(text), LATIN1), JSON.stringify(text)).toBe(joinedTextValues(ownValue(text), LATIN1));
    }
  });

  it('spaces the common forms, latin-1 letters byte for byte', () => {
    expect(joinedTextValues(spanOf('ORIGINAL\\PRIMARY\\M\\ND '), LATIN1)).toBe('ORIGINAL PRIMARY M ND');
    expect(joinedTextValues(spanOf('-12.5\\33.1\\-100.25'), LATIN1)).toBe('-12.5 33.1 -100.25');
    expect(joinedTextValues(spanOf('Crâne\\tête'), LATIN1)).toBe('Crâne tête');
  });
});

describe('nonImageReason', () => {
  it('decides a class outside the standard storage tree by its pixel data every time, in either order', () => {
    const uid = '1.3.46.670589.11.0.0.12.98';
    expect(nonImageReason(uid, true)).toBeUndefined();
    expect(nonImageReason(uid, false)).toBe(`non-image SOP class ${uid} (no pixel data)`);
    expect(nonImageReason(uid, true)).toBeUndefined();
    const other = '1.3.46.670589.11.0.0.12.97';
    expect(nonImageReason(other, false)).toBe(`non-image SOP class ${other} (no pixel data)`);
    expect(nonImageReason(other, true)).toBeUndefined();
  });

  it('gives a remembered class the same answer as the first time', () => {
    const sr = '1.2.840.10008.5.1.4.1.1.88.11';
    const mr = '1.2.840.10008.5.1.4.1.1.4';
    for (let i = 0; i < 3; i++) {
      expect(nonImageReason(sr, i % 2 === 0)).toBe('non-image SOP class Basic Text SR Storage');
      expect(nonImageReason(mr, i % 2 === 0)).toBeUndefined();
    }
  });
});

describe('LastValue', () => {
  it('gives the last result only for the same bytes, VR and context, whatever header they lie in', () => {
    const memo = new LastValue<string | undefined, typeof LATIN1>();
    const utf8 = decoderFor('ISO_IR 192');
    const cases: [element: ReturnType<typeof spanOf> | ReturnType<typeof ownValue>, decoder: typeof LATIN1][] = [
      [spanOf('A\\B'), LATIN1],
      [spanOf('A\\B', 'other header \\ '), LATIN1],
      [spanOf('A\\C'), LATIN1],
      [spanOf('A\\C', 'x'), utf8],
      [spanOf('Ã©\\e'), LATIN1],
      [spanOf('Ã©\\e'), utf8],
      [spanOf('Ã©\\e'), LATIN1],
      [ownValue('Ã©\\e'), utf8],
      [spanOf(''), LATIN1],
      [spanOf('a'.repeat(300)), LATIN1],
      [spanOf('a'.repeat(300)), LATIN1],
    ];
    let made = 0;
    const counted = (element: Parameters<typeof joinedTextValues>[0], decoder: typeof LATIN1) => {
      made += 1;
      return joinedTextValues(element, decoder);
    };
    for (const [element, decoder] of cases) {
      expect(memo.of(element, decoder, counted)).toBe(joinedTextValues(element, decoder));
      expect(lastJoinedText(memo, element, decoder)).toBe(joinedTextValues(element, decoder));
    }
    // Read again: the second case (same bytes elsewhere) and each repeat through lastJoinedText.
    expect(made).toBe(cases.length - 1);
    const vr = spanOf('12');
    const other = new SpanElement(vr.tag, 'LO', vr.source, vr.offset, vr.length, true);
    expect(memo.of(vr, LATIN1, () => 'as CS')).toBe('as CS');
    expect(memo.of(other, LATIN1, () => 'as LO')).toBe('as LO');
    // The same two bytes are 128 little endian, 32768 big endian.
    const littleEndian = new SpanElement(0x00181310, 'US', vr.source, vr.offset, 2, true);
    const bigEndian = new SpanElement(0x00181310, 'US', vr.source, vr.offset, 2, false);
    expect(memo.of(littleEndian, LATIN1, () => 'little')).toBe('little');
    expect(memo.of(bigEndian, LATIN1, () => 'big')).toBe('big');
  });
});
