import { describe, expect, it } from 'vitest';
import { LineBatchBuilder } from '../src/line-batch.js';

const decode = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');

describe('LineBatchBuilder', () => {
  it('keeps each line as UTF-8 bytes, its end, its series and the notes in file order', () => {
    const batch = new LineBatchBuilder();
    batch.row('/a/1.dcm', '1.2', '1.2.3', 'Müller\t/a/1.dcm\n');
    batch.skipped('/a/2.txt', 'not DICOM');
    batch.row('/a/3.dcm', '1.2', '1.2.4', '山田\t/a/3.dcm\n', undefined, 'partial: file truncated at offset 9');
    batch.row('/a/4.dcm', '1.2', '1.2.3', 'x\n', 'pixel data unreadable: no codec');
    const result = batch.finish();
    expect(result.files).toBe(4);
    expect(decode(result.text)).toBe('Müller\t/a/1.dcm\n山田\t/a/3.dcm\nx\n');
    const ends = [...result.lineEnds];
    expect(decode(result.text.subarray(ends[0], ends[1]))).toBe('山田\t/a/3.dcm\n');
    expect(ends[2]).toBe(result.text.byteLength);
    expect(result.series).toEqual([
      ['1.2', '1.2.3'],
      ['1.2', '1.2.4'],
    ]);
    expect([...result.rowSeries]).toEqual([0, 1, 0]);
    expect(result.notes).toEqual([
      { kind: 'skipped', path: '/a/2.txt', reason: 'not DICOM', row: -1 },
      { kind: 'partial', path: '/a/3.dcm', reason: 'partial: file truncated at offset 9', row: 1 },
      { kind: 'image', path: '/a/4.dcm', reason: 'pixel data unreadable: no codec', row: 2 },
    ]);
  });

  it('grows past its first buffer without losing earlier lines', () => {
    const batch = new LineBatchBuilder();
    const lines = Array.from({ length: 300 }, (_, i) => `${'é'.repeat(400)}\t${i}\n`);
    for (const line of lines) batch.row('/p', 's', 'r', line);
    const result = batch.finish();
    expect(decode(result.text)).toBe(lines.join(''));
    expect(result.lineEnds.length).toBe(300);
  });
});
