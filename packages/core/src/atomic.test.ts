import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { atomicWriteFile, createAtomicStream, processAlive } from './atomic.js';

describe('atomic outputs', () => {
  it('writes a whole file and leaves no temporary behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-atomic-'));
    const target = join(dir, 'nested', 'out.txt');
    await atomicWriteFile(target, 'hello');
    expect(await readFile(target, 'utf8')).toBe('hello');
    expect(await readdir(join(dir, 'nested'))).toEqual(['out.txt']);
  });

  it('writes chunks of bytes one after another, in order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-atomic-'));
    const target = join(dir, 'parts.tsv');
    const big = Buffer.alloc(200_000, 'b');
    await atomicWriteFile(target, [Buffer.from('a\n'), big, new Uint8Array(0), Buffer.from('c\n')]);
    expect(await readFile(target)).toEqual(Buffer.concat([Buffer.from('a\n'), big, Buffer.from('c\n')]));
    expect(await readdir(dir)).toEqual(['parts.tsv']);
    // More chunks than one system call takes (IOV_MAX, 1024 on Linux).
    const lines = Array.from({ length: 3000 }, (_, i) => Buffer.from(`${i}\n`));
    await atomicWriteFile(target, lines);
    expect(await readFile(target)).toEqual(Buffer.concat(lines));
  });

  it('shows streamed content only after commit, and abort keeps the old file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-atomic-'));
    const target = join(dir, 'out.csv');
    await writeFile(target, 'old');
    const first = await createAtomicStream(target);
    first.stream.write('partial');
    expect(await readFile(target, 'utf8')).toBe('old');
    await first.abort();
    expect(await readFile(target, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['out.csv']);

    const second = await createAtomicStream(target);
    second.stream.write('new ');
    second.stream.write('content');
    await second.commit();
    expect(await readFile(target, 'utf8')).toBe('new content');
    expect(await readdir(dir)).toEqual(['out.csv']);
  });

  it('grows an output from a starting file by appended chunks, its temporary in a chosen folder, shown only on commit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-atomic-'));
    const target = join(dir, 'out.tsv');
    const folder = join(dir, 'out.tsv.partial');
    const first = join(dir, 'first.tsv');
    await writeFile(first, 'a\tb\n1\t2\n');
    const output = await createAtomicStream(target, { temporaryFolder: folder, startFrom: first });
    expect(dirname(output.temporaryPath)).toBe(folder);
    // More chunks than one system call takes (IOV_MAX, 1024 on Linux), then more again.
    const lines = Array.from({ length: 3000 }, (_, i) => Buffer.from(`${i}\t${i}\n`));
    await output.writeChunks(lines);
    await output.writeChunks([Buffer.from('x\ty\n')]);
    await output.writeChunks([]);
    expect(await readdir(dir)).toEqual(['first.tsv', 'out.tsv.partial']);
    await output.commit();
    expect(await readFile(target)).toEqual(Buffer.concat([Buffer.from('a\tb\n1\t2\n'), ...lines, Buffer.from('x\ty\n')]));
    expect(await readdir(folder)).toEqual([]);
    expect(await readFile(first, 'utf8')).toBe('a\tb\n1\t2\n');

    // Given up: its temporary goes, the target stays as it was.
    const again = await createAtomicStream(target, { temporaryFolder: folder, startFrom: first });
    await again.writeChunks(lines);
    await again.abort();
    expect(await readdir(folder)).toEqual([]);
    expect((await readFile(target)).length).toBeGreaterThan(3000);
    // A starting file that cannot be read: E_OUTPUT, and no temporary left.
    await expect(createAtomicStream(target, { temporaryFolder: folder, startFrom: join(dir, 'missing.tsv') })).rejects.toMatchObject({ code: 'E_OUTPUT' });
    expect(await readdir(folder)).toEqual([]);
  });

  it('reports an unwritable target as an output error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-atomic-'));
    await writeFile(join(dir, 'file'), 'x');
    // The parent "directory" is a regular file.
    await expect(atomicWriteFile(join(dir, 'file', 'x.txt'), 'x')).rejects.toMatchObject({ code: 'E_OUTPUT' });
    await expect(createAtomicStream(join(dir, 'file', 'y.txt'))).rejects.toMatchObject({ code: 'E_OUTPUT' });
  });
});

describe('processAlive', () => {
  it('counts a killed, not yet reaped process (a zombie) as gone, so --resume after a SIGKILL is not refused (finding F18)', () => {
    const child = spawn('sleep', ['30']);
    const pid = child.pid!;
    expect(processAlive(pid)).toBe(true);
    child.kill('SIGKILL');
    // Node reaps the child only when the event loop turns; until then it is a zombie. Wait
    // (synchronously, bounded at 10 s) for the kernel to make it one.
    const state = () => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    };
    const deadline = Date.now() + 10_000;
    while (state() !== 'Z' && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    expect(state()).toBe('Z');
    expect(processAlive(pid)).toBe(false);
  });
});
