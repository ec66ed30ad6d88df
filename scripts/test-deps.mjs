#!/usr/bin/env node
// The Debian packages some tests use as independent oracles or real servers: pydicom, numpy and
// scipy (reference DICOM reader and pixel formulas). Opt-in: only with MSC_ORACLES=1 or CI=true are
// they installed (as root, with apt-get, waiting for another apt process's lock); otherwise this
// says which tests will be skipped and changes nothing on the machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const python = (module) => () => spawnSync('/usr/bin/python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
const PACKAGES = [
  { name: 'python3-pydicom', present: python('pydicom') },
  { name: 'python3-numpy', present: python('numpy') },
  { name: 'python3-scipy', present: python('scipy') },
];

const required = process.env.MSC_ORACLES === '1' || process.env.CI === 'true';
const missing = PACKAGES.filter((pkg) => !pkg.present()).map((pkg) => pkg.name);
if (missing.length === 0) process.exit(0);
if (!required) {
  console.error(`test-deps: ${missing.join(' ')} not installed: the oracle tests that need them are skipped (MSC_ORACLES=1 pnpm test installs them).`);
  process.exit(0);
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !existsSync('/usr/bin/apt-get')) {
  console.error(`test-deps: MSC_ORACLES/CI needs ${missing.join(' ')}; install them: sudo apt-get install ${missing.join(' ')}`);
  process.exit(1);
}
console.error(`test-deps: installing ${missing.join(' ')} with apt-get`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
// Another apt process (unattended upgrades, a parallel job) may hold the lock: wait for it.
const lock = ['-o', 'DPkg::Lock::Timeout=600', '-o', 'Acquire::Retries=3'];
execFileSync('apt-get', [...lock, 'update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', [...lock, 'install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
