import { createHash, randomBytes } from 'node:crypto';
import { AuditEntryBuilder } from '../../lib/audit/entry';
import { looksSecret, REDACTED, scrubEvent, serializeScrubbed } from '../../lib/audit/scrub';
import type { AuditEvent } from '../../lib/audit/types';
import { FrozenClock } from '../../testkit/frozen-clock';

const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = `${b64url({ alg: 'RS256', typ: 'at+jwt', kid: 'k1' })}.${b64url({ sub: 'pc_a', jti: 'x' })}.${randomBytes(256).toString('base64url')}`;
const secret = randomBytes(32).toString('base64url');

describe('audit scrubber', () => {
  test.each([
    ['a JWT', jwt],
    ['a JWT inside text', `GET /x?access_token=${jwt}`],
    ['a JWT with an empty signature', `${b64url({ alg: 'none' })}.${b64url({ sub: 'a' })}.`],
    ['a Bearer credential', `Bearer ${jwt}`],
    ['a lowercase bearer credential', 'bearer abc'],
    ['a Basic credential', `Basic ${Buffer.from(`pc_a:${secret}`).toString('base64')}`],
    ['a DPoP credential', 'DPoP abc.def'],
    ['a client secret', secret],
    ['a client secret inside text', `pc_abc:${secret}`],
    ['a SHA-256 hex digest', createHash('sha256').update('x').digest('hex')],
  ])('redacts %s', (_name, value) => {
    expect(looksSecret(value)).toBe(true);
    expect(scrubEvent({ event: 'token.denied', outcome: 'failure', user_agent: value }).user_agent).toBe(REDACTED);
  });

  test.each([
    ['an IPv4 address', '203.0.113.7'],
    ['an IPv6 address', '2001:db8::1'],
    ['a browser user agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Safari/537.36'],
    ['an SDK user agent', 'aws-sdk-js/3.1169.0 ua/2.1 os/linux#6.1 lang/js md/nodejs#20.20.0'],
    ['a route', 'POST /oauth2/token'],
    ['a scope', 'api.orders.read'],
    ['a UUID request id', 'c0a8e8f2-1b2c-4d5e-8f9a-0123456789ab'],
    ['a jti', randomBytes(16).toString('base64url')],
    ['a reason', 'insufficient_scope'],
  ])('keeps %s', (_name, value) => {
    expect(looksSecret(value)).toBe(false);
  });

  test('keeps only the schema fields, in schema order', () => {
    const out = scrubEvent({
      detail: { kid: 'k1', rotated: true, n: 3 },
      outcome: 'success',
      event: 'keys.rotated',
      actor: 'admin-cli',
      authorization: `Bearer ${jwt}`,
      client_secret: secret,
      headers: { Authorization: 'Basic abc' },
      body: 'grant_type=client_credentials',
    } as unknown as AuditEvent);
    expect(out).toEqual({ event: 'keys.rotated', outcome: 'success', actor: 'admin-cli', detail: { kid: 'k1', rotated: true, n: 3 } });
    expect(Object.keys(out)).toEqual(['event', 'outcome', 'actor', 'detail']);
  });

  test('caps strings, lists and detail', () => {
    const out = scrubEvent({
      event: 'authz.denied',
      outcome: 'failure',
      user_agent: 'a '.repeat(500),
      scopes_requested: Array.from({ length: 80 }, (_, i) => `s${i}`),
      detail: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i])),
    });
    expect(out.user_agent).toHaveLength(256);
    expect(out.user_agent!.endsWith('…')).toBe(true);
    expect(out.scopes_requested).toHaveLength(50);
    expect(Object.keys(out.detail!)).toHaveLength(16);
    const huge = scrubEvent({ event: 'authz.denied', outcome: 'failure', route: 'x'.repeat(5000) });
    expect(huge.route).toBe(REDACTED);
  });

  test('detail keeps only simple keys and scalar values', () => {
    const out = scrubEvent({
      event: 'client.created',
      outcome: 'success',
      detail: { ok: 'yes', 'bad key': 1, [`k${secret}`]: 1, nested: { a: 1 } as unknown as string, inf: Number.POSITIVE_INFINITY, token: jwt },
    });
    expect(out.detail).toEqual({ ok: 'yes', token: REDACTED });
  });

  test('the emitter stamps level, time, stage, function, schema version and a unique event id', () => {
    const clock = new FrozenClock(Date.UTC(2026, 4, 6, 7, 8, 9, 10));
    const b = new AuditEntryBuilder('prod', 'portcullis-prod-authorizer', clock);
    const first = b.build({ event: 'authz.allowed', outcome: 'success', stage: 'other', function: 'other', schema_version: 9 } as AuditEvent);
    const second = b.build({ event: 'authz.allowed', outcome: 'success', time: '2026-05-06T07:08:00.000Z' });
    const e1 = JSON.parse(first.message);
    const e2 = JSON.parse(second.message);
    expect(e1).toMatchObject({ level: 'INFO', time: '2026-05-06T07:08:09.010Z', stage: 'prod', function: 'portcullis-prod-authorizer', schema_version: 2 });
    expect(Object.keys(e1)[0]).toBe('level');
    expect(first.timestamp).toBe(clock.now());
    expect(e2.time).toBe('2026-05-06T07:08:00.000Z');
    expect(second.timestamp).toBe(Date.UTC(2026, 4, 6, 7, 8, 0));
    expect(e1.event_id).toMatch(/^[0-9a-f]{12}-1$/);
    expect(e2.event_id).toMatch(/^[0-9a-f]{12}-2$/);
    const bad = JSON.parse(b.build({ event: 'authz.allowed', outcome: 'success', time: 'yesterday' }).message);
    expect(bad.time).toBe('2026-05-06T07:08:09.010Z');
  });

  test('the fast serializer writes exactly the scrubbed event as JSON, escapes included', () => {
    const strings = ['plain', 'with "quotes" and \\ backslash', 'line\nbreak\ttab\u0000nul', 'ünïcödé ☃', 'lone \ud800 surrogate', 'x'.repeat(300), jwt, `Bearer ${jwt}`, secret, '', '203.0.113.7'];
    const events: AuditEvent[] = [];
    for (const v of strings) {
      events.push({ event: v as AuditEvent['event'], outcome: 'failure', reason: v, client_id: v, sub: v, jti: v, route: v, source_ip: v, user_agent: v, request_id: v, actor: v, scopes_requested: [v, 'a'], scopes_granted: [v], latency_ms: 1.23456, detail: { k: v, n: 1, b: false } });
    }
    events.push({ event: 'authz.allowed', outcome: 'success' }, { outcome: 'success' } as AuditEvent, null as unknown as AuditEvent, { event: 'authz.allowed', outcome: 'success', client_id: 7 as unknown as string, latency_ms: -0 });
    // twice: the second pass goes through the per-field memo
    for (const e of [...events, ...events]) {
      const json = serializeScrubbed(e, '2026-01-01T00:00:00.000Z', ',"tail":1}');
      expect(JSON.parse(json)).toEqual({ time: '2026-01-01T00:00:00.000Z', ...scrubEvent(e), tail: 1 });
      expect(json).toBe(JSON.stringify({ time: '2026-01-01T00:00:00.000Z', ...scrubEvent(e), tail: 1 }));
    }
  });
});
