/**
 * Independent oracles some tests compare against (pydicom, numpy, scipy from Debian packages). They
 * are opt-in: `MSC_ORACLES=1` (CI sets it, with CI=true) makes `scripts/test-deps.mjs` install them,
 * and then a missing oracle fails its tests instead of skipping them. Elsewhere the tests that need
 * one are skipped with the reason printed once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = '/usr/bin/python3';
export const PYDICOM_DATA = '/usr/lib/python3/dist-packages/pydicom/data';
export const PYDICOM_TEST_FILES = `${PYDICOM_DATA}/test_files`;

/** Oracles are required (CI) rather than optional (a developer's machine). */
export const ORACLES_REQUIRED = process.env.MSC_ORACLES === '1' || process.env.CI === 'true';

const checked = new Map<string, boolean>();

/** Whether python3 can import every module named (e.g. `pydicom`, `numpy`, `scipy`). */
export function pythonHas(...modules: string[]): boolean {
  const key = modules.join(',');
  let ok = checked.get(key);
  if (ok === undefined) {
    ok = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ')], { stdio: 'ignore' }).status === 0;
    checked.set(key, ok);
  }
  return ok;
}

/**
 * True when tests needing these Python modules must be skipped: they are missing and not required.
 * When they are required and missing, throws, so the suite fails with the reason.
 */
export function skipWithoutPython(...modules: string[]): boolean {
  if (pythonHas(...modules)) return false;
  const reason = `python3 modules ${modules.join(', ')} are missing (Debian: python3-${modules.join(' python3-')})`;
  if (ORACLES_REQUIRED) throw new Error(`${reason}; MSC_ORACLES/CI requires them: scripts/test-deps.mjs installs them`);
  console.warn(`skipping oracle tests: ${reason}; run MSC_ORACLES=1 pnpm test to install and use them`);
  return true;
}

/** Debian's chromium, which the report's browser test drives with playwright-core (no browser download). */
export const CHROMIUM = process.env.MSC_CHROMIUM ?? '/usr/bin/chromium';

/** Like skipWithoutPython, for the browser: skip (reason printed) unless required, then fail. */
export function skipWithoutChromium(): boolean {
  if (existsSync(CHROMIUM)) return false;
  const reason = `${CHROMIUM} is missing (Debian: chromium)`;
  if (ORACLES_REQUIRED) throw new Error(`${reason}; MSC_ORACLES/CI requires it: scripts/test-deps.mjs installs it`);
  console.warn(`skipping browser tests: ${reason}; run MSC_ORACLES=1 pnpm test to install and use it`);
  return true;
}
