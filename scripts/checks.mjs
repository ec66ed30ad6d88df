#!/usr/bin/env node
// The checks of `pnpm test` other than vitest, after `tsc -b`: the tests' type check, eslint,
// prettier --check, the import-cycle check and the install check (scripts/install-check.mjs),
// started together: the first four are one thread each and the install check waits on the disk
// about half of its time, so on two cores they overlap. Each one's output is printed whole when
// all have ended, in a fixed order. Exit 1 when any failed.
//   node scripts/checks.mjs
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const CHECKS = [
  ['tsc -p tsconfig.tests.json', ['exec', 'tsc', '-p', 'tsconfig.tests.json']],
  ['eslint', ['exec', 'eslint', '.']],
  ['prettier --check', ['exec', 'prettier', '--check', '--log-level', 'warn', '.']],
  ['import cycles (madge)', ['-s', 'check:cycles']],
  ['install check', ['-s', 'check:install']],
];

function check([name, args]) {
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn('pnpm', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text) => (output += text));
    child.stderr.setEncoding('utf8').on('data', (text) => (output += text));
    child.on('error', (error) => resolve({ name, status: 1, output: `${output}${error.message}\n`, seconds: 0 }));
    child.on('close', (status, signal) => resolve({ name, status: status ?? 1, signal, output, seconds: (performance.now() - start) / 1000 }));
  });
}

const results = await Promise.all(CHECKS.map(check));
for (const { name, status, signal, output, seconds } of results) {
  if (output) process.stderr.write(output.endsWith('\n') ? output : `${output}\n`);
  const outcome = status === 0 ? 'ok' : `failed (${signal ?? `exit ${status}`})`;
  process.stderr.write(`checks: ${name} ${outcome}, ${seconds.toFixed(1)} s\n`);
}
process.exit(results.every((result) => result.status === 0) ? 0 : 1);
