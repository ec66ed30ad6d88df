// Salvage on real files (issue 22): seeded mutations of the committed real headers
// (pipelines/real-prostate, pipelines/real-mr); of the mutants pydicom reads with valid image keys,
// MSC must give a row for ≥ 95 %, keyed as pydicom keys it. `node pipelines/salvage.mjs` measures
// the same on thousands of mutants (and the real-scanner cache with --real-scanners).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractFile } from '@msc/extract';
import { skipWithoutPython } from '../../test-support/oracles.js';
// @ts-expect-error plain ESM module without types, shared with the measuring script
import { formatSalvage, layoutOf, measureSalvage, unpackRealHeaders } from '../salvage.mjs';

const skipPydicom = skipWithoutPython('pydicom');

interface SalvageResult {
  mutants: number;
  readable: number;
  rate: number;
  disagree: string[];
}

let work: string;
let seedDirs: string[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'msc-salvage-test-'));
  seedDirs = unpackRealHeaders(work) as string[];
}, 30_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('salvage of mutated real files', () => {
  it.skipIf(skipPydicom)(
    'gives a row for ≥ 95 % of the mutants pydicom reads with valid keys, keyed alike',
    async () => {
      const result = (await measureSalvage({ seedDirs, mutants: 300, seed: 20261207, workDir: join(work, 'run') })) as SalvageResult;
      console.log(formatSalvage(result));
      expect(result.mutants).toBe(300);
      expect(result.readable).toBeGreaterThan(100);
      expect(result.disagree).toEqual([]);
      expect(result.rate).toBeGreaterThanOrEqual(0.95);
    },
    30_000,
  );

  it('reads a file whose DICM magic was cut out of a zeroed preamble, as pydicom does', async () => {
    const folder = seedDirs[0]!;
    const patient = readdirSync(folder).find((name) => name.startsWith('ProstateX'))!;
    const series = readdirSync(join(folder, patient))[0]!;
    const file = join(folder, patient, series, readdirSync(join(folder, patient, series)).sort()[0]!);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 128).every((byte) => byte === 0)).toBe(true);
    const damaged = join(work, 'no-magic.dcm');
    writeFileSync(damaged, Buffer.concat([bytes.subarray(0, 128), bytes.subarray(132)]));
    const [event, intact] = [await extractFile(damaged), await extractFile(file)];
    if (event.kind !== 'row' || intact.kind !== 'row') throw new Error(`no row: ${JSON.stringify(event)}`);
    expect(event.row.series_uid).toBe(intact.row.series_uid);
    // Nothing but zeros before the dataset is still no DICOM.
    const zeros = join(work, 'zeros.dcm');
    writeFileSync(zeros, new Uint8Array(4096));
    expect(await extractFile(zeros)).toMatchObject({ kind: 'skipped', reason: 'not DICOM' });
  });

  it('reads past a sequence whose undefined length was damaged to 0, as pydicom does', async () => {
    // A real ProstateX file; its first top-level sequence of undefined length gets length 0, which
    // leaves its item at the top level: pydicom reads that as raw bytes up to the sequence delimiter.
    const folder = seedDirs[0]!;
    const patient = readdirSync(folder).find((name) => name.startsWith('ProstateX'))!;
    const series = readdirSync(join(folder, patient))[0]!;
    const file = join(folder, patient, series, readdirSync(join(folder, patient, series)).sort()[0]!);
    const bytes = readFileSync(file);
    const layout = layoutOf(bytes) as { elements: number[]; bytes: Uint8Array };
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const sequence = layout.elements.find(
      (offset) => bytes.toString('latin1', offset + 4, offset + 6) === 'SQ' && view.getUint32(offset + 8, true) === 0xffffffff,
    );
    expect(sequence, 'a top-level sequence of undefined length').toBeDefined();
    view.setUint32(sequence! + 8, 0, true);
    const damaged = join(work, 'sequence-length-0.dcm');
    writeFileSync(damaged, bytes);
    const event = await extractFile(damaged);
    expect(event.kind, JSON.stringify(event)).toBe('row');
    const intact = await extractFile(file);
    if (event.kind !== 'row' || intact.kind !== 'row') throw new Error('no row');
    for (const key of ['sop_class_uid', 'study_uid', 'series_uid', 'series_description', 'echo_time']) expect(event.row[key]).toBe(intact.row[key]);
  });
});
