/**
 * msc-synth into a folder that already holds files (adversarial finding #22): refused without
 * --force, since labels.csv would list only the new cohort while the old files stay.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '@msc/core';
import { main } from '../../src/cli/main.js';

describe('msc-synth --out', () => {
  it('refuses a folder that is not empty (E_USAGE, nothing written), writes into it with --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'msc-synth-robust-'));
    const out = join(dir, 'cohort');
    mkdirSync(out);
    writeFileSync(join(out, 'old.dcm'), 'an earlier cohort');
    const args = ['--out', out, '--studies', '1', '--max-instances-per-series', '1'];
    const io = captureIo();
    expect(await main(args, io)).toBe(2);
    expect(io.err()).toMatch(/^error \[E_USAGE\]: .*cohort is not empty \(1 entries\).*\nhint: .*--force/);
    expect(readdirSync(out)).toEqual(['old.dcm']);
    const forced = captureIo();
    expect(await main([...args, '--force'], forced), forced.err()).toBe(0);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['old.dcm', 'labels.csv']));
    // An empty or new folder needs no flag.
    expect(await main(['--out', join(dir, 'fresh'), '--studies', '1', '--max-instances-per-series', '1'], captureIo())).toBe(0);
  });
});
