/**
 * The msc-serve binary as an operator runs it (built dist/, `pnpm test` builds first): it listens,
 * reloads on SIGHUP, finishes on SIGTERM with exit 0; and (its main, in-process) refuses an invalid
 * configuration with exit 2 and the line at fault.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '@msc/core';
import { freePort } from '@msc/pacs/testing';
import { main } from '../src/cli/main.js';
import { DEFAULT_MODEL, writeConfig } from './support/serve-fixtures.js';

const BIN = fileURLToPath(new URL('../bin/msc-serve.mjs', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'msc-serve-cli-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Polls `check` every 100 ms for at most `ms`. */
async function within<T>(ms: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('msc-serve', () => {
  it('refuses an invalid configuration with exit 2 and the line at fault', async () => {
    const path = await writeConfig(dir, { models: { m: { model: DEFAULT_MODEL, filters: { BodyPart: ['PROSTATE'] } } } }, 'bad.yaml');
    // in-process (the binary's main); the process, its exit status and signals, are the next test's
    const io = captureIo();
    const result = { status: await main(['--config', path], io), stderr: io.err() };
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `error [E_CONFIG]: ${path}: models.m.filters.BodyPart: unknown DICOM keyword 'BodyPart' (line 6, column 9)\nhint: filters take DICOM keywords of the extracted tags, e.g. BodyPartExamined, Modality, Manufacturer, SeriesDescription\n`,
    );
    const checkIo = captureIo();
    const checked = await main(['--check', '--config', await writeConfig(dir, { models: { m: { model: DEFAULT_MODEL } } }, 'good.yaml')], checkIo);
    expect(checked, checkIo.err()).toBe(0);
    expect(JSON.parse(checkIo.out()).models).toEqual(['m']);
  });

  it('listens, reloads on SIGHUP, and stops on SIGTERM with exit 0', async () => {
    const port = await freePort();
    const config = await writeConfig(dir, { models: { first: { model: DEFAULT_MODEL } } }, 'live.yaml');
    const child = spawn(process.execPath, [BIN, '--config', config, '--port', String(port), '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const models = async () =>
        ((await (await fetch(`http://127.0.0.1:${port}/models`)).json()) as { models: { id: string }[] }).models.map((model) => model.id);
      expect(await within(20_000, models)).toEqual(['first']);
      await writeConfig(dir, { models: { second: { model: DEFAULT_MODEL } } }, 'live.yaml');
      child.kill('SIGHUP');
      await within(20_000, async () => ((await models()).join() === 'second' ? true : undefined));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // Logs are JSON lines (pino), one per event.
      const lines = output
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { msg: string });
      expect(lines.map((line) => line.msg)).toEqual(expect.arrayContaining(['configuration reloaded', 'stopping after the requests under way']));
    } finally {
      child.kill('SIGKILL');
    }
  });
});
