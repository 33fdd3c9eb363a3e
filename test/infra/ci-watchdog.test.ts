/**
 * The CI watchdog (.ci/watchdog.js) turns a hang into a fast, clear failure: it names the test file that was
 * running, kills the whole process group even when the main thread is blocked in native code and ignores
 * SIGTERM, and ends with the `N passed, M failed` line. A run that finishes passes through untouched.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const watchdog = join(__dirname, '../../.ci/watchdog.js');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-watchdog-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A fake test run: reports like the jest reporter, then does `then`. */
function fakeRun(then: string): string {
  const file = join(dir, 'fake-run.js');
  writeFileSync(
    file,
    `const fs = require('fs'); const p = process.env.PORTCULLIS_TEST_PROGRESS;
     const w = (r) => fs.appendFileSync(p, JSON.stringify({ ...r, at: Date.now() }) + '\\n');
     w({ start: 'test/a.test.ts' }); w({ done: 'test/a.test.ts', passed: 3, failed: 0 });
     w({ start: 'test/b.test.ts' }); w({ done: 'test/b.test.ts', passed: 2, failed: 1 });
     w({ start: 'test/hangs.test.ts' });
     ${then}`,
  );
  return file;
}

function runWatchdog(script: string, env: Record<string, string>) {
  const startedAt = Date.now();
  return new Promise<{ code: number | null; stdout: string; ms: number }>((resolve) => {
    execFile(process.execPath, [watchdog, '--', process.execPath, script], { env: { ...process.env, PORTCULLIS_TEST_PROGRESS: join(dir, 'progress.jsonl'), ...env } }, (err, stdout) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, ms: Date.now() - startedAt }),
    );
  });
}

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('a file blocked in native code that ignores SIGTERM is named, killed, and counted as failed', async () => {
  const pidFile = join(dir, 'pid');
  const script = fakeRun(`fs.writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
     process.on('SIGTERM', () => {});
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // blocks the main thread for good`);
  const r = await runWatchdog(script, { PORTCULLIS_WATCHDOG_FILE_SECONDS: '1', PORTCULLIS_WATCHDOG_TOTAL_SECONDS: '60' });
  expect(r.code).toBe(124);
  expect(r.stdout).toContain('watchdog: a test file ran longer than 1 s');
  expect(r.stdout).toContain('running when stopped: test/hangs.test.ts');
  expect(r.stdout.trim().split('\n').at(-1)).toBe('5 passed, 2 failed');
  expect(r.ms).toBeLessThan(15_000);
  expect(pidAlive(Number(require('node:fs').readFileSync(pidFile, 'utf8')))).toBe(false);
}, 30_000);

test('the whole run has its own limit, and a run that never exits after completing is a hang too', async () => {
  const total = await runWatchdog(fakeRun('setInterval(() => {}, 1000);'), { PORTCULLIS_WATCHDOG_FILE_SECONDS: '60', PORTCULLIS_WATCHDOG_TOTAL_SECONDS: '1' });
  expect(total.code).toBe(124);
  expect(total.stdout).toContain('the test run exceeded 1 s');
  expect(total.stdout.trim().split('\n').at(-1)).toBe('5 passed, 2 failed');

  const open = await runWatchdog(
    fakeRun(`w({ done: 'test/hangs.test.ts', passed: 1, failed: 0 }); w({ complete: true }); setInterval(() => {}, 1000);`),
    { PORTCULLIS_WATCHDOG_EXIT_SECONDS: '1' },
  );
  expect(open.code).toBe(124);
  expect(open.stdout).toContain('jest did not exit 1 s after its run completed');
  expect(open.stdout).toContain('no test file was running');
  expect(open.stdout.trim().split('\n').at(-1)).toBe('6 passed, 2 failed');
}, 30_000);

test('a run that finishes keeps its own exit code and output', async () => {
  const ok = await runWatchdog(fakeRun(`w({ done: 'test/hangs.test.ts', passed: 1, failed: 0 }); console.log('all done'); process.exit(0);`), {});
  expect(ok).toMatchObject({ code: 0 });
  expect(ok.stdout.trim()).toBe('all done');
  const failing = await runWatchdog(fakeRun('process.exit(3);'), {});
  expect(failing.code).toBe(3);
  expect(failing.stdout).toBe('');
}, 30_000);
