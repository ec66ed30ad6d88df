#!/usr/bin/env node
// Makes sure the Debian packages the tests use as independent oracles are present:
// python3-pydicom (reference DICOM reader and its corpus of odd files) and dcmtk (dcmdump).
// Installs them with apt-get when running as root on Debian; otherwise says what to install.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PACKAGES = [
  { name: 'python3-pydicom', present: () => spawnSync('/usr/bin/python3', ['-c', 'import pydicom'], { stdio: 'ignore' }).status === 0 },
  { name: 'dcmtk', present: () => existsSync('/usr/bin/dcmdump') },
];

const missing = PACKAGES.filter((pkg) => !pkg.present()).map((pkg) => pkg.name);
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && existsSync('/usr/bin/apt-get')) {
  console.error(`test-deps: installing ${missing.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  process.exit(0);
}
console.error(
  `test-deps: missing Debian packages ${missing.join(' ')}; install them (sudo apt-get install ${missing.join(' ')}).\n` +
    'Tests that use them as oracles will be skipped (and fail under CI=true).',
);
