/** The decision core: verified-token cache, revocation on every decision, deny by default, fail closed, audit. */
import { Authorizer, type Decision } from '../../lib/authorizer/decide';
import { TokenVerifier } from '../../lib/authorizer/token-verifier';
import { harness, jwksOf, makeKey, mint, PREFIX, realNowClock, seconds, type TestKey } from '../../testkit/authorizer-fixtures';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import { ISSUER, AUDIENCE, testConfig } from '../../testkit/config';
import type { RevocationChecker } from '../../lib/revocation/checker';
import type { RevocationReason } from '../../lib/models/revocation';

let key: TestKey;
beforeAll(() => {
  key = makeKey('RS256', 'decide-key');
});

const GET = `${PREFIX}GET/demo/data`;
const POST = `${PREFIX}POST/demo/data`;
const bearer = (t: string) => `Bearer ${t}`;

describe('verified-token cache', () => {
  test('a repeated token is still refused once it expires (with the clock skew)', async () => {
    const h = harness({ keys: [key] });
    const token = mint(key, h.now(), { claims: { exp: h.now() + 60 } });
    expect((await h.authorizer.decide({ authorization: bearer(token), arn: GET })).effect).toBe('Allow');
    h.clock.advance(60_000 + 29_000);
    expect((await h.authorizer.decide({ authorization: bearer(token), arn: GET })).effect).toBe('Allow'); // inside the 30 s skew
    h.clock.advance(1_000);
    expect(await h.authorizer.decide({ authorization: bearer(token), arn: GET })).toMatchObject({ effect: 'Deny', status: 401, reason: 'expired' });
  });

  test('revocation is checked on every decision, cached or not, and a revoked token is refused at once', async () => {
    const h = harness({ keys: [key] });
    const token = mint(key, h.now(), { claims: { jti: 'jti-1', client_id: 'pc_x', sub: 'pc_x' } });
    for (let i = 0; i < 3; i++) expect((await h.authorizer.decide({ authorization: bearer(token), arn: GET })).effect).toBe('Allow');
    expect(h.revocation.checked).toHaveLength(3);
    expect(h.revocation.checked[2]).toEqual({ jti: 'jti-1', client_id: 'pc_x', sub: 'pc_x', iat: h.now(), exp: h.now() + 300 });
    h.revocation.revoked.set('jti-1', 'client_revoked');
    expect(await h.authorizer.decide({ authorization: bearer(token), arn: GET })).toMatchObject({ effect: 'Deny', status: 401, reason: 'client_revoked' });
    expect(h.revocation.checked).toHaveLength(4);
  });

  test('a synchronous revocation answer keeps the decision synchronous; a promise is awaited', async () => {
    const h = harness({ keys: [key] });
    const token = mint(key, h.now());
    const sync = h.authorizer.decide({ authorization: bearer(token), arn: GET });
    expect(sync).not.toBeInstanceOf(Promise);
    expect((sync as Decision).effect).toBe('Allow');

    const async = harness({ keys: [key], deps: { revocation: { check: () => Promise.resolve<RevocationReason | null>('subject_revoked') } } });
    const pending = async.authorizer.decide({ authorization: bearer(mint(key, async.now())), arn: GET });
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toMatchObject({ status: 401, reason: 'subject_revoked' });
  });

  test('verification happens once per distinct token, and the cache is bounded (least recently used goes first)', async () => {
    const clock = realNowClock();
    const config = testConfig({ env: { PORTCULLIS_VERIFIED_TOKEN_CACHE_ENTRIES: '2' } });
    const verifier = new TokenVerifier(
      { issuer: ISSUER, audience: AUDIENCE, jwksUri: config.jwksUri, clockSkewSeconds: 30, jwksRefetchMinIntervalMs: 10_000, jwksFetchTimeoutMs: 100, jwksMaxAgeMs: 3_600_000, jwksMaxStalenessMs: 7_200_000 },
      { clock, jwks: jwksOf(key) },
    );
    const verified: string[] = [];
    const original = verifier.verify.bind(verifier);
    verifier.verify = (t: string) => (verified.push(t), original(t));
    const az = new Authorizer(config, { audit: new MemoryAuditSink(), revocation: { check: () => null }, clock, verifier, log: () => {} });
    const [a, b, c] = ['a', 'b', 'c'].map((sub) => mint(key, seconds(clock), { claims: { sub } }));
    for (const t of [a, a, b, a, c, b, a]) expect((az.decide({ authorization: bearer(t), arn: GET }) as Decision).effect).toBe('Allow');
    // a, b cached; a hit; c evicts b (a was used more recently); b verified again, evicting a; a verified again
    expect(verified.map((t) => [a, b, c].indexOf(t))).toEqual([0, 1, 2, 1, 0]);
  });
});

