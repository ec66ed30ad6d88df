import { describe, expect, it } from 'vitest';
import { cleanValue, compareReducedValues, isMissing, normalizeForReduction, parseNumber, stripDatesAndTimes } from './values.js';

describe('isMissing', () => {
  it('treats null, NaN, empty, - and nan as missing', () => {
    for (const cell of [null, undefined, Number.NaN, '', '  ', '-', ' - ', 'nan', 'NaN']) expect(isMissing(cell), String(cell)).toBe(true);
    for (const cell of [0, '0', 'none', 'ADC', '--']) expect(isMissing(cell), String(cell)).toBe(false);
  });
});

describe('normalizeForReduction', () => {
  it('turns backslashes and semicolons into single spaces', () => {
    expect(normalizeForReduction('ORIGINAL\\PRIMARY\\M\\ND')).toBe('ORIGINAL PRIMARY M ND');
    expect(normalizeForReduction('a;b;;c')).toBe('a b c');
    expect(normalizeForReduction('  x  y ')).toBe('x y');
  });
  it('maps missing values to -', () => {
    expect(normalizeForReduction(null)).toBe('-');
    expect(normalizeForReduction('nan')).toBe('-');
    expect(normalizeForReduction('\\;')).toBe('-');
  });
  it('writes numbers in their shortest form', () => {
    expect(normalizeForReduction(4.32)).toBe('4.32');
  });
});

describe('compareReducedValues', () => {
  it('orders numbers numerically before text', () => {
    expect(['1000', 'b', '50', '-', '0', 'A', '400'].sort(compareReducedValues)).toEqual(['0', '50', '400', '1000', '-', 'A', 'b']);
  });
  it('is a total order: spellings of one number are ordered by text', () => {
    expect(['1.0', '1', '01'].sort(compareReducedValues)).toEqual(['01', '1', '1.0']);
    expect(compareReducedValues('x', 'x')).toBe(0);
  });
});

describe('parseNumber', () => {
  it('parses DS and IS text only when the whole cell is a number', () => {
    expect(parseNumber('4.32')).toBe(4.32);
    expect(parseNumber('-1e3')).toBe(-1000);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('1 2')).toBeNaN();
    expect(parseNumber('abc')).toBeNaN();
    expect(parseNumber('')).toBeNaN();
  });

  it('takes exactly the texts of the decimal number pattern (every text of up to 5 characters from digits, signs, points, exponents and others)', () => {
    const pattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
    const alphabet = ['0', '7', '.', '+', '-', 'e', 'E', ' ', 'x', '\n', '٣'];
    const differing: string[] = [];
    const visit = (text: string) => {
      if (!Object.is(parseNumber(text), pattern.test(text) ? Number(text) : Number.NaN)) differing.push(JSON.stringify(text));
      if (text.length < 5) for (const character of alphabet) visit(text + character);
    };
    visit('');
    expect(differing).toEqual([]);
  });
});

describe('cleanValue', () => {
  it('trims and lower-cases text', () => {
    expect(cleanValue('series_description', '  T2 TSE Tra ')).toBe('t2 tse tra');
  });
  it('gives empty cells the column default', () => {
    expect(cleanValue('number_of_echos', '')).toBe('1');
    expect(cleanValue('number_of_temporal_positions', '-')).toBe('1');
    expect(cleanValue('temporal_resolution', null)).toBe('0');
    expect(cleanValue('diffusion_bvalue', '')).toBe('-');
    expect(cleanValue('some_unknown_column', '  ')).toBe('-');
  });
  it('passes numbers through', () => {
    expect(cleanValue('number_of_images', 12)).toBe(12);
  });
});

describe('stripDatesAndTimes', () => {
  it('removes dates and times in common spellings', () => {
    expect(stripDatesAndTimes('T2 TRA 12/03/2021')).toBe('T2 TRA');
    expect(stripDatesAndTimes('2021-03-12 ep2d_diff 10:22:31')).toBe('ep2d_diff');
    expect(stripDatesAndTimes('dyn 12.03.21 10:22')).toBe('dyn');
  });
  it('keeps b-values, versions and sequence names', () => {
    expect(stripDatesAndTimes('ep_b50_800 t2_tse_tra_p2 3.0')).toBe('ep_b50_800 t2_tse_tra_p2 3.0');
    expect(stripDatesAndTimes('ADC (10^-6 mm²/s)')).toBe('ADC (10^-6 mm²/s)');
  });
});

describe('normalizeForReduction fast path', () => {
  it('agrees with the plain rewrite on random text', async () => {
    const { Random } = await import('./random.js');
    const reference = (cell: string) => {
      if (isMissing(cell)) return '-';
      const text = cell.replace(/[\\;]/g, ' ').replace(/\s+/g, ' ').trim();
      return text === '' ? '-' : text;
    };
    const alphabet = ['a', 'B', '1', ' ', ' ', '\t', '\\', ';', '-', 'n', 'N', '\u00a0', '\u2003', '\n', 'é'];
    const random = new Random(7);
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      const length = Math.floor(random.next() * 8);
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(random.next() * alphabet.length)];
      expect(normalizeForReduction(text), JSON.stringify(text)).toBe(reference(text));
    }
  });
});
