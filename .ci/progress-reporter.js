/**
 * A jest reporter for the CI watchdog (.ci/watchdog.js): appends one JSON line per test file start and
 * result to $PORTCULLIS_TEST_PROGRESS, synchronously, so the watchdog knows which file was running even
 * when jest's process later hangs in native code. Does nothing when the variable is not set.
 */
const { appendFileSync } = require('node:fs');
const { relative } = require('node:path');

class ProgressReporter {
  constructor(globalConfig) {
    this.file = process.env.PORTCULLIS_TEST_PROGRESS;
    this.root = globalConfig.rootDir;
  }

  write(record) {
    if (this.file) appendFileSync(this.file, `${JSON.stringify({ ...record, at: Date.now() })}\n`);
  }

  onTestFileStart(test) {
    this.write({ start: relative(this.root, test.path) });
  }

  onTestFileResult(test, result) {
    const failed = result.numFailingTests + (result.testExecError ? 1 : 0);
    this.write({ done: relative(this.root, test.path), passed: result.numPassingTests, failed });
  }

  onRunComplete() {
    this.write({ complete: true });
  }
}

module.exports = ProgressReporter;
