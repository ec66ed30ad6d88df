import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { exitCodeFor, formatError } from './errors.js';
import { ThreadClient, ThreadCrash } from './threads.js';

const fixture = new URL('../test/thread-fixture.mjs', import.meta.url);
type Request = { kind: 'echo' | 'hold' | 'release' | 'throw' | 'exit'; value?: number };
type Reply = { echo: number };
const client = (workerData?: unknown) => new ThreadClient<Request, Reply>(fixture, { name: 'the test thread', workerData });

describe('ThreadClient', () => {
  it('matches replies to requests by id, whatever order they come back in', async () => {
    const thread = client();
    try {
      const slow = thread.request({ kind: 'hold', value: 1 });
      const fast = thread.request({ kind: 'release', value: 2 });
      expect(thread.load).toBe(2);
      const order: number[] = [];
      await Promise.all([slow.then((r) => order.push(r.echo)), fast.then((r) => order.push(r.echo))]);
      expect(order).toEqual([2, 1]);
      expect(thread.load).toBe(0);
    } finally {
      await thread.close();
    }
  });

  it('fails every pending call with ThreadCrash (an internal error, exit 1) when the thread throws', async () => {
    const thread = client();
    const waiting = thread.request({ kind: 'hold', value: 1 });
    const crashing = thread.request({ kind: 'throw' });
    for (const call of [waiting, crashing]) {
      const error = await call.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ThreadCrash);
      expect((error as Error).message).toMatch(/the test thread crashed: a bug in the thread/);
      expect(exitCodeFor(error)).toBe(1);
      expect(formatError(error)).toMatch(/^internal error: ThreadCrash: the test thread crashed/);
      // With where it happened in the thread.
      expect(formatError(error)).toMatch(/caused by \(in the thread\): Error: a bug in the thread\n\s+at .*thread-fixture\.mjs/);
    }
    await expect(thread.request({ kind: 'echo', value: 2 })).rejects.toBeInstanceOf(ThreadCrash);
    await thread.close(); // after a crash: returns, does not hang
  });

  it('reports a thread that exits on its own as ThreadCrash with its exit code', async () => {
    const thread = client();
    await expect(thread.request({ kind: 'exit' })).rejects.toThrow(/the test thread exited unexpectedly \(code 7\)/);
    await thread.close();
  });

  it('close waits for a thread still starting, answers what it was sent, then refuses calls', async () => {
    const thread = client({ startDelayMs: 300 });
    const answered = thread.request({ kind: 'echo', value: 5 });
    await thread.close();
    await expect(answered).resolves.toEqual({ echo: 5 });
    await expect(thread.request({ kind: 'echo', value: 6 })).rejects.toThrow(/closed/);
    await thread.close();
  });

  it('does not keep a process alive while idle, and keeps it alive while a call is pending', () => {
    const script = `
      const { ThreadClient } = await import(${JSON.stringify(new URL('../dist/threads.js', import.meta.url).href)});
      const thread = new ThreadClient(new URL(${JSON.stringify(fixture.href)}), { name: 't', workerData: { startDelayMs: 200 } });
      // Not awaited: the pending call alone must hold the process open until the reply.
      thread.request({ kind: 'echo', value: 42 }).then((reply) => console.log(reply.echo));`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('42');
  });
});
