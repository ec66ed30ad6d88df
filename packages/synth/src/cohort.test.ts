import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLASS_LABELS } from '@msc/core';
import { readTableAll } from '@msc/tables';
import { generateCohort, type CohortResult } from './cohort.js';
import { DEFAULT_VENDORS } from './profiles.js';
import { MR_IMAGE_STORAGE } from './dataset.js';
import { filesUnder, readDicom, value } from '../test/read-back.js';

const NINE_STUDIES = { studies: 9, seed: 7, maxInstancesPerSeries: 8 };
let dir: string;
let cohort: CohortResult;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-synth-'));
  // Every series of nine studies, each cut to 8 instances (the cap keeps one per b-value, phase,
  // echo and direction first): what dcmjs and pydicom read is the same 133 series in 1,000 files, not 3,835.
  cohort = await generateCohort({ outDir: join(dir, 'a'), ...NINE_STUDIES });
});

describe('generateCohort', () => {
  it('writes labels that match the files read back with dcmjs', async () => {
    const bySeries = new Map<string, number>();
    const nonImage: string[] = [];
    for (const path of filesUnder(cohort.outDir)) {
      const { meta, dict } = readDicom(path);
      expect(value(meta, '00020002')).toBe(value(dict, '00080016'));
      if (value(dict, '00080016') !== MR_IMAGE_STORAGE) {
        nonImage.push(String(value(dict, '00080060')));
        continue;
      }
      const series = String(value(dict, '0020000E'));
      bySeries.set(series, (bySeries.get(series) ?? 0) + 1);
    }
    expect(new Set(nonImage)).toEqual(new Set(['SEG', 'SR'].filter((kind) => nonImage.includes(kind))));
    expect(nonImage.length).toBe(cohort.skippedObjects);
    expect(nonImage.length).toBeGreaterThan(0);
    expect(bySeries.size).toBe(cohort.labels.length);
    for (const label of cohort.labels) expect(bySeries.get(label.series_uid), label.series_uid).toBe(label.instances);
    const written = await readTableAll(cohort.labelsPath);
    expect(written.rows.map((row) => row.series_uid)).toEqual(cohort.labels.map((label) => label.series_uid));
    expect(written.columns).toEqual([
      'study_uid',
      'series_uid',
      'class',
      'patient_id',
      'vendor',
      'field_strength',
      'description',
      'instances',
      'kind',
      'acquisition_group',
    ]);
  });

  it('covers every class for every vendor of the default mix', () => {
    for (const vendor of DEFAULT_VENDORS) {
      const classes = new Set(cohort.labels.filter((label) => label.vendor === vendor).map((label) => label.class));
      expect([...classes].sort(), vendor).toEqual([...CLASS_LABELS]);
    }
  });

  it('is deterministic for a seed and differs for another', async () => {
    const again = await generateCohort({ outDir: join(dir, 'b'), ...NINE_STUDIES });
    const other = await generateCohort({ outDir: join(dir, 'c'), ...NINE_STUDIES, seed: 8 });
    expect(again.labels).toEqual(cohort.labels);
    const files = filesUnder(cohort.outDir)
      .map((path) => relative(cohort.outDir, path))
      .sort();
    expect(
      filesUnder(again.outDir)
        .map((path) => relative(again.outDir, path))
        .sort(),
    ).toEqual(files);
    for (const name of files.slice(0, 200)) {
      expect((await readFile(join(again.outDir, name))).equals(await readFile(join(cohort.outDir, name))), name).toBe(true);
    }
    expect(other.labels.map((label) => label.series_uid)).not.toEqual(cohort.labels.map((label) => label.series_uid));
  });

  it('writes vendor b-values under their private creators, and archive noise', async () => {
    const seen = { siemens: 0, ge: 0, geOffset: 0, philips: 0, hitachi: 0, un: 0, implicit: 0, bigEndian: 0, noExtension: 0, standard: 0 };
    const vendors = await generateCohort({
      outDir: join(dir, 'vendors'),
      studies: 30,
      seed: 9,
      maxInstancesPerSeries: 3,
      vendors: ['SIEMENS', 'GE', 'PHILIPS', 'HITACHI'],
    });
    for (const path of filesUnder(vendors.outDir)) {
      const { meta, dict } = readDicom(path);
      const syntax = value(meta, '00020010');
      if (syntax === '1.2.840.10008.1.2') seen.implicit += 1;
      if (syntax === '1.2.840.10008.1.2.2') seen.bigEndian += 1;
      if (!path.endsWith('.dcm')) seen.noExtension += 1;
      if (dict['00189087']) seen.standard += 1;
      // Hitachi's private b-value sits at Siemens' element number under its own creator.
      if (dict['0019100C']) {
        expect(value(dict, '00190010')).toBe(value(dict, '00080070') === 'SIEMENS' ? 'SIEMENS MR HEADER' : 'HITACHI MR 01');
        if (value(dict, '00080070') === 'SIEMENS') seen.siemens += 1;
        else seen.hitachi += 1;
      }
      if (dict['00431039']) {
        expect(value(dict, '00430010')).toBe('GEMS_PARM_01');
        seen.ge += 1;
        // GE's first value, as text (VR UN keeps the bytes): more than 5 digits is the 10⁹ offset.
        const raw = value(dict, '00431039');
        const first = raw instanceof ArrayBuffer ? new TextDecoder().decode(raw).split('\\')[0]! : String(raw);
        if (first.trim().length > 5) seen.geOffset += 1;
      }
      if (dict['20011003']) {
        expect(value(dict, '20010010')).toBe('Philips Imaging DD 001');
        seen.philips += 1;
      }
      for (const tag of ['0019100C', '00431039', '20011003']) if (dict[tag]?.vr === 'UN') seen.un += 1;
    }
    for (const [key, count] of Object.entries(seen)) expect(count, key).toBeGreaterThan(0);
  });

  it('is read by pydicom (an independent reader) with the same values', () => {
    const script = `
import json, os, sys, pydicom
out = {}
for root, _, files in os.walk(sys.argv[1]):
    for name in files:
        if name == 'labels.csv': continue
        d = pydicom.dcmread(os.path.join(root, name))
        if d.SOPClassUID != '${MR_IMAGE_STORAGE}': continue
        out[str(d.SeriesInstanceUID)] = out.get(str(d.SeriesInstanceUID), 0) + 1
        if d.get('PixelData') is not None: d.pixel_array
print(json.dumps(out))
`;
    const result = spawnSync('/usr/bin/python3', ['-c', script, cohort.outDir], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const counts = JSON.parse(result.stdout) as Record<string, number>;
    expect(Object.keys(counts).length).toBe(cohort.labels.length);
    for (const label of cohort.labels) expect(counts[label.series_uid]).toBe(label.instances);
  });

  it('writes a flat layout and realistic pixel sizes', async () => {
    const flat = await generateCohort({ outDir: join(dir, 'flat'), studies: 1, seed: 3, layout: 'flat', pixels: 'realistic', vendors: ['GE'], noise: false });
    const entries = readdirSync(flat.outDir);
    expect(entries.every((name) => statSync(join(flat.outDir, name)).isFile())).toBe(true);
    const sizes = entries.filter((name) => name !== 'labels.csv').map((name) => statSync(join(flat.outDir, name)).size);
    expect(Math.min(...sizes)).toBeGreaterThan(100_000);
    expect(Math.max(...sizes)).toBeLessThan(600_000);
    expect(flat.labels.every((label) => label.vendor === 'GE')).toBe(true);
  });
});

describe('msc-synth binary', () => {
  const bin = fileURLToPath(new URL('../bin/msc-synth.mjs', import.meta.url));
  it('prints a JSON summary when piped', () => {
    const result = spawnSync(process.execPath, [bin, '--out', join(dir, 'cli'), '--studies', '2', '--seed', '5'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ studies: 2, outDir: join(dir, 'cli') });
  });
  it.each([[['--out', 'x', '--studies', '0']], [['--out', 'x', '--vendors', 'ACME']], [['--studies', '2']], [['--out', 'x', '--include-kinds', 'dti,nope']]])(
    'rejects bad flags %j',
    (args) => {
      const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/error/);
    },
  );
});
