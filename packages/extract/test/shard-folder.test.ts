/**
 * msc-extract --shard k/n --shard-by folder: a file's part is decided from its path before it is
 * read, and folders of other parts are not walked. On real DICOM files of a synthetic cohort
 * (nested patient/study/series folders, and flat), with junk files and broken links planted in
 * every top-level folder to tell which folders a part walked and which files it read.
 */
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo, folderShardOf } from '@msc/core';
import { generateCohort, type CohortResult } from '@msc/synth';
import { readTableAll } from '@msc/tables';
import { main } from '../src/cli/main.js';
import { extractToTable, walkFiles } from '../src/index.js';

const N = 3;
let dir: string;
let cohort: CohortResult;
/** The cohort's top-level (patient) folders. */
let patients: string[];
/** One run over the whole cohort, per instance. */
let whole: Extracted;

/**
 * msc-extract in-process, reading on the calling thread (what is checked here is which files a part
 * walks and reads, not the threads: a worker thread costs ≈ 0.1 CPU-s to start); the resumed run
 * below reads in a worker thread, continuing a part the calling thread began.
 */
async function run(args: string[], workers = 0): Promise<{ status: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const status = await main([...args, '--n-workers', String(workers)], io);
  return { status, stdout: io.out(), stderr: io.err() };
}

interface Extracted {
  rows: string[];
  header: string;
  skipped: string[];
  summary: { files: number; series: number };
}

async function extract(name: string, args: string[]): Promise<Extracted> {
  const out = join(dir, name);
  const result = await run([...args, '-o', out]);
  expect(result.status, result.stderr).toBe(0);
  const [header, ...rows] = (await readFile(out, 'utf8')).split('\n').filter((line) => line !== '');
  const skipped = (await readTableAll(`${out}.skipped.csv`)).rows.map((row) => `${String(row.path)} ${String(row.reason)}`);
  return { rows, header: header!, skipped, summary: JSON.parse(result.stdout) as { files: number; series: number } };
}

/** The folder key of a path below the cohort: its first `depth` folders, or its own folder when shallower. */
function keyOf(path: string, depth = 1): string {
  const segments = relative(cohort.outDir, path.split(' ')[0]!).split(sep);
  return segments.slice(0, Math.min(depth, segments.length - 1)).join('/');
}

