import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '@msc/core';
import { readTableAll } from '@msc/tables';
import { MR_IMAGE_STORAGE, generateCohort, number, part10File, text, type CohortResult } from '@msc/synth';
import { main } from '../src/cli/main.js';

const BIN = fileURLToPath(new URL('../bin/msc-extract.mjs', import.meta.url));
/** The binary as a process: for the first run (the shim, its exit status, stdout piped) and the worker threads' own module state. */
const runBinary = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
/** msc-extract in-process (what the binary runs), for the rest. */
async function run(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const status = await main(args, io);
  return { status, stdout: io.out(), stderr: io.err() };
}

let dir: string;
let cohort: CohortResult;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-extract-cli-'));
  // every series of four studies, 8 files each (one per b-value, phase, echo and direction first)
  cohort = await generateCohort({ outDir: join(dir, 'cohort'), studies: 4, seed: 21, maxInstancesPerSeries: 8 });
});

describe('msc-extract binary', () => {
  it('writes one row per instance and a skipped-files report', async () => {
    const out = join(dir, 'instances.parquet');
    const result = runBinary([cohort.outDir, '-o', out]);
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { instances: number; series: number; skipped: Record<string, number> };
    expect(summary.instances).toBe(cohort.instances);
    expect(summary.series).toBe(cohort.labels.length);
    const table = await readTableAll(out);
    expect(table.rows).toHaveLength(cohort.instances);
    expect(table.columns).toEqual(expect.arrayContaining(['study_uid', 'series_uid', 'file_path', 'diffusion_bvalue_final', 'image_type']));
    const report = await readTableAll(join(dir, 'instances.parquet.skipped.csv'));
    expect(report.rows.map((row) => row.reason)).toContain('not DICOM'); // labels.csv
    expect(report.rows.filter((row) => String(row.reason).startsWith('non-image SOP class'))).toHaveLength(cohort.skippedObjects);
  });

  it('writes a delimited output of many parts (grown as they are committed) byte for byte as one part, with no temporary left', async () => {
    for (const extension of ['tsv', 'csv']) {
      const whole = join(dir, `whole.${extension}`);
      const parted = join(dir, `parted.${extension}`);
      expect((await run([cohort.outDir, '-o', whole, '--n-workers', '2'])).status).toBe(0);
      // Rows per part fewer than rows per batch of the threads, and not a divisor of the rows.
      const result = await run([cohort.outDir, '-o', parted, '--n-workers', '2', '--checkpoint-rows', '7']);
      expect(result.status, result.stderr).toBe(0);
      expect(await readFile(parted)).toEqual(await readFile(whole));
      expect(await readFile(`${parted}.skipped.csv`)).toEqual(await readFile(`${whole}.skipped.csv`));
      expect((await readdir(dir)).filter((name) => name.startsWith('.parted') || name.startsWith('parted.' + extension + '.partial'))).toEqual([]);
    }
  });

  it('names each skipped-files report after its own output: a CSV run beside a parquet run keeps both', async () => {
    const parquetReport = join(dir, 'instances.parquet.skipped.csv');
    const before = await readFile(parquetReport, 'utf8');
    const csvRun = await run([cohort.outDir, '-o', join(dir, 'instances.csv')]);
    expect(csvRun.status, csvRun.stderr).toBe(0);
    // the same archive: the same skipped files, in a report of its own
    expect(await readFile(join(dir, 'instances.csv.skipped.csv'), 'utf8')).toBe(before);
    expect(await readFile(parquetReport, 'utf8')).toBe(before);
  });

  it('keeps the row of a damaged file, says what broke in the report, and counts it apart', async () => {
    const damaged = join(dir, 'damaged');
    await cp(cohort.outDir, damaged, { recursive: true });
    // A (little-endian) file cut inside the value of SeriesNumber (0020,0011), after its keys.
    const { stdout } = spawnSync('find', [damaged, '-name', '*.dcm', '-path', '*dwi*'], { encoding: 'utf8' });
    const seriesNumber = Buffer.from([0x20, 0x00, 0x11, 0x00]);
    let victim = '';
    let bytes = Buffer.alloc(0);
    for (const path of stdout.trim().split('\n').sort()) {
      bytes = await readFile(path);
      if (bytes.indexOf(seriesNumber) > 0) {
        victim = path;
        break;
      }
    }
    await writeFile(victim, bytes.subarray(0, bytes.indexOf(seriesNumber) + 9));
    const out = join(dir, 'damaged.csv');
    const result = await run([damaged, '-o', out]);
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { instances: number; partialRows: number; skipped: Record<string, number> };
    expect(summary).toMatchObject({ instances: cohort.instances, partialRows: 1 });
    expect(Object.keys(summary.skipped)).not.toContain('partial');
    const report = (await readTableAll(join(dir, 'damaged.csv.skipped.csv'))).rows;
    expect(report.find((row) => row.path === victim)?.reason).toMatch(/^partial: file truncated .* at offset \d+$/);
    expect((await readTableAll(out)).rows.some((row) => row.file_path === victim)).toBe(true);
  });

  it('groups series by SeriesInstanceUID, not by folder', async () => {
    // Split one series over two folders and put two series in one folder.
    const moved = join(dir, 'moved');
    await cp(cohort.outDir, moved, { recursive: true });
    const patient = (await readdir(moved)).find((name) => name.startsWith('SYN'))!;
    const studyDir = join(moved, patient, (await readdir(join(moved, patient)))[0]!);
    const [first, second] = (await readdir(studyDir)).filter((name) => /^\d{3}_/.test(name)).sort();
    const files = await readdir(join(studyDir, first!));
    await mkdir(join(moved, 'elsewhere'));
    await rename(join(studyDir, first!, files[0]!), join(moved, 'elsewhere', files[0]!));
    for (const name of await readdir(join(studyDir, second!))) await rename(join(studyDir, second!, name), join(studyDir, first!, `x_${name}`));
    const out = join(dir, 'series.csv');
    const result = await run(['--input_dir', moved, '--output_path', out, '--per-series']);
    expect(result.status, result.stderr).toBe(0);
    const rows = (await readTableAll(out)).rows;
    expect(rows.map((row) => row.series_uid).sort()).toEqual(cohort.labels.map((label) => label.series_uid).sort());
    for (const label of cohort.labels) {
      expect(Number(rows.find((row) => row.series_uid === label.series_uid)!.number_of_images), label.series_uid).toBe(label.instances);
    }
  });

  it('honours --pattern and --dicom-recursion', async () => {
    const none = await run([cohort.outDir, '-o', join(dir, 'shallow.csv'), '--dicom-recursion', '1']);
    expect(none.status).toBe(3);
    expect(none.stderr).toMatch(/no DICOM image instances/);
    const dcmOnly = await run([cohort.outDir, '-o', join(dir, 'pattern.csv'), '--pattern', '*.dcm']);
    expect(dcmOnly.status, dcmOnly.stderr).toBe(0);
    const withoutExtension = cohort.instances - (JSON.parse(dcmOnly.stdout) as { instances: number }).instances;
    expect(withoutExtension).toBeGreaterThan(0); // the cohort has files without .dcm
  });

  it('fails clearly on bad input and leaves no output behind', async () => {
    const missing = await run(['/nonexistent/folder', '-o', join(dir, 'x.csv')]);
    expect(missing.status).toBe(3);
    expect(missing.stderr).toMatch(/E_INPUT_NOT_FOUND.*nonexistent/);
    expect(existsSync(join(dir, 'x.csv'))).toBe(false);
    expect((await run([cohort.outDir])).status).toBe(2);
    expect((await run([cohort.outDir, '-o', join(dir, 'x.xlsx')])).status).toBe(3);
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await writeFile(join(empty, 'notes.txt'), 'not dicom');
    expect((await run([empty, '-o', join(dir, 'e.csv')])).status).toBe(3);
    expect(existsSync(join(dir, 'e.csv'))).toBe(false);
    expect(existsSync(join(dir, 'shallow.csv'))).toBe(false);
    expect((await readTableAll(join(dir, 'e.csv.skipped.csv'))).rows).toEqual([{ path: join(empty, 'notes.txt'), reason: 'not DICOM' }]);
  });
});

