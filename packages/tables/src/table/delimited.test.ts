import { describe, expect, it } from 'vitest';
import { formatDelimitedCell, formatDelimitedLine } from './delimited.js';

/** The line as each cell alone formats it: what the whole-line shortcut must give. */
const cellByCell = (values: readonly (string | number | null | undefined)[], separator: ',' | '\t') =>
  `${values.map((value) => formatDelimitedCell(value, separator)).join(separator)}\n`;

describe('formatDelimitedLine', () => {
  const cases: (string | number | null | undefined)[][] = [
    ['1.2.3', 'T2 AX', '-', '', '/a/b.dcm'],
    ['a\tb', 'c'],
    ['a,b', 'c'],
    ['say "hi"', 'x'],
    ['two\nlines', 'x'],
    ['cr\r', 'x'],
    ['-0.5 1.0', '=SUM(A1)', '+x', '@y', 12.5, null, undefined],
    ['', ''],
    [],
  ];
  for (const separator of [',', '\t'] as const) {
    it(`gives each cell as it alone formats (separator ${JSON.stringify(separator)})`, () => {
      for (const values of cases) expect(formatDelimitedLine(values, separator)).toBe(cellByCell(values, separator));
    });
  }

  it('quotes a cell holding the separator, whatever else the line holds', () => {
    expect(formatDelimitedLine(['a\tb', 'c'], '\t')).toBe('"a\tb"\tc\n');
    expect(formatDelimitedLine(['a,b', 'c'], '\t')).toBe('a,b\tc\n');
    expect(formatDelimitedLine(['a,b', 'c'], ',')).toBe('"a,b",c\n');
  });
});
