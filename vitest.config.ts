import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from source; worker threads and spawned binaries run dist/,
// which the global setup builds first (tsc -b, incremental).
const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@msc\/([a-z-]+)$/, replacement: `${packagesDir}$1/src/index.ts` },
      { find: /^@msc\/([a-z-]+)\/testing$/, replacement: `${packagesDir}$1/src/testing.ts` },
      { find: /^@msc\/([a-z-]+)\/lean$/, replacement: `${packagesDir}$1/src/lean.ts` },
      { find: /^@msc\/([a-z-]+)\/table$/, replacement: `${packagesDir}$1/src/table/index.ts` },
      { find: /^@msc\/([a-z-]+)\/delimited$/, replacement: `${packagesDir}$1/src/table/delimited.ts` },
      { find: /^@msc\/([a-z-]+)\/threads$/, replacement: `${packagesDir}$1/src/threads.ts` },
      { find: /^@msc\/([a-z-]+)\/cli$/, replacement: `${packagesDir}$1/src/cli/main.ts` },
      { find: /^@msc\/([a-z-]+)\/cohort$/, replacement: `${packagesDir}$1/src/cohort/index.ts` },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'pipelines/test/**/*.test.ts'],
    globalSetup: ['./scripts/vitest-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // vitest's default on 2 cores is one worker (cores − 1); most files wait on child processes and
    // files, so two overlap well: paired fresh clones, each the other's load, vitest 252 s with 2
    // against 381 s with 1 (613 tests green in both).
    maxWorkers: 2,
    // A worker runs its files one after another in one process, importing the workspace once: a fresh
    // process per file cost about 0.4 s of CPU each (35 unit-test files: 28.2 against 42.5 CPU-s;
    // the whole suite 252 against 305 CPU-s, 707 tests green in both). No test file changes
    // process-wide state (env, cwd, exit code, mocks, the CSV formula policy) without restoring it;
    // `vitest run FILE` still runs a file alone.
    isolate: false,
    // one line per file, failures in full, skipped tests with their reasons (test-support/summary-reporter.ts)
    reporters: ['./test-support/summary-reporter.ts'],
  },
});