describe('--csv-formulas in the worker threads', () => {
  /** An MR instance whose description, protocol and manufacturer a spreadsheet would run as formulas. */
  const formulaInstance = (index: number) => {
    const uid = `1.2.826.0.1.3680043.8.498.7701.${index}`;
    return part10File(MR_IMAGE_STORAGE, uid, 'explicit-little', {
      '00080016': text('UI', MR_IMAGE_STORAGE),
      '00080018': text('UI', uid),
      '00080060': text('CS', 'MR'),
      '00080070': text('LO', '+SIEMENS'),
      '0008103E': text('LO', '=1+2'),
      '00181030': text('LO', '@SUM(A1)'),
      '0020000D': text('UI', '1.2.826.0.1.3680043.8.498.7701'),
      '0020000E': text('UI', '1.2.826.0.1.3680043.8.498.7701.0'),
      '00200013': text('IS', index),
      '00280010': number('US', 64),
      '00280011': number('US', 64),
    });
  };

  it("formats the instance lines under the caller's policy: 'keep' raw, the default 'escape' with a leading '", async () => {
    const input = join(dir, 'formulas');
    await mkdir(input);
    // a few files, so that both threads read some
    for (let index = 1; index <= 6; index++) await writeFile(join(input, `${index}.dcm`), formulaInstance(index));
    const cellsOf = async (name: string, args: string[]) => {
      const out = join(dir, name);
      // instance rows to CSV: the output is the threads' lines, concatenated without re-parsing
      const result = runBinary([input, '-o', out, '--n-workers', '2', ...args]);
      expect(result.status, result.stderr).toBe(0);
      const [header, ...lines] = (await readFile(out, 'utf8')).trim().split('\n');
      const columns = header!.split(',');
      expect(lines).toHaveLength(6);
      return lines.map((line) => {
        const cells = line.split(',');
        return ['manufacturer', 'series_description', 'protocol_name'].map((column) => cells[columns.indexOf(column)]);
      });
    };
    for (const cells of await cellsOf('formulas-keep.csv', ['--csv-formulas', 'keep'])) expect(cells).toEqual(['+SIEMENS', '=1+2', '@SUM(A1)']);
    for (const cells of await cellsOf('formulas-escaped.csv', [])) expect(cells).toEqual(["'+SIEMENS", "'=1+2", "'@SUM(A1)"]);
  });
});
