import { describe, expect, it } from 'vitest';
import { EXIT_CODES, MscError, errorMessage, errorReason, exitCodeFor, formatError } from './errors.js';

describe('errors', () => {
  it('maps codes to documented exit codes', () => {
    expect(exitCodeFor(new MscError('E_USAGE', 'bad flag'))).toBe(EXIT_CODES.usage);
    expect(exitCodeFor(new MscError('E_MISSING_COLUMNS', 'x'))).toBe(EXIT_CODES.input);
    expect(exitCodeFor(new MscError('E_MODEL', 'x'))).toBe(EXIT_CODES.model);
    expect(exitCodeFor(new MscError('E_OUTPUT', 'x'))).toBe(EXIT_CODES.output);
    expect(exitCodeFor(new Error('boom'))).toBe(EXIT_CODES.internal);
  });

  it('formats a message and hint without a stack for user errors', () => {
    const text = formatError(new MscError('E_TABLE_FORMAT', 'cannot read a.xls', { hint: 'use .csv' }));
    expect(text).toBe('error [E_TABLE_FORMAT]: cannot read a.xls\nhint: use .csv');
    expect(formatError(new Error('boom'))).toMatch(/^internal error: Error: boom/);
  });
});

describe('errorMessage and errorReason', () => {
  it('give the message of an Error and the text of anything else thrown', () => {
    expect(errorMessage(new TypeError('bad type'))).toBe('bad type');
    expect(errorMessage('plain text')).toBe('plain text');
    expect(errorMessage(undefined)).toBe('undefined');
  });

  it('prefer a system error code to the message, and fall back to the message without one', () => {
    expect(errorReason(Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' }))).toBe('ENOENT');
    expect(errorReason(new Error('no code here'))).toBe('no code here');
    expect(errorReason(null)).toBe('null');
  });
});

describe('normalizeFlagSpellings', () => {
  it("maps the original's snake_case flags to kebab-case, leaving values alone", async () => {
    const { normalizeFlagSpellings } = await import('./cli.js');
    expect(normalizeFlagSpellings(['--input_dir', 'a_b', '--model_path=x_y.onnx', '-o', 'out_1.csv'])).toEqual([
      '--input-dir',
      'a_b',
      '--model-path=x_y.onnx',
      '-o',
      'out_1.csv',
    ]);
  });
});
