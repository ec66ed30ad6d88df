/**
 * An input that fails before ONNX Runtime has loaded the model: the scoring thread must be closed
 * without terminating it mid-load (that aborted the process with SIGABRT from an uncaught
 * `Napi::Error` in about half the runs, and sometimes exited 0 with nothing printed). Runs child
 * processes on the built code (the global setup builds first), so an abort fails the test, not
 * the test runner.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const built = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
const defaultModel = fileURLToPath(new URL('../../../models/prostate_mpmri.onnx', import.meta.url));

const bin = fileURLToPath(new URL('../bin/msc-predict.mjs', import.meta.url));

function runBinary(args: string[]): Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stderr }));
  });
}

function runChild(script: string) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
}

describe('msc-predict on an input that fails at once', () => {
  it('exits 3 with the E_BAD_DATA message every time (6 runs of the binary), never aborting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-close-while-loading-'));
    const input = join(dir, 'afile.txt');
    await writeFile(input, 'not a DICOM file\n');
    // The binary, not main() in-process: the abort happened as the process ended (in-process
    // runs of the old code passed), two at a time (the race is inside each process); the old code
    // aborted in about half the runs, so 6 runs miss it once in 64.
    const outcomes: Awaited<ReturnType<typeof runBinary>>[] = [];
    for (let i = 0; i < 6; i += 2) outcomes.push(...(await Promise.all([runBinary([input]), runBinary([input])])));
    for (const outcome of outcomes) {
      expect({ status: outcome.status, signal: outcome.signal }, outcome.stderr).toEqual({ status: 3, signal: null });
      expect(outcome.stderr).toMatch(/^error \[E_BAD_DATA\]: no DICOM image series found in .*afile\.txt\nhint: /);
    }
  }, 180_000);

  it('closes models at any point of their loading (closed 0, 15, 30 … 285 ms after opening, in one process)', () => {
    // The delays only spread the close over the loading; every one of them must work.
    const result = runChild(`
      const { openModel } = await import(${built('../dist/index.js')});
      for (let ms = 0; ms < 300; ms += 15) {
        const model = await openModel(${JSON.stringify(defaultModel)});
        await new Promise((resolve) => setTimeout(resolve, ms));
        await model.close();
      }
      console.log('closed');`);
    expect({ status: result.status, signal: result.signal }, result.stderr).toEqual({ status: 0, signal: null });
    expect(result.stdout.trim()).toBe('closed');
  });
});
