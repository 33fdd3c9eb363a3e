/**
 * CloudWatch Logs unavailable while the token endpoint serves traffic: the answers do not change,
 * and no audit event is lost — each one is in CloudWatch or in the stdout fallback
 * (real SDK client against the wire-level fake, testkit/fakes/fake-cloudwatch-logs.ts).
 */
import { createCloudWatchLogsClient } from '../../lib/audit/cloudwatch-client';
import { createAuditSink } from '../../lib/audit/create-audit-sink';
import { handleTokenRequest } from '../../lib/endpoints/token';
import { GROUP, useFakeCloudWatch } from '../../testkit/audit-cloudwatch';
import { basic, formRequest, tokenFixture } from '../../testkit/token-fixture';

const TIMEOUT_MS = 200;
const cw = useFakeCloudWatch();

async function setup() {
  const f = await tokenFixture({ env: { PORTCULLIS_STAGE: 'test', PORTCULLIS_AUDIT_SINK: 'cloudwatch', PORTCULLIS_AUDIT_LOG_GROUP: GROUP } });
  const client = createCloudWatchLogsClient({ region: 'us-east-1', endpoint: cw.fake().endpoint, timeoutMs: TIMEOUT_MS, maxAttempts: 2 });
  cw.track(client);
  const stdout: string[] = [];
  const audit = createAuditSink(f.config, {
    clock: f.clock,
    client,
    stdout: (l) => stdout.push(l),
    metrics: { auditFallback: () => {} },
    functionName: 'portcullis-test-token',
    drainOnShutdown: false,
  });
  const deps = { ...f.deps, audit };
  const { client: app, secret } = await f.admin.create({ name: 'app', scopes: ['read:data'] });
  const call = (sec = secret) => handleTokenRequest(formRequest('grant_type=client_credentials', { Authorization: basic(app.clientId, sec) }), deps);
  /** Every audit event of the run, from wherever it ended up (a timed-out write may be in both: dedupe on event_id). */
  const everywhere = () => {
    const stored = cw.fake().events(GROUP).map((e) => JSON.parse(e.message) as Record<string, unknown>);
    const fallback = stdout.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.audit_fallback === true);
    const byId = new Map<unknown, Record<string, unknown>>();
    for (const e of [...stored, ...fallback]) byId.set(e.event_id, e);
    return { stored, fallback, events: [...byId.values()] };
  };
  return { ...f, call, secret, stdout, everywhere };
}

const jtiOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).jti as string;

describe('CloudWatch Logs unavailable: tokens still issued, nothing lost', () => {
  test.each(['error500', 'throttle', 'hang', 'unreachable'] as const)('CloudWatch Logs %s', async (mode) => {
    const s = await setup();
    if (mode === 'unreachable') await cw.fake().makeUnreachable();
    else cw.fake().fail(mode);

    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const res = await s.call();
      expect(res.statusCode).toBe(200);
      // One flush waits at most 2 attempts × timeout (+ SDK back-off); then CloudWatch is skipped for a while.
      expect(performance.now() - t0).toBeLessThan(2 * TIMEOUT_MS + 1_500);
      tokens.push(JSON.parse(res.body).access_token);
    }
    expect((await s.call('wrong')).statusCode).toBe(401);

    const { fallback, events } = s.everywhere();
    expect(events.filter((e) => e.event === 'token.issued').map((e) => e.jti).sort()).toEqual(tokens.map(jtiOf).sort());
    expect(events.filter((e) => e.event === 'token.denied')).toHaveLength(1);
    expect(events).toHaveLength(4);
    expect(fallback.length).toBeGreaterThanOrEqual(1);
    expect(fallback.every((l) => typeof l.fallback_reason === 'string')).toBe(true);
    const printed = s.stdout.join('\n');
    for (const canary of [...tokens, s.secret]) expect(printed).not.toContain(canary);
  });

  test('after CloudWatch Logs recovers (and the failure back-off has passed), events go to CloudWatch again', async () => {
    const s = await setup();
    cw.fake().fail('error500');
    expect((await s.call()).statusCode).toBe(200);
    expect(s.everywhere().fallback).toHaveLength(1);
    cw.fake().heal();
    s.clock.advance(5_000); // DEFAULTS.auditFailureBackoffMs
    const res = await s.call();
    expect(res.statusCode).toBe(200);
    const { stored, fallback } = s.everywhere();
    expect(fallback).toHaveLength(1);
    expect(stored.map((e) => e.jti)).toEqual([jtiOf(JSON.parse(res.body).access_token)]);
  });
});
