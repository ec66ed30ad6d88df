import { describe, expect, it } from 'vitest';
import { Random } from '@msc/core';
import { fitBinMapper, valueToBin } from './bin-mapper.js';

describe('fitBinMapper', () => {
  it('gives each distinct value its own bin when they fit, plus a missing bin', () => {
    const m = fitBinMapper(Float32Array.of(3, 1, 2, 2, Number.NaN, 2), 255);
    expect(Array.from(m.upper)).toEqual([1, 2, Infinity]);
    expect(m.nValueBins).toBe(3);
    expect(m.missingBin).toBe(3);
    expect(m.nBins).toBe(4);
    expect(m.defaultBin).toBe(1); // value 2 is the most frequent
    expect(valueToBin(m, Number.NaN)).toBe(3);
    expect(valueToBin(m, 2.5)).toBe(2);
    expect(valueToBin(m, 100)).toBe(2);
  });

  it('makes binary features two bins with the default at zero', () => {
    const m = fitBinMapper(Float32Array.of(0, 0, 0, 1, 0), 255);
    expect(m.nBins).toBe(2);
    expect(m.missingBin).toBe(-1);
    expect(m.defaultBin).toBe(0);
  });

  it('caps bins at max_bin with quantile cuts, heavy values in one bin', () => {
    const rnd = new Random(1);
    const values = Float32Array.from({ length: 20000 }, (_, i) => (i % 2 === 0 ? 0 : rnd.next() * 1000));
    values[5] = Number.NaN;
    const m = fitBinMapper(values, 64);
    expect(m.nBins).toBeLessThanOrEqual(64);
    expect(m.nValueBins).toBeGreaterThan(50);
    expect(m.upper[0]).toBe(0);
    expect(m.defaultBin).toBe(0);
    const counts = new Array<number>(m.nBins).fill(0);
    for (const v of values) counts[valueToBin(m, v)]!++;
    // besides the zero bin and the missing bin, no bin holds more than ~3× its share
    const share = 10000 / (m.nValueBins - 1);
    for (let b = 1; b < m.nValueBins; b++) expect(counts[b]!).toBeLessThan(3 * share);
  });

  it('agrees with float32 threshold comparison for every value and bin', () => {
    const rnd = new Random(2);
    const values = Float32Array.from({ length: 3000 }, () => Math.fround((rnd.next() - 0.5) * 1e3));
    const m = fitBinMapper(values, 32);
    const probes = [...values, ...Array.from({ length: 500 }, () => (rnd.next() - 0.5) * 2e3)];
    for (const x of probes) {
      const bin = valueToBin(m, x);
      for (let b = 0; b < m.nValueBins; b++) expect(bin <= b).toBe(Math.fround(x) <= m.upper[b]!);
    }
  });

  it('finds the same distinct values whether a column holds few (counted) or many (sorted)', () => {
    const few = Float32Array.of(5, 0, -0, 1, Number.NaN, 0, 1, -3);
    const many = Float32Array.from([...few, ...Array.from({ length: 20 }, (_, i) => 100 + i)]);
    for (const values of [few, many]) {
      const m = fitBinMapper(values, 255);
      // ascending; zeros are one value, written -0 as the sort writes it
      expect(Array.from(m.upper.subarray(0, 3))).toEqual([-3, -0, 1]);
      expect(Object.is(m.upper[1], -0)).toBe(true);
      expect(m.missingBin).toBe(m.nValueBins);
      expect(m.defaultBin).toBe(1);
    }
    expect(fitBinMapper(few, 255).nValueBins).toBe(4);
    expect(fitBinMapper(many, 255).nValueBins).toBe(24);
  });
});
