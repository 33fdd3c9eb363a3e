/**
 * Every failure of CloudWatch Logs (error status, throttling, timeout, unreachable, refused
 * events, overflow, shutdown) falls back to stdout, and no event is lost: real SDK client
 * against the wire-level fake (testkit/fakes/fake-cloudwatch-logs.ts).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createCloudWatchLogsClient } from '../../lib/audit/cloudwatch-client';
import { CloudWatchAuditSink } from '../../lib/audit/cloudwatch-sink';
import { StdoutFallback } from '../../lib/audit/fallback';
import type { FailureMode } from '../../testkit/fakes/fake-cloudwatch-logs';

import { expectNothingLost, GROUP, issued, START, useFakeCloudWatch } from '../../testkit/audit-cloudwatch';
import { FrozenClock } from '../../testkit/frozen-clock';

const cw = useFakeCloudWatch();
const setup = cw.setup;

describe('CloudWatch audit sink: failures fall back to stdout, nothing lost', () => {
  const modes: [string, FailureMode | 'unreachable', string[] | undefined, RegExp][] = [
    ['500 on every call', 'error500', undefined, /ServiceUnavailableException/],
    ['500 on PutLogEvents only', 'error500', ['PutLogEvents'], /ServiceUnavailableException/],
    ['throttling', 'throttle', undefined, /ThrottlingException/],
    ['throttling of PutLogEvents', 'throttle', ['PutLogEvents'], /ThrottlingException/],
    ['a hanging server (timeout)', 'hang', undefined, /ETIMEDOUT|Timeout|ECONNRESET/i],
    ['an unreachable endpoint', 'unreachable', undefined, /ECONNREFUSED/],
  ];

  test.each(modes)('%s', async (_name, mode, operations, reason) => {
    const { sink, fallbackLines, stored, fallbackMetric } = setup({ timeoutMs: 250 });
    if (mode === 'unreachable') await cw.fake().makeUnreachable();
    else cw.fake().fail(mode, { operations });
    const n = 25;
    for (let i = 0; i < n; i++) sink.emit(issued(i));
    await sink.flush();

    const fallback = fallbackLines();
    expect(stored()).toHaveLength(0);
    expect(fallback).toHaveLength(n);
    for (const line of fallback) {
      expect(line).toMatchObject({ audit_fallback: true, event: 'token.issued', stage: 'test', schema_version: 1 });
      expect(String(line.fallback_reason)).toMatch(reason);
    }
    expect(fallbackMetric()).toBe(n);
    expectNothingLost([], fallback, n);
  });

  test('events refused by CloudWatch (rejectedLogEventsInfo) fall back; the rest is stored', async () => {
    cw.fake().fail('partial', { tooOld: 2, tooNew: 3 });
    const { sink, clock, fallbackLines, stored, fallbackMetric } = setup();
    for (let i = 0; i < 10; i++) {
      sink.emit(issued(i));
      clock.advance(10);
    }
    await sink.flush();
    const fallback = fallbackLines();
    expect(stored()).toHaveLength(5);
    expect(fallback.map((l) => l.jti)).toEqual(['jti-0', 'jti-1', 'jti-7', 'jti-8', 'jti-9']);
    expect(fallback.every((l) => l.fallback_reason === 'rejected_by_cloudwatch')).toBe(true);
    expect(fallbackMetric()).toBe(5);
    expectNothingLost(stored(), fallback, 10);
  });

  test('after a failure CloudWatch is skipped for the back-off period, then used again', async () => {
    cw.fake().fail('throttle', { times: 1 });
    const { sink, clock, fallbackLines, stored } = setup();
    sink.emit(issued(0));
    await sink.flush();
    const calls = cw.fake().requests.length;

    clock.advance(4_000);
    sink.emit(issued(1));
    await sink.flush();
    expect(cw.fake().requests.length).toBe(calls);
    expect(fallbackLines().map((l) => l.fallback_reason)).toEqual(['ThrottlingException', 'ThrottlingException_backoff']);

    clock.advance(1_000);
    sink.emit(issued(2));
    await sink.flush();
    expect(stored().map((e) => e.jti)).toEqual(['jti-2']);
    expectNothingLost(stored(), fallbackLines(), 3);
  });

  test('when CloudWatch is slower than the traffic, the overflow goes to stdout at once', async () => {
    cw.fake().fail('hang');
    const lines: string[] = [];
    const client = createCloudWatchLogsClient({ region: 'us-east-1', endpoint: cw.fake().endpoint, timeoutMs: 250, maxAttempts: 1 });
    cw.track(client);
    const clock = new FrozenClock(START);
    const sink = new CloudWatchAuditSink({
      client,
      logGroup: GROUP,
      stage: 'test',
      functionName: 'fn',
      clock,
      fallback: new StdoutFallback((l) => lines.push(l), { auditFallback: () => {} }),
      batchSize: 10,
      maxBufferAgeMs: 1000,
      failureBackoffMs: 5000,
      maxBufferedEvents: 20,
    });
    for (let i = 0; i < 35; i++) sink.emit(issued(i));
    const early = lines.map((l) => JSON.parse(l));
    expect(early).toHaveLength(5);
    expect(early.every((l) => l.fallback_reason === 'buffer_full')).toBe(true);
    await sink.flush();
    expectNothingLost([], lines.map((l) => JSON.parse(l)), 35);
  });

  test('on shutdown every unconfirmed event is printed to stdout', async () => {
    const { sink, fallbackLines } = setup();
    for (let i = 0; i < 3; i++) sink.emit(issued(i));
    (sink as CloudWatchAuditSink).drainToStdout('shutdown');
    expect(fallbackLines().map((l) => [l.jti, l.fallback_reason])).toEqual([
      ['jti-0', 'shutdown'],
      ['jti-1', 'shutdown'],
      ['jti-2', 'shutdown'],
    ]);
    await sink.flush();
    expect(cw.fake().calls('PutLogEvents')).toHaveLength(0);
  });
});

test('SIGTERM (Lambda shutdown with an extension) prints buffered events, then the process still exits', async () => {
  const root = join(__dirname, '..', '..');
  const script = `
    const { createAuditSink } = require(${JSON.stringify(join(root, 'lib/audit/create-audit-sink.ts'))});
    const { loadConfig } = require(${JSON.stringify(join(root, 'lib/config/load-config.ts'))});
    const config = loadConfig({ PORTCULLIS_STAGE: 'test', PORTCULLIS_KEY_DIR: '/x', PORTCULLIS_AUDIT_SINK: 'cloudwatch', PORTCULLIS_AUDIT_CWL_ENDPOINT: 'http://127.0.0.1:9', AWS_REGION: 'us-east-1' });
    const sink = createAuditSink(config, { functionName: 'fn', metrics: { auditFallback() {} } });
    sink.emit({ event: 'authz.allowed', outcome: 'success', jti: 'j1' });
    sink.emit({ event: 'authz.denied', outcome: 'failure', reason: 'expired', jti: 'j2' });
    process.stdout.write('ready\\n', () => process.kill(process.pid, 'SIGTERM'));
    setTimeout(() => process.stdout.write('still alive\\n'), 5000);
  `;
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['--eval', script], { cwd: root });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const lines = out.trim().split('\n');
  expect(lines[0]).toBe('ready');
  expect(lines.slice(1).map((l) => JSON.parse(l)).map((l) => [l.jti, l.audit_fallback, l.fallback_reason])).toEqual([
    ['j1', true, 'shutdown'],
    ['j2', true, 'shutdown'],
  ]);
  // killed by the re-raised SIGTERM (tsx reports its child's signal as exit code 128 + 15)
  expect(exit.signal === 'SIGTERM' || exit.code === 143).toBe(true);
  expect(out).not.toContain('still alive');
});