/** The file_path cell of an instance line (its column is found in the header). */
let filePathColumn = -1;
const filePath = (line: string) => line.split('\t')[filePathColumn]!;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-shard-folder-'));
  cohort = await generateCohort({ outDir: join(dir, 'dicom'), studies: 7, seed: 34, maxInstancesPerSeries: 4, pixels: 'none' });
  patients = [...new Set(cohort.labels.map((label) => label.patient_id))].sort();
  // In every patient folder: a file that is not DICOM (reported when read) and a broken link
  // (reported when its folder is walked); one level down, a junk file too (the depth-2 rule).
  for (const patient of patients) {
    await writeFile(join(cohort.outDir, patient, 'junk.bin'), 'not a DICOM file');
    await symlink(join(dir, 'nowhere'), join(cohort.outDir, patient, 'broken-link'));
  }
  whole = await extract('whole.tsv', [cohort.outDir]);
  filePathColumn = whole.header.split('\t').indexOf('file_path');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('--shard-by folder', () => {
  it('puts each file in exactly one part, by its top-level folder; the parts together are the whole run', async () => {
    expect(filePathColumn).toBeGreaterThanOrEqual(0);
    expect(whole.skipped.filter((line) => / not DICOM$/.test(line) && line.includes('junk.bin'))).toHaveLength(patients.length);
    const union = { rows: [] as string[], skipped: [] as string[], files: 0 };
    for (let k = 1; k <= N; k++) {
      const part = await extract(`folder-${k}.tsv`, [cohort.outDir, '--shard', `${k}/${N}`, '--shard-by', 'folder']);
      expect(part.header).toBe(whole.header);
      expect(part.rows.length, `part ${k} is empty: the test would prove nothing`).toBeGreaterThan(0);
      for (const line of [...part.rows.map(filePath), ...part.skipped]) expect(folderShardOf(keyOf(line), N), line).toBe(k);
      union.rows.push(...part.rows);
      union.skipped.push(...part.skipped);
      union.files += part.summary.files;
    }
    // Disjoint and complete: every row and every skipped file of the whole run once.
    expect(union.rows.sort()).toEqual([...whole.rows].sort());
    expect(union.skipped.sort()).toEqual([...whole.skipped].sort());
    expect(union.files).toBe(whole.summary.files);
  });

  it("does not walk other parts' folders or read their files (a study shard reads them all)", async () => {
    const k = 1;
    const others = patients.filter((patient) => folderShardOf(patient, N) !== k);
    expect(others.length).toBeGreaterThan(0);
    const part = await extract('prune-folder.tsv', [cohort.outDir, '--shard', `${k}/${N}`, '--shard-by', 'folder']);
    // The junk file and broken link of another part's folder would be reported had the folder been walked or the file read.
    for (const patient of others) expect(part.skipped.filter((line) => line.startsWith(join(cohort.outDir, patient, '')))).toEqual([]);
    // The walk alone: no path, no skipped entry under another part's folder; every top-level key decided.
    const walked: string[] = [];
    const reported: string[] = [];
    const decided: [string, boolean][] = [];
    const onFolder = (key: string, own: boolean) => decided.push([key, own]);
    for await (const path of walkFiles([cohort.outDir], {
      folderShard: { shard: { index: k, count: N }, depth: 1, onFolder },
      onSkipped: (path) => reported.push(path),
    }))
      walked.push(path);
    expect(walked.length).toBeGreaterThan(0);
    expect([...walked, ...reported].filter((path) => others.includes(keyOf(path)))).toEqual([]);
    // Each top-level folder decided once; '' is labels.csv's: files directly in the input go by the input.
    expect(decided.map(([key]) => key).sort()).toEqual(['', ...patients].sort());
    for (const [key, own] of decided) expect(own).toBe(folderShardOf(key, N) === k);
    // By study, every part reads every file's first block: the junk files are read (and reported) by every part.
    const study = await extract('prune-study.tsv', [cohort.outDir, '--shard', `${k}/${N}`]);
    expect(study.skipped.filter((line) => line.includes('junk.bin'))).toHaveLength(patients.length);
  });

  it('--shard-depth 2 splits by the folders two levels down; a file above that level goes by its own folder', async () => {
    const union = { rows: [] as string[], skipped: [] as string[] };
    for (let k = 1; k <= N; k++) {
      const part = await extract(`depth2-${k}.tsv`, [cohort.outDir, '--shard', `${k}/${N}`, '--shard-by', 'folder', '--shard-depth', '2']);
      for (const line of [...part.rows.map(filePath), ...part.skipped]) expect(folderShardOf(keyOf(line, 2), N), line).toBe(k);
      union.rows.push(...part.rows);
      union.skipped.push(...part.skipped);
    }
    // The junk files lie in the patient folders, above depth 2: each went to its patient folder's part.
    expect(
      union.skipped
        .filter((line) => line.includes('junk.bin'))
        .map((line) => keyOf(line, 2))
        .sort(),
    ).toEqual(patients);
    expect(union.rows.sort()).toEqual([...whole.rows].sort());
    expect(union.skipped.sort()).toEqual([...whole.skipped].sort());
  });

  it('a flat folder is one part (files directly in an input go by the input); the others are empty, with a note', async () => {
    const flat = await generateCohort({ outDir: join(dir, 'flat'), studies: 2, seed: 5, layout: 'flat', maxInstancesPerSeries: 2, pixels: 'none' });
    const out = join(dir, 'flat-whole.tsv');
    expect((await run([flat.outDir, '-o', out])).status).toBe(0);
    const owner = folderShardOf('', N);
    for (let k = 1; k <= N; k++) {
      const part = join(dir, `flat-${k}.tsv`);
      const result = await run([flat.outDir, '-o', part, '--shard', `${k}/${N}`, '--shard-by', 'folder']);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).toContain(`1 folder(s) at --shard-depth 1 for ${N} shards: some shards are empty`);
      const text = await readFile(part, 'utf8');
      if (k === owner) expect(text).toBe(await readFile(out, 'utf8'));
      else expect(text.split('\n').filter((line) => line !== '')).toHaveLength(1); // the header alone
      expect(JSON.parse(await readFile(`${part}.shard.json`, 'utf8'))).toEqual({ shard: `${k}/${N}`, tool: 'msc-extract', by: 'folder', depth: 1 });
    }
  });

  it('--resume continues an interrupted folder shard to the same table, and refuses to continue it by study', async () => {
    // The part with the most files, so that the run below is stopped between two batches.
    const sizes = await Promise.all(
      [1, 2, 3].map(async (index) => {
        let files = 0;
        for await (const _ of walkFiles([cohort.outDir], { folderShard: { shard: { index, count: N }, depth: 1 } })) files += 1;
        return files;
      }),
    );
    const k = sizes.indexOf(Math.max(...sizes)) + 1;
    const args = [cohort.outDir, '--shard', `${k}/${N}`, '--shard-by', 'folder'];
    const once = await extract('resume-once.tsv', args);
    const out = join(dir, 'resume.tsv');
    // Interrupted after its first committed part (10 rows a part; on this thread, a batch is a few dozen files).
    const stop = new AbortController();
    const interrupted = extractToTable([cohort.outDir], out, {
      workers: 0,
      folderShard: { shard: { index: k, count: N }, depth: 1 },
      checkpointRows: 10,
      // no keepRow: the line path (rows formatted by the reading thread) stops on the signal between batches
      skippedReport: `${out}.skipped.csv`,
      onProgress: () => stop.abort(new Error('stopped')),
      signal: stop.signal,
    });
    await expect(interrupted).rejects.toThrow('stopped');
    const byStudy = await run([cohort.outDir, '-o', out, '--shard', `${k}/${N}`, '--resume']);
    expect(byStudy.status).toBe(2);
    expect(byStudy.stderr).toMatch(/started with other inputs or options/);
    const resumed = await run([...args, '-o', out, '--resume'], 1);
    expect(resumed.status, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout) as { resumedFiles: number; files: number };
    expect(summary.resumedFiles).toBeGreaterThan(0);
    expect(summary.resumedFiles + summary.files).toBe(once.summary.files);
    expect(await readFile(out, 'utf8')).toBe(await readFile(join(dir, 'resume-once.tsv'), 'utf8'));
    expect((await readTableAll(`${out}.skipped.csv`)).rows.map((row) => `${String(row.path)} ${String(row.reason)}`)).toEqual(once.skipped);
  });

  it('spreads folder names that differ only in characters of equal low bits (plain FNV-1a mod 4 would not)', () => {
    // '0', '4', '8' and 'A', 'E', 'I', 'M' share their low two bits: FNV-1a modulo a power of two sees only those.
    for (const names of [
      ['series_0', 'series_4', 'series_8'],
      ['case_A', 'case_E', 'case_I', 'case_M'],
    ])
      expect(new Set(names.map((name) => folderShardOf(name, 4))).size, names.join(' ')).toBeGreaterThan(1);
    const counts = [0, 0, 0, 0];
    for (let i = 1; i <= 400; i++) counts[folderShardOf(`P${String(i).padStart(4, '0')}`, 4) - 1]! += 1;
    for (const count of counts) expect(count).toBeGreaterThan(70); // 100 each on average
  });

  it('validates the options: error [E_USAGE] with a hint', async () => {
    const out = join(dir, 'bad.tsv');
    const cases: [string[], RegExp][] = [
      [
        ['--shard', '1/3', '--shard-by', 'patient'],
        /^error \[E_USAGE\]: option '--shard-by <key>' argument 'patient' is invalid\. Allowed choices are study, folder, balanced\.\nhint: /,
      ],
      [
        ['--shard', '1/3', '--shard-by', 'folder', '--shard-depth', '0'],
        /^error \[E_USAGE\]: option '--shard-depth <levels>' argument '0' is invalid\. expected a whole number ≥ 1, not '0'\nhint: /,
      ],
      [['--shard-by', 'folder'], /^error \[E_USAGE\]: --shard-by needs --shard k\/n\nhint: e\.g\. --shard 2\/8 --shard-by folder/],
      [
        ['--shard', '1/3', '--shard-depth', '2'],
        /^error \[E_USAGE\]: --shard-depth applies to --shard-by folder or balanced only\nhint: add --shard-by folder/,
      ],
    ];
    for (const [flags, message] of cases) {
      const result = await run([cohort.outDir, '-o', out, ...flags]);
      expect(result.status, flags.join(' ')).toBe(2);
      expect(result.stderr, flags.join(' ')).toMatch(message);
    }
  });
});
