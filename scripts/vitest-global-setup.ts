/**
 * Tests run the TypeScript sources, but worker threads and spawned binaries run dist/: build first
 * (incremental, seconds when nothing changed) so a stale build is never what gets tested.
 *
 * Every temporary file of the run (test files' `mkdtemp(tmpdir())` folders, spawned binaries',
 * Python's, Orthanc's and chromium's) goes under one folder made here and removed at the end: a
 * run left ≈ 40 folders and ≈ 450 MB in the system's temporary folder, run after run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): () => void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b'], { cwd: root, stdio: 'inherit' });
  // Set before vitest starts its test processes, which inherit it (os.tmpdir() reads TMPDIR).
  const runTemporary = mkdtempSync(join(tmpdir(), 'msc-test-run-'));
  process.env.TMPDIR = runTemporary;
  return () => rmSync(runTemporary, { recursive: true, force: true });
}
