#!/usr/bin/env node
// The checks of `pnpm test` after `tsc -b`: the tests' type check, eslint, prettier --check and the
// import-cycle check, started together (one thread each, so on two cores they overlap), then vitest.
// The install check (scripts/install-check.mjs) starts with the first four and runs on beside vitest:
// it waits on the disk and the registry most of its time (user + sys ≈ 0.4 × wall), which the others
// fill. Vitest's output streams as it runs; each check's output is printed whole once it has ended,
// in a fixed order. Exit 1 when any failed. Arguments go to vitest (`pnpm test path/to/file.test.ts`).
//   node scripts/checks.mjs [vitest arguments]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const STATIC_CHECKS = [
  ['tsc -p tsconfig.tests.json', ['exec', 'tsc', '-p', 'tsconfig.tests.json']],
  ['eslint', ['exec', 'eslint', '.']],
  ['prettier --check', ['exec', 'prettier', '--check', '--log-level', 'warn', '.']],
  ['import cycles (madge)', ['-s', 'check:cycles']],
];
const INSTALL_CHECK = ['install check', ['-s', 'check:install']];

function check([name, args], { live = false } = {}) {
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn('pnpm', args, { cwd: root, stdio: ['ignore', live ? 'inherit' : 'pipe', live ? 'inherit' : 'pipe'] });
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (text) => (output += text));
    child.stderr?.setEncoding('utf8').on('data', (text) => (output += text));
    child.on('error', (error) => resolve({ name, status: 1, output: `${output}${error.message}\n`, seconds: 0 }));
    child.on('close', (status, signal) => resolve({ name, status: status ?? 1, signal, output, seconds: (performance.now() - start) / 1000 }));
  });
}

function report(results) {
  for (const { name, status, signal, output, seconds } of results) {
    if (output) process.stderr.write(output.endsWith('\n') ? output : `${output}\n`);
    const outcome = status === 0 ? 'ok' : `failed (${signal ?? `exit ${status}`})`;
    process.stderr.write(`checks: ${name} ${outcome}, ${seconds.toFixed(1)} s\n`);
  }
  return results.every((result) => result.status === 0);
}

const installCheck = check(INSTALL_CHECK);
const staticOk = report(await Promise.all(STATIC_CHECKS.map((spec) => check(spec))));
// A failed static check ends the run as before (no vitest); the install check is still awaited so
// its output is not lost.
const vitest = staticOk ? await check(['vitest', ['exec', 'vitest', 'run', ...process.argv.slice(2)]], { live: true }) : undefined;
const installOk = report([await installCheck]);
const vitestOk = vitest === undefined ? false : report([vitest]);
process.exit(staticOk && installOk && vitestOk ? 0 : 1);
