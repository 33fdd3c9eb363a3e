/** audit.confirm = journal: confirmed on stdout when emitted, written to CloudWatch Logs in batches, nothing lost. */
import { createCloudWatchLogsClient } from '../../lib/audit/cloudwatch-client';
import { createAuditSink } from '../../lib/audit/create-audit-sink';
import { loadConfig } from '../../lib/config/load-config';
import { GROUP, issued, START, useFakeCloudWatch } from '../../testkit/audit-cloudwatch';
import { FrozenClock } from '../../testkit/frozen-clock';

const cw = useFakeCloudWatch();

function journaled(env: Record<string, string> = {}) {
  const clock = new FrozenClock(START);
  const lines: string[] = [];
  const client = createCloudWatchLogsClient({ region: 'us-east-1', endpoint: cw.fake().endpoint, timeoutMs: 1000, maxAttempts: 1 });
  cw.track(client);
  const config = loadConfig({ PORTCULLIS_STAGE: 'test', PORTCULLIS_KEY_DIR: '/nonexistent', PORTCULLIS_AUDIT_SINK: 'cloudwatch', PORTCULLIS_AUDIT_CONFIRM: 'journal', ...env });
  const sink = createAuditSink(config, { clock, client, stdout: (l) => lines.push(l), metrics: { auditFallback: () => {} }, drainOnShutdown: false, functionName: 'portcullis-test-token' });
  return { sink, clock, lines, stored: () => cw.fake().events(GROUP).map((e) => JSON.parse(e.message)) };
}

test('each event is on stdout, marked audit_journal, before flush returns; CloudWatch Logs gets it in a batch later', async () => {
  const j = journaled();
  j.sink.emit(issued(0));
  await j.sink.flush();
  const journal = j.lines.map((l) => JSON.parse(l));
  expect(journal).toEqual([expect.objectContaining({ audit_journal: true, event: 'token.issued', jti: 'jti-0' })]);
  expect(cw.fake().calls('PutLogEvents')).toHaveLength(0);
  j.sink.emit(issued(1));
  await j.sink.flush();
  expect(cw.fake().calls('PutLogEvents')).toHaveLength(0);
  j.clock.advance(1000);
  j.sink.emit(issued(2));
  await j.sink.flush();
  expect(j.stored().map((e) => e.jti)).toEqual(['jti-0', 'jti-1', 'jti-2']);
  // The two copies of each event share its event_id.
  expect(new Set(j.lines.map((l) => JSON.parse(l).event_id))).toEqual(new Set(j.stored().map((e) => e.event_id)));
});

test('an unknown confirmation mode is a configuration error', () => {
  expect(() => journaled({ PORTCULLIS_AUDIT_CONFIRM: 'maybe' })).toThrow(/PORTCULLIS_AUDIT_CONFIRM/);
});
