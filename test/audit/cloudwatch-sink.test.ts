/**
 * The CloudWatch audit sink through the real SDK client against the wire-level fake
 * (testkit/fakes/fake-cloudwatch-logs.ts): stream creation, batching, maybeFlush.
 * Failure modes: audit-cloudwatch-failures.test.ts.
 */
import type { AuditEvent } from '../../lib/audit/types';

import { expectNothingLost, GROUP, issued, START, useFakeCloudWatch } from '../../testkit/audit-cloudwatch';

const cw = useFakeCloudWatch();
const setup = cw.setup;

describe('CloudWatch audit sink: delivery', () => {
  test('flush writes the events, stamped, to one log stream created on first use', async () => {
    const { sink, lines, stored } = setup();
    sink.emit(issued(0));
    sink.emit({ event: 'token.denied', outcome: 'failure', reason: 'invalid_client', client_id: 'pc_x', source_ip: '198.51.100.2' });
    await sink.flush();

    expect(cw.fake().calls('CreateLogStream')).toHaveLength(1);
    const stream = cw.fake().calls('CreateLogStream')[0].body.logStreamName as string;
    expect(stream).toMatch(/^2026\/01\/01\/portcullis-test-token\/[0-9a-f]{16}$/);
    expect(cw.fake().streams(GROUP)).toEqual([stream]);
    const events = stored();
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      time: '2026-01-01T12:00:00.000Z',
      event: 'token.issued',
      outcome: 'success',
      client_id: 'pc_client0',
      scopes_granted: ['read:data'],
      stage: 'test',
      function: 'portcullis-test-token',
      schema_version: 1,
    });
    expect(events[1]).toMatchObject({ event: 'token.denied', reason: 'invalid_client' });
    expect(events[0].event_id).not.toEqual(events[1].event_id);
    expect(cw.fake().events(GROUP)[0].timestamp).toBe(START);
    expect(lines).toEqual([]);

    sink.emit(issued(1));
    await sink.flush();
    expect(cw.fake().calls('CreateLogStream')).toHaveLength(1);
    expect(stored()).toHaveLength(3);
  });

  test('a log stream that already exists is used as is', async () => {
    cw.fake().seed(GROUP, 'fixed/stream', []);
    const { sink, lines, stored } = setup({ streamName: 'fixed/stream' });
    sink.emit(issued(0));
    await sink.flush();
    expect(stored()).toHaveLength(1);
    expect(cw.fake().events(GROUP)[0].logStreamName).toBe('fixed/stream');
    expect(lines).toEqual([]);
  });

  test('emit does no I/O until the batch is full; a full batch starts a write', async () => {
    const { sink, stored } = setup({ batchSize: 10 });
    for (let i = 0; i < 9; i++) sink.emit(issued(i));
    await new Promise((r) => setTimeout(r, 50));
    expect(cw.fake().requests).toHaveLength(0);
    sink.emit(issued(9));
    await sink.maybeFlush();
    expect(cw.fake().calls('PutLogEvents')).toHaveLength(1);
    expect(stored()).toHaveLength(10);
  });

  test('large volumes are split into PutLogEvents batches within the limits, each in time order', async () => {
    const { sink, clock, fallbackLines, stored } = setup({ batchSize: 10_000 });
    const n = 8000;
    for (let i = 0; i < n; i++) {
      // out of order on purpose: every third event carries an earlier time
      const time = i % 3 === 0 ? new Date(START - 60_000 + i).toISOString() : undefined;
      sink.emit(issued(i, { user_agent: 'x'.repeat(250), time }));
      clock.advance(1);
    }
    await sink.flush();
    const puts = cw.fake().calls('PutLogEvents');
    const sizes = puts.map((put) => (put.body.logEvents as { message: string }[]).reduce((sum, e) => sum + Buffer.byteLength(e.message) + 26, 0));
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(3 * 1_048_576);
    expect(puts.length).toBeGreaterThanOrEqual(4);
    sizes.forEach((size, i) => {
      expect(size).toBeLessThanOrEqual(1_048_576);
      if (i < sizes.length - 1) expect(size).toBeGreaterThan(1_048_576 - 1000); // filled up, not split early
    });
    for (const put of puts) {
      const events = put.body.logEvents as { timestamp: number }[];
      for (let i = 1; i < events.length; i++) expect(events[i].timestamp).toBeGreaterThanOrEqual(events[i - 1].timestamp);
    }
    expect(fallbackLines()).toEqual([]);
    expectNothingLost(stored(), [], n);
  });

  test('a transient 500 is retried by the client and the events still land in CloudWatch', async () => {
    cw.fake().fail('error500', { operations: ['PutLogEvents'], times: 1 });
    const { sink, lines, stored } = setup({ maxAttempts: 2 });
    sink.emit(issued(0));
    await sink.flush();
    expect(cw.fake().calls('PutLogEvents')).toHaveLength(2);
    expect(stored()).toHaveLength(1);
    expect(lines).toEqual([]);
  });
});

describe('CloudWatch audit sink: the authorizer hot path', () => {
  test('maybeFlush waits on CloudWatch only once the oldest buffered event is 1 s old', async () => {
    const { sink, clock, stored } = setup();
    sink.emit(issued(0));
    await sink.maybeFlush();
    clock.advance(999);
    sink.emit(issued(1));
    await sink.maybeFlush();
    expect(cw.fake().requests).toHaveLength(0);

    clock.advance(1);
    sink.emit(issued(2));
    await sink.maybeFlush();
    expect(cw.fake().calls('PutLogEvents')).toHaveLength(1);
    expect(stored().map((e) => e.jti)).toEqual(['jti-0', 'jti-1', 'jti-2']);

    await sink.maybeFlush();
    expect(cw.fake().calls('PutLogEvents')).toHaveLength(1);
  });

  test('maybeFlush writes a full buffer at once', async () => {
    const { sink, stored } = setup({ batchSize: 5 });
    for (let i = 0; i < 5; i++) sink.emit(issued(i));
    await sink.maybeFlush();
    expect(stored()).toHaveLength(5);
  });

  test('emit never throws, whatever it is given', async () => {
    const { sink, lines, stored, fallbackMetric } = setup();
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const hostile = Object.defineProperty({ event: 'authz.denied', outcome: 'failure' }, 'reason', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    const weird = [null, undefined, 42, 'text', { event: 'authz.allowed', outcome: 'success', detail: circular, latency_ms: Number.NaN, client_id: 10n }, hostile];
    for (const w of weird) expect(() => sink.emit(w as unknown as AuditEvent)).not.toThrow();
    await sink.flush();
    expect(stored()).toHaveLength(5);
    expect(stored()[4]).toMatchObject({ event: 'authz.allowed', detail: { a: 1 } });
    expect(stored()[4]).not.toHaveProperty('client_id');
    expect(stored()[4]).not.toHaveProperty('latency_ms');
    expect(lines.map((l) => JSON.parse(l))).toEqual([{ audit_fallback: true, fallback_reason: 'unserializable_event', time: '2026-01-01T12:00:00.000Z' }]);
    expect(fallbackMetric()).toBe(1);
  });
});
