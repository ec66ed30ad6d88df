#!/usr/bin/env node
// Runs benchmark scripts bench/<name>/run.mjs in sequence: all of them, or those named.
// Usage: node bench/run.mjs [name ...]   (`pnpm bench` builds first)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const all = readdirSync(benchDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(benchDir, d.name, 'run.mjs')))
  .map((d) => d.name)
  .sort();
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`Usage: node bench/run.mjs [name ...]   runs bench/<name>/run.mjs (all when none named): ${all.join(', ')}`);
  process.exit(0);
}
const names = process.argv.length > 2 ? process.argv.slice(2) : all;
let failed = 0;
for (const name of names) {
  if (!all.includes(name)) {
    console.error(`unknown bench "${name}" (have: ${all.join(', ')})`);
    failed++;
    continue;
  }
  console.error(`# bench ${name}`);
  const result = spawnSync(process.execPath, [join(benchDir, name, 'run.mjs')], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
