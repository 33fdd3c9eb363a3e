#!/usr/bin/env node
/**
 * Runs a command (the test run) so that it can never hang CI:
 *   node .ci/watchdog.js -- npm test -- --json --outputFile=…
 * - the whole run gets PORTCULLIS_WATCHDOG_TOTAL_SECONDS (default 1200 = 20 min);
 * - one test file gets PORTCULLIS_WATCHDOG_FILE_SECONDS (default 300), read from the jest progress
 *   reporter (.ci/progress-reporter.js) through PORTCULLIS_TEST_PROGRESS;
 * - jest that does not exit PORTCULLIS_WATCHDOG_EXIT_SECONDS (default 60) after its run completed is a hang too.
 * On a hang it prints which test files were running, kills the command's whole process group (SIGTERM, then
 * SIGKILL after 5 s: a thread blocked in native code cannot stop it) and ends with the line
 * `N passed, M failed` (the hung files count as failed), exit code 124.
 * Otherwise it exits with the command's own code and prints nothing of its own.
 * It runs no crypto and no test code, so it cannot share the hang it watches for.
 */
const { spawn } = require('node:child_process');
const { existsSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const seconds = (name, fallback) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const TOTAL_MS = seconds('PORTCULLIS_WATCHDOG_TOTAL_SECONDS', 1200) * 1000;
const FILE_MS = seconds('PORTCULLIS_WATCHDOG_FILE_SECONDS', 300) * 1000;
const EXIT_MS = seconds('PORTCULLIS_WATCHDOG_EXIT_SECONDS', 60) * 1000;
const POLL_MS = 250;

const sep = process.argv.indexOf('--');
const command = sep >= 0 ? process.argv.slice(sep + 1) : [];
if (command.length === 0) {
  process.stderr.write('usage: node .ci/watchdog.js -- COMMAND [ARGS…]\n');
  process.exit(2);
}

const progressFile = process.env.PORTCULLIS_TEST_PROGRESS || join(__dirname, '..', '.jest-progress.jsonl');
rmSync(progressFile, { force: true });

/** What the reporter has written so far: finished counts, running files with their start times. */
function readProgress() {
  const state = { passed: 0, failed: 0, running: new Map(), completeAt: undefined };
  if (!existsSync(progressFile)) return state;
  for (const line of readFileSync(progressFile, 'utf8').split('\n')) {
    if (!line) continue;
    let r;
    try {
      r = JSON.parse(line);
    } catch {
      continue; // a line being written
    }
    if (r.start) state.running.set(r.start, r.at);
    if (r.done) {
      state.running.delete(r.done);
      state.passed += r.passed;
      state.failed += r.failed;
    }
    if (r.complete) state.completeAt = r.at;
  }
  return state;
}

const started = Date.now();
const child = spawn(command[0], command.slice(1), {
  stdio: 'inherit',
  detached: true, // its own process group: jest, its workers, serverless-offline… all die together
  env: { ...process.env, PORTCULLIS_TEST_PROGRESS: progressFile },
});

let verdict;
const killGroup = (signal) => {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
};

const timer = setInterval(() => {
  const now = Date.now();
  const p = readProgress();
  const slow = [...p.running].filter(([, at]) => now - at > FILE_MS).map(([file]) => file);
  let reason;
  if (now - started > TOTAL_MS) reason = `the test run exceeded ${TOTAL_MS / 1000} s`;
  else if (slow.length) reason = `a test file ran longer than ${FILE_MS / 1000} s`;
  else if (p.completeAt !== undefined && now - p.completeAt > EXIT_MS) reason = `jest did not exit ${EXIT_MS / 1000} s after its run completed (open handles)`;
  if (!reason || verdict) return;
  verdict = { reason, progress: p };
  clearInterval(timer);
  const running = [...p.running.keys()];
  process.stdout.write(`\nwatchdog: ${reason}; killing the test run.\n`);
  process.stdout.write(running.length ? `watchdog: running when stopped: ${running.join(', ')}\n` : 'watchdog: no test file was running (type-check, setup or teardown)\n');
  killGroup('SIGTERM');
  setTimeout(() => killGroup('SIGKILL'), 5000).unref();
}, POLL_MS);

child.on('exit', (code, signal) => {
  clearInterval(timer);
  killGroup('SIGKILL'); // stragglers of the group (a server a test left behind)
  if (!verdict) process.exit(code ?? (signal ? 128 : 1));
  const p = verdict.progress;
  const hung = Math.max(1, p.running.size);
  process.stdout.write(`${p.passed} passed, ${p.failed + hung} failed\n`);
  process.exit(124);
});

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => killGroup(sig));
