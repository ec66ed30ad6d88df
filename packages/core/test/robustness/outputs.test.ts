/**
 * Output guards (adversarial findings #1, #4, #7, #8, #17, #18, #20): write errors reach the
 * caller as E_OUTPUT, outputs are checked before work, a partial run is locked, temporaries of
 * dead processes are swept and those of this process removed at exit.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertDistinctPaths, atomicWriteFile, checkOutputPath, createAtomicStream, lockOutput, sweepStaleTemporaries } from '@msc/core';
import { mountTmpfs, skipWithoutTmpfs, temporariesIn, unmount } from '../../../../test-support/robustness.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'msc-outputs-'));
});

/** The pid of a process that has exited (ids are reused only after wrapping around). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('checkOutputPath (before any work)', () => {
  it('refuses a folder, a path under a file and /proc with E_OUTPUT, and leaves nothing behind', () => {
    const folder = join(dir, 'folder.csv');
    mkdirSync(folder);
    expect(() => checkOutputPath(folder)).toThrow(expect.objectContaining({ code: 'E_OUTPUT', message: expect.stringContaining('is a folder') }));
    writeFileSync(join(dir, 'afile.txt'), 'x');
    expect(() => checkOutputPath(join(dir, 'afile.txt', 'out.csv'))).toThrow(expect.objectContaining({ code: 'E_OUTPUT' }));
    expect(() => checkOutputPath('/proc/msc-no/out.csv')).toThrow(expect.objectContaining({ code: 'E_OUTPUT' }));
    checkOutputPath(join(dir, 'new', 'deeper', 'ok.csv'));
    expect(readdirSync(join(dir, 'new', 'deeper'))).toEqual([]);
  });
});

describe('assertDistinctPaths', () => {
  it('refuses an output that is an input or another output, however spelled (relative, hard link)', () => {
    const table = join(dir, 'table.csv');
    writeFileSync(table, 'a\n1\n');
    linkSync(table, join(dir, 'link.csv'));
    const inputs = [{ path: table, role: 'the input table' }];
    expect(() => assertDistinctPaths([{ path: join(dir, 'link.csv'), role: 'the output' }], inputs)).toThrow(
      expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('the input table') }),
    );
    expect(() => assertDistinctPaths([{ path: join(dir, '.', 'table.csv'), role: 'the output' }], inputs)).toThrow(
      expect.objectContaining({ code: 'E_USAGE' }),
    );
    const report = join(dir, 'r.csv');
    expect(() =>
      assertDistinctPaths([
        { path: report, role: 'the output' },
        { path: `${dir}/./r.csv`, role: '--skipped-report' },
      ]),
    ).toThrow(expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('--skipped-report') }));
    expect(() => assertDistinctPaths([{ path: join(dir, 'out.csv'), role: 'the output' }], inputs)).not.toThrow();
  });
});

describe('lockOutput', () => {
  it('refuses a second holder, takes over the lock of a dead process, and is gone after release', () => {
    const lock = join(dir, 'run.lock');
    const held = lockOutput(lock, 'out.csv');
    expect(() => lockOutput(lock, 'out.csv')).toThrow(expect.objectContaining({ code: 'E_OUTPUT', message: expect.stringContaining(`pid ${process.pid}`) }));
    held.release();
    expect(existsSync(lock)).toBe(false);
    writeFileSync(lock, JSON.stringify({ pid: deadPid(), host: hostname() }));
    const taken = lockOutput(lock, 'out.csv');
    expect(readdirSync(dir).filter((name) => name.startsWith('run.lock'))).toEqual(['run.lock']);
    taken.release();
  });
});

describe('temporaries', () => {
  it('sweeps those of dead processes and keeps those of live ones', () => {
    const sweep = join(dir, 'sweep');
    mkdirSync(sweep);
    const dead = `.out.csv.${deadPid()}.3.tmp`;
    const mine = `.out.csv.${process.pid}.9.tmp`;
    for (const name of [dead, mine, '.other.csv.1.1.tmp', 'out.csv']) writeFileSync(join(sweep, name), 'x');
    expect(sweepStaleTemporaries(sweep, ['out.csv'])).toEqual([join(sweep, dead)]);
    expect(readdirSync(sweep).sort()).toEqual(['.other.csv.1.1.tmp', mine, 'out.csv'].sort());
  });

  it('are removed when the process exits before renaming them (atomicWriteFile, streams)', () => {
    const target = join(dir, 'exit');
    mkdirSync(target);
    // The child runs the built package (vitest builds dist/ before the tests).
    const dist = new URL('../../dist/index.js', import.meta.url).href;
    const script = `
      const { createAtomicStream } = await import(${JSON.stringify(dist)});
      const stream = await createAtomicStream(${JSON.stringify(join(target, 'a.csv'))});
      await stream.write('partial');
      process.exit(3);`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(3);
    expect(readdirSync(target)).toEqual([]);
  });
});

describe.skipIf(skipWithoutTmpfs('disk-full tests of atomic writes'))('a full disk (1 MiB tmpfs)', () => {
  const small = () => join(dir, 'small');
  beforeAll(() => mountTmpfs(small(), 1 << 20));
  afterAll(() => unmount(small()));

  it('rejects AtomicStream.write with E_OUTPUT (ENOSPC and a hint) instead of waiting for a drain that never comes, and leaves no temporary', async () => {
    const output = await createAtomicStream(join(small(), 'big.csv'));
    const chunk = 'x'.repeat(64 << 10);
    const writeAll = async () => {
      for (let i = 0; i < 64; i++) await output.write(chunk);
      await output.commit();
    };
    await expect(writeAll()).rejects.toMatchObject({
      code: 'E_OUTPUT',
      message: expect.stringContaining('ENOSPC'),
      hint: expect.stringContaining('free space'),
    });
    await output.abort();
    expect(temporariesIn(small())).toEqual([]);
    expect(existsSync(join(small(), 'big.csv'))).toBe(false);
  });

  it('rejects AtomicStream.writeChunks of a grown output with E_OUTPUT (ENOSPC), and abort leaves no temporary in its folder', async () => {
    const folder = join(small(), 'grown.csv.partial');
    const first = join(small(), 'first.csv');
    writeFileSync(first, 'a\n');
    const output = await createAtomicStream(join(small(), 'grown.csv'), { temporaryFolder: folder, startFrom: first });
    const chunks = Array.from({ length: 40 }, () => Buffer.alloc(64 << 10, 'x'));
    await expect(output.writeChunks(chunks)).rejects.toMatchObject({ code: 'E_OUTPUT', message: expect.stringContaining('ENOSPC') });
    await expect(output.writeChunks([Buffer.from('b\n')])).rejects.toMatchObject({ code: 'E_OUTPUT' });
    await output.abort();
    expect(readdirSync(folder)).toEqual([]);
    expect(existsSync(join(small(), 'grown.csv'))).toBe(false);
    rmSync(folder, { recursive: true });
    rmSync(first);
  });

  it('rejects atomicWriteFile with E_OUTPUT and leaves no temporary', async () => {
    await expect(atomicWriteFile(join(small(), 'whole.bin'), new Uint8Array(2 << 20))).rejects.toMatchObject({ code: 'E_OUTPUT' });
    expect(readdirSync(small())).toEqual([]);
  });
});

describe.skipIf(skipWithoutTmpfs('read-only file system test'))('a read-only file system', () => {
  const ro = () => join(dir, 'ro');
  beforeAll(() => mountTmpfs(ro(), 1 << 20, { readOnly: true }));
  afterAll(() => unmount(ro()));

  it('is refused by checkOutputPath, for the folder and below it', () => {
    expect(() => checkOutputPath(join(ro(), 'out.csv'))).toThrow(expect.objectContaining({ code: 'E_OUTPUT', message: expect.stringContaining('EROFS') }));
    expect(() => checkOutputPath(join(ro(), 'sub', 'out.csv'))).toThrow(expect.objectContaining({ code: 'E_OUTPUT' }));
  });
});
