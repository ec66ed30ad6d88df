import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DICOM_COLUMNS, type InstanceRow } from '@msc/core';
import { generateCohort } from '@msc/synth';
import { extractInstances, type ExtractEvent } from '../src/index.js';
import { PYDICOM_DATA, PYTHON, skipWithoutPython } from '../../../test-support/oracles.js';
import { unpackRealProstate } from './real-prostate.js';

// pydicom is the oracle (Debian's python3-pydicom; MSC_ORACLES=1 installs it, CI requires it).
const ORACLE = fileURLToPath(new URL('./pydicom_rows.py', import.meta.url));
const skipPydicom = skipWithoutPython('pydicom');

const ORACLE_COLUMNS = JSON.stringify(
  DICOM_COLUMNS.map((spec) => ({
    name: spec.name,
    group: spec.tag!.group,
    element: spec.tag!.element,
    creator: spec.privateCreator ?? null,
    vr: spec.vr,
    perFrame: spec.perFrameValues === true,
  })),
);

function oracle(paths: string[]): Record<string, Record<string, string> | null> {
  const out: Record<string, Record<string, string> | null> = {};
  for (let i = 0; i < paths.length; i += 400) {
    const result = spawnSync(PYTHON, [ORACLE, ORACLE_COLUMNS, ...paths.slice(i, i + 400)], { encoding: 'utf8', maxBuffer: 256 << 20 });
    if (result.status !== 0) throw new Error(result.stderr);
    Object.assign(out, JSON.parse(result.stdout));
  }
  return out;
}

/**
 * The Siemens b-value as the original tool gets it: pydicom's value of the private element, a byte
 * string where the file says OB (`b'800 '`), counted by its text.
 */
const ORIGINAL_SIEMENS_B_VALUE = `
import json, sys, pydicom
out = {}
for path in sys.argv[1:]:
    ds = pydicom.dcmread(path, stop_before_pixels=True)
    try:
        value = ds.private_block(0x0019, "SIEMENS MR HEADER")[0x0C].value
    except KeyError:
        value = None
    text = value.decode("ascii") if isinstance(value, bytes) else ("" if value is None else str(value))
    out[path] = text.strip(" \\0") or None
print(json.dumps(out))
`;

async function collect(inputs: string[]): Promise<ExtractEvent[]> {
  const events: ExtractEvent[] = [];
  for await (const event of extractInstances(inputs)) events.push(event);
  return events;
}

function compare(rows: { path: string; row: InstanceRow }[], expected: Record<string, Record<string, string> | null>): string[] {
  const mismatches: string[] = [];
  for (const { path, row } of rows) {
    const want = expected[path];
    if (!want) {
      mismatches.push(`${path}: parsed here, pydicom could not read it`);
      continue;
    }
    for (const spec of DICOM_COLUMNS) {
      if (row[spec.name] !== want[spec.name])
        mismatches.push(`${path} ${spec.name}: msc=${JSON.stringify(row[spec.name])} pydicom=${JSON.stringify(want[spec.name])}`);
    }
  }
  return mismatches;
}

describe.skipIf(skipPydicom)('parity with pydicom', () => {
  let cohortDir: string;
  let nonImageObjects = 0;
  beforeAll(async () => {
    cohortDir = await mkdtemp(join(tmpdir(), 'msc-parity-'));
    // Every series of nine studies, each cut to 8 instances (one per b-value, phase, echo and
    // direction first): about 1,000 files rather than 3,835, the same 133 series and objects.
    nonImageObjects = (await generateCohort({ outDir: cohortDir, studies: 9, seed: 7, maxInstancesPerSeries: 8 })).skippedObjects;
  });

  it('gives every column of every synthetic instance as pydicom does', async () => {
    const events = await collect([cohortDir]);
    const rows = events.flatMap((event) => (event.kind === 'row' ? [event] : []));
    expect(rows.length).toBeGreaterThan(500);
    expect(compare(rows, oracle(rows.map((row) => row.path)))).toEqual([]);
    // Skipped: labels.csv (not DICOM) and exactly the SEG/SR objects the generator wrote.
    const skipped = events.flatMap((event) => (event.kind === 'skipped' ? [event] : []));
    expect(skipped.filter((event) => event.reason === 'not DICOM').map((event) => event.path)).toEqual([join(cohortDir, 'labels.csv')]);
    expect(skipped.filter((event) => /^non-image SOP class (Segmentation Storage|Enhanced SR Storage)$/.test(event.reason))).toHaveLength(nonImageObjects);
    expect(nonImageObjects).toBeGreaterThan(0);
  });

  it('reads the real ProstateX headers as pydicom does, their OB private b-values as the original counts them', async () => {
    const dir = unpackRealProstate(await mkdtemp(join(tmpdir(), 'msc-parity-prostate-')));
    try {
      const rows = (await collect([dir])).flatMap((event) => (event.kind === 'row' ? [event] : []));
      expect(rows).toHaveLength(376);
      const paths = rows.map((row) => row.path);
      expect(compare(rows, oracle(paths))).toEqual([]);
      const result = spawnSync(PYTHON, ['-c', ORIGINAL_SIEMENS_B_VALUE, ...paths], { encoding: 'utf8', maxBuffer: 64 << 20 });
      if (result.status !== 0) throw new Error(result.stderr);
      const original = JSON.parse(result.stdout) as Record<string, string | null>;
      const withValue = rows.filter((row) => original[row.path] !== null);
      for (const { path, row } of withValue) expect(row.diffusion_bvalue_siemens, path).toBe(original[path]);
      // The diffusion and ADC series: 190 instances with a b-value in the original, all read here.
      expect(withValue).toHaveLength(190);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reads every file of pydicom's corpus as pydicom does, or says why not", async () => {
    const events = await collect([join(PYDICOM_DATA, 'test_files'), join(PYDICOM_DATA, 'charset_files')]);
    const rows = events.flatMap((event) => (event.kind === 'row' ? [event] : []));
    expect(rows.length).toBeGreaterThan(100);
    expect(compare(rows, oracle(rows.map((row) => row.path)))).toEqual([]);
    for (const event of events)
      if (event.kind === 'skipped')
        expect(event.reason, event.path).toMatch(/^(not DICOM|no SOPClassUID|no StudyInstanceUID|non-image SOP class|truncated|unreadable|unparseable)/);
  });
});
