/** The audit sink wired to the wire-level fake CloudWatch Logs server (test/fakes), shared by the audit tests. */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { createCloudWatchLogsClient } from '../lib/audit/cloudwatch-client';
import { createAuditSink } from '../lib/audit/create-audit-sink';
import type { AuditEvent } from '../lib/audit/types';
import { loadConfig } from '../lib/config/load-config';
import { FakeCloudWatchLogs } from './fakes/fake-cloudwatch-logs';
import { FrozenClock } from './frozen-clock';

export const GROUP = '/portcullis/test/audit';
export const START = Date.UTC(2026, 0, 1, 12, 0, 0);

export interface Setup {
  batchSize?: number;
  maxAttempts?: number;
  timeoutMs?: number;
  streamName?: string;
}

/** Starts a fresh fake before each test and closes it (and every client) after. */
export function useFakeCloudWatch() {
  let fake: FakeCloudWatchLogs;
  const clients: CloudWatchLogsClient[] = [];
  beforeEach(async () => {
    fake = await FakeCloudWatchLogs.start([GROUP]);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await fake.close();
  });
  function setup(opts: Setup = {}) {
    const clock = new FrozenClock(START);
    const lines: string[] = [];
    const fallbackCounts: number[] = [];
    const client = createCloudWatchLogsClient({ region: 'us-east-1', endpoint: fake.endpoint, timeoutMs: opts.timeoutMs ?? 1000, maxAttempts: opts.maxAttempts ?? 1 });
    clients.push(client);
    const config = loadConfig({
      PORTCULLIS_STAGE: 'test',
      PORTCULLIS_KEY_DIR: '/nonexistent',
      PORTCULLIS_AUDIT_SINK: 'cloudwatch',
      ...(opts.batchSize ? { PORTCULLIS_AUDIT_BATCH_SIZE: String(opts.batchSize) } : {}),
    });
    const sink = createAuditSink(config, {
      clock,
      client,
      stdout: (line) => lines.push(line),
      metrics: { auditFallback: (n) => fallbackCounts.push(n) },
      functionName: 'portcullis-test-token',
      drainOnShutdown: false,
      streamName: opts.streamName,
    });
    const fallbackLines = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.audit_fallback === true);
    const stored = () => fake.events(GROUP).map((e) => JSON.parse(e.message) as Record<string, unknown>);
    return { sink, clock, lines, fallbackLines, stored, fallbackMetric: () => fallbackCounts.reduce((a, b) => a + b, 0) };
  }
  return { fake: () => fake, setup, track: (c: CloudWatchLogsClient) => clients.push(c) };
}

export const issued = (i: number, extra: Partial<AuditEvent> = {}): AuditEvent => ({
  event: 'token.issued',
  outcome: 'success',
  client_id: `pc_client${i}`,
  jti: `jti-${i}`,
  scopes_requested: ['read:data'],
  scopes_granted: ['read:data'],
  route: 'POST /oauth2/token',
  source_ip: '203.0.113.7',
  user_agent: 'curl/8.5.0',
  request_id: `req-${i}`,
  latency_ms: 12.5,
  ...extra,
});

/** Every emitted event is in exactly one place or the other (event_id), none missing. */
export function expectNothingLost(stored: Record<string, unknown>[], fallback: Record<string, unknown>[], emitted: number) {
  const ids = [...stored, ...fallback].map((e) => e.event_id as string);
  expect(new Set(ids).size).toBe(emitted);
  expect(ids).toHaveLength(emitted);
  const jtis = new Set([...stored, ...fallback].map((e) => e.jti));
  for (let i = 0; i < emitted; i++) expect(jtis.has(`jti-${i}`)).toBe(true);
}