describe('scopes and routes', () => {
  test('a valid token without the route scope: 403 with the RFC 6750 challenge for the backend gateway response', async () => {
    const h = harness({ keys: [key] });
    const d = await h.authorizer.decide({ authorization: bearer(mint(key, h.now(), { claims: { scope: 'read:data' } })), arn: POST });
    expect(d).toMatchObject({ effect: 'Deny', status: 403, reason: 'insufficient_scope', principalId: 'pc_client1' });
    expect((d as Extract<Decision, { status: 403 }>).context.wwwAuthenticate).toBe('Bearer error="insufficient_scope", scope="write:data"');
  });

  test('deny by default: a route that is not in the table is refused even for a token with every scope', async () => {
    const h = harness({ keys: [key] });
    const token = mint(key, h.now(), { claims: { scope: 'read:data write:data' } });
    for (const arn of [`${PREFIX}GET/demo/other`, `${PREFIX}DELETE/demo/data`, `${PREFIX}GET/`]) {
      const d = (await h.authorizer.decide({ authorization: bearer(token), arn })) as Extract<Decision, { status: 403 }>;
      expect(d).toMatchObject({ effect: 'Deny', status: 403, reason: 'route_not_declared' });
      expect(d.policy.Statement.find((s) => s.Effect === 'Deny')?.Resource).toContain(arn);
      expect(d.context.wwwAuthenticate).toBe('Bearer error="insufficient_scope"');
    }
  });
});

describe('fail closed', () => {
  const cases: Array<[string, Partial<ConstructorParameters<typeof Authorizer>[1]>]> = [
    ['the revocation checker throws', { revocation: { check: () => { throw new Error('boom'); } } }],
    ['the revocation checker rejects', { revocation: { check: () => Promise.reject(new Error('boom')) } }],
    ['the revocation checker answers nonsense', { revocation: { check: () => undefined as unknown as null } }],
    ['the audit sink throws', { audit: { emit: () => { throw new Error('disk full'); }, flush: async () => {} } }],
  ];
  test.each(cases)('%s: 401, never an allow', async (_name, deps) => {
    const logs: string[] = [];
    const h = harness({ keys: [key], deps: { ...deps, log: (m) => logs.push(m) } });
    const d = await h.authorizer.decide({ authorization: bearer(mint(key, h.now())), arn: GET });
    expect(d.effect).toBe('Deny');
    expect(d.status).toBe(401);
    expect(logs.length).toBeGreaterThan(0);
  });

  test('the stale revocation state is a deny with its own reason', async () => {
    const stale: RevocationChecker = { check: () => 'revocation_state_stale' };
    const h = harness({ keys: [key], deps: { revocation: stale } });
    expect(await h.authorizer.decide({ authorization: bearer(mint(key, h.now())), arn: GET })).toMatchObject({ effect: 'Deny', status: 401, reason: 'revocation_state_stale' });
  });

  test('a verifier that throws, or an event without an execute-api ARN: 401 internal_error, audited', async () => {
    const broken = Object.assign(Object.create(TokenVerifier.prototype) as TokenVerifier, {
      verify: () => {
        throw new TypeError('unexpected');
      },
      maintain: () => {},
    });
    const h = harness({ keys: [key], deps: { verifier: broken } });
    expect(await h.authorizer.decide({ authorization: bearer(mint(key, h.now())), arn: GET })).toMatchObject({ status: 401, reason: 'internal_error' });
    const ok = harness({ keys: [key] });
    expect(await ok.authorizer.decide({ authorization: bearer(mint(key, ok.now())), arn: 'not-an-arn' })).toMatchObject({ status: 401, reason: 'internal_error' });
    expect(h.audit.events.map((e) => [e.event, e.reason])).toEqual([['authz.denied', 'internal_error']]);
  });
});

describe('audit', () => {
  test('every decision is one event with the caller, the route and a stable reason', async () => {
    const h = harness({ keys: [key] });
    const token = mint(key, h.now(), { claims: { jti: 'j-77', client_id: 'pc_77', sub: 'pc_77', scope: 'read:data' } });
    await h.authorizer.decide({
      authorization: bearer(token),
      arn: GET,
      method: 'GET',
      resource: '/demo/data',
      sourceIp: '203.0.113.1',
      userAgent: 'curl/8',
      requestId: 'r-1',
    });
    await h.authorizer.decide({ authorization: bearer(token), arn: POST });
    await h.authorizer.decide({ authorization: undefined, arn: GET });
    expect(h.audit.events).toHaveLength(3);
    const [allowed, denied, missing] = h.audit.events;
    expect(allowed).toMatchObject({
      event: 'authz.allowed',
      outcome: 'success',
      reason: 'allowed',
      client_id: 'pc_77',
      sub: 'pc_77',
      jti: 'j-77',
      route: 'GET /demo/data',
      source_ip: '203.0.113.1',
      user_agent: 'curl/8',
      request_id: 'r-1',
      scopes_granted: ['read:data'],
    });
    expect(typeof allowed.latency_ms).toBe('number');
    expect(denied).toMatchObject({ event: 'authz.denied', outcome: 'failure', reason: 'insufficient_scope', route: 'POST /demo/data', client_id: 'pc_77' });
    expect(missing).toMatchObject({ event: 'authz.denied', outcome: 'failure', reason: 'missing', route: 'GET /demo/data' });
    expect(missing.client_id).toBeUndefined();
    expect(JSON.stringify(h.audit.events)).not.toContain(token.split('.')[2]);
  });
});
