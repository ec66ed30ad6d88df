import { describe, expect, it } from 'vitest';
import { LATIN1 } from '../src/values/charset.js';
import { joinedTextValues } from '../src/values/convert.js';

/** The rule as the original states it: split on backslashes, trim each value, drop empty ones, join by a space. */
const joinedByParts = (text: string) =>
  text
    .split('\\')
    .map((part) => part.trim())
    .filter((value) => value !== '')
    .join(' ');

const element = (text: string) => ({ tag: 0x00080008, vr: 'CS', value: new Uint8Array(Buffer.from(text, 'latin1')), littleEndian: true });

describe('joinedTextValues', () => {
  it('joins multi-valued text as splitting, trimming and dropping empty values does', () => {
    // Every string of up to 6 characters over blanks (space, tab, NBSP, line feed), backslashes and letters, in a fixed pseudo-random sample.
    const alphabet = ['a', 'b', ' ', '\\', '\t', '\u00a0', '\n', '1'];
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length;
    for (let k = 0; k < 20000; k++) {
      let text = 'x\\';
      for (let i = next() % 6; i >= 0; i--) text += alphabet[next()];
      // The reader strips the value's trailing NUL and space padding first.
      expect(joinedTextValues(element(text), LATIN1), JSON.stringify(text)).toBe(joinedByParts(text.replace(/[\0 ]+$/, '')));
    }
  });

  it('keeps the common forms', () => {
    expect(joinedTextValues(element('ORIGINAL\\PRIMARY\\M\\ND '), LATIN1)).toBe('ORIGINAL PRIMARY M ND');
    expect(joinedTextValues(element('0.5\\ 0.5'), LATIN1)).toBe('0.5 0.5');
    expect(joinedTextValues(element('\\a\\\\b\\'), LATIN1)).toBe('a b');
  });
});
