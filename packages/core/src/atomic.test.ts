import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atomicWriteFile, createAtomicStream } from './atomic.js';

describe('atomic outputs', () => {
  it('writes a whole file and leaves no temporary behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-atomic-'));
    const target = join(dir, 'nested', 'out.txt');
    await atomicWriteFile(target, 'hello');
    expect(await readFile(target, 'utf8')).toBe('hello');
    expect(await readdir(join(dir, 'nested'))).toEqual(['out.txt']);
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

  it('reports an unwritable target as an output error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-atomic-'));
    await writeFile(join(dir, 'file'), 'x');
    // The parent "directory" is a regular file.
    await expect(atomicWriteFile(join(dir, 'file', 'x.txt'), 'x')).rejects.toMatchObject({ code: 'E_OUTPUT' });
    await expect(createAtomicStream(join(dir, 'file', 'y.txt'))).rejects.toMatchObject({ code: 'E_OUTPUT' });
  });
});
