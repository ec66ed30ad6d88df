import type { UserConsoleLog } from 'vitest';
import { DefaultReporter, type TestCase, type TestModule } from 'vitest/node';

type TestState = ReturnType<TestCase['result']>['state'];
type ModuleState = ReturnType<TestModule['state']>;

/** A test file's console line that says why its tests are skipped (test-support's skip helpers write these). */
const SKIP_REASON = /^(skipping .*|.*\bskipped: .*)$/m;
/** Names listed per file in the skipped list; the rest are counted. */
const NAMES_PER_FILE = 8;

/**
 * The test run as a newcomer wants to read it: one line per test file (its counts and time), every
 * failure in full (vitest's own error report, with the failing tests' console output), then the skipped
 * tests grouped by file with the reason their file printed, and one plain closing line,
 * `tests: N passed, N failed, N skipped`, that CI logs and scripts can read. Console output of passing
 * tests is not shown (`silent: 'passed-only'`).
 */
export default class SummaryReporter extends DefaultReporter {
  /** Skip reasons printed by each test file (console lines matching SKIP_REASON), by file path. */
  private readonly skipReasons = new Map<string, Set<string>>();

  constructor() {
    super({ summary: false, silent: 'passed-only' });
  }

  override onUserConsoleLog(log: UserConsoleLog, taskState?: TestState): void {
    const reason = SKIP_REASON.exec(log.content.trim())?.[0];
    const task = log.taskId ? this.ctx.state.idMap.get(log.taskId) : undefined;
    if (reason && task) {
      const file = task.file.filepath;
      const reasons = this.skipReasons.get(file) ?? new Set<string>();
      reasons.add(reason);
      this.skipReasons.set(file, reasons);
    }
    super.onUserConsoleLog(log, taskState);
  }

  /** Only failed tests get a line of their own under their file's line. */
  protected override printTestCase(moduleState: ModuleState, test: TestCase): void {
    if (test.result().state === 'failed') super.printTestCase(moduleState, test);
  }

  override onTestRunEnd(...args: Parameters<DefaultReporter['onTestRunEnd']>): void {
    super.onTestRunEnd(...args);
    const [testModules] = args;
    let passed = 0;
    let failed = 0;
    const skippedByFile = new Map<string, string[]>();
    for (const module of testModules) {
      const tests = [...module.children.allTests()];
      // A file that failed outside its tests (import, or a beforeAll/afterAll hook) counts once as failed.
      if (module.state() === 'failed' && !tests.some((test) => test.result().state === 'failed')) failed += 1;
      for (const test of tests) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else {
          const names = skippedByFile.get(module.moduleId) ?? [];
          names.push(test.fullName);
          skippedByFile.set(module.moduleId, names);
        }
      }
    }
    const skipped = [...skippedByFile.values()].reduce((n, names) => n + names.length, 0);
    const lines: string[] = [];
    if (skipped > 0) {
      lines.push(`skipped tests (${skipped}), by file, with the reason the file printed:`);
      for (const [file, names] of skippedByFile) {
        const reasons = [...(this.skipReasons.get(file) ?? [])];
        lines.push(
          `  ${this.relative(file)} (${names.length}): ${reasons.length > 0 ? reasons.join('; ') : 'no reason printed (it.skip / it.todo in the file)'}`,
        );
        for (const name of names.slice(0, NAMES_PER_FILE)) lines.push(`    - ${name}`);
        if (names.length > NAMES_PER_FILE) lines.push(`    … and ${names.length - NAMES_PER_FILE} more`);
      }
      lines.push('');
    }
    lines.push(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
    this.ctx.logger.log(lines.join('\n'));
  }
}
