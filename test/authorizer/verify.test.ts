/** Token verification through the decision core: every token deny reason, and the JWKS life cycle. */
import { sign } from 'node:crypto';
import { Authorizer, WWW_AUTHENTICATE_INVALID, WWW_AUTHENTICATE_MISSING, type Decision } from '../../lib/authorizer/decide';
import { harness, hs256WithPublicKey, jwksOf, makeKey, mint, PREFIX, realNowClock, RecordingRevocation, seconds, startJwksServer, unsignedToken, type Harness, type TestKey } from '../../testkit/authorizer-fixtures';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import { testConfig } from '../../testkit/config';

const ARN = `${PREFIX}GET/demo/data`;
let rsa: TestKey;
let ec: TestKey;
let stranger: TestKey;

beforeAll(() => {
  rsa = makeKey('RS256', 'rsa-1');
  ec = makeKey('ES256', 'ec-1');
  stranger = makeKey('RS256', 'stranger');
});

const decide = (h: Harness, authorization: string | undefined) => h.authorizer.decide({ authorization, arn: ARN }) as Promise<Decision> | Decision;

async function reasonFor(h: Harness, token: string): Promise<string> {
  const d = await decide(h, `Bearer ${token}`);
  return d.reason;
}

describe('valid tokens', () => {
  test('RS256 and ES256 tokens from the issuer are allowed, with the caller in the context', async () => {
    const h = harness({ keys: [rsa, ec] });
    for (const key of [rsa, ec]) {
      const d = await decide(h, `Bearer ${mint(key, h.now(), { claims: { client_id: 'pc_a', sub: 'pc_a', scope: 'read:data write:data' } })}`);
      expect(d).toMatchObject({ effect: 'Allow', status: 200, principalId: 'pc_a', context: { client_id: 'pc_a', sub: 'pc_a', scope: 'read:data write:data' } });
    }
  });

  test('the Bearer scheme is case-insensitive and extra spaces are tolerated', async () => {
    const h = harness({ keys: [rsa] });
    const t = mint(rsa, h.now());
    for (const header of [`Bearer ${t}`, `bearer ${t}`, `BEARER  ${t}`, `BeArEr ${t} `]) expect((await decide(h, header)).effect).toBe('Allow');
  });

  test('typ application/at+jwt (any case) is accepted; exp, nbf and iat within the clock skew are accepted', async () => {
    const h = harness({ keys: [rsa] });
    const now = h.now();
    expect(await reasonFor(h, mint(rsa, now, { header: { typ: 'application/AT+JWT' } }))).toBe('allowed');
    expect(await reasonFor(h, mint(rsa, now, { claims: { iat: now - 310, exp: now - 10 } }))).toBe('allowed');
    expect(await reasonFor(h, mint(rsa, now, { claims: { nbf: now + 10 } }))).toBe('allowed');
    expect(await reasonFor(h, mint(rsa, now, { claims: { iat: now + 10 } }))).toBe('allowed');
  });
});

describe('401 answers, with a stable reason', () => {
  let h: Harness;
  let now: number;
  beforeEach(() => {
    h = harness({ keys: [rsa, ec] });
    now = h.now();
  });

  test('no Authorization header: 401 without an error attribute (RFC 6750 §3.1)', async () => {
    for (const header of [undefined, '', '   ']) {
      const d = await decide(h, header);
      expect(d).toEqual({ effect: 'Deny', status: 401, reason: 'missing', wwwAuthenticate: WWW_AUTHENTICATE_MISSING });
    }
  });

  test('another scheme, no token or garbage: malformed', async () => {
    for (const header of ['Basic dXNlcjpwdw==', 'Bearer', 'Bearer ', 'Bearertoken', 'Token abc', 'Bearer garbage', 'Bearer a.b.c', 'Bearer a.b', `Bearer ${mint(rsa, now)}.x`]) {
      const d = await decide(h, header);
      expect({ header, ...d }).toEqual({ header, effect: 'Deny', status: 401, reason: 'malformed', wwwAuthenticate: WWW_AUTHENTICATE_INVALID });
    }
  });

  test('alg none, HS256 keyed with the public key, and algorithms outside RS256/ES256: unsupported_alg', async () => {
    expect(await reasonFor(h, unsignedToken(now, rsa.kid))).toBe('unsupported_alg');
    expect(await reasonFor(h, hs256WithPublicKey(rsa, now))).toBe('unsupported_alg');
    for (const alg of ['RS384', 'PS256', 'ES512', 'EdDSA', 'none', 'NONE']) expect(await reasonFor(h, mint(rsa, now, { header: { alg } }))).toBe('unsupported_alg');
    expect(await reasonFor(h, mint(rsa, now, { header: { alg: undefined } }))).toBe('unsupported_alg');
  });

  test('typ JWT, or no typ: wrong_typ (RFC 9068 §4, RFC 8725 §3.11)', async () => {
    expect(await reasonFor(h, mint(rsa, now, { header: { typ: 'JWT' } }))).toBe('wrong_typ');
    expect(await reasonFor(h, mint(rsa, now, { header: { typ: undefined } }))).toBe('wrong_typ');
  });

  test.each(['jku', 'x5u', 'jwk', 'x5c', 'crit'])('a %s header: forbidden_header (never honoured)', async (name) => {
    expect(await reasonFor(h, mint(rsa, now, { header: { [name]: name === 'crit' ? ['exp'] : 'https://attacker.example/keys' } }))).toBe('forbidden_header');
  });

  test('no kid: malformed', async () => {
    expect(await reasonFor(h, mint(rsa, now, { header: { kid: undefined } }))).toBe('malformed');
  });

  test.each(['jti', 'client_id', 'sub', 'scope', 'exp', 'iat', 'iss', 'aud'])('no %s claim: missing_claim', async (claim) => {
    expect(await reasonFor(h, mint(rsa, now, { omit: [claim] }))).toBe('missing_claim');
  });

  test('claims of the wrong type: missing_claim', async () => {
    for (const claims of [{ exp: String(now + 60) }, { exp: now + 60.5 }, { iat: 'yesterday' }, { scope: ['read:data'] }, { jti: 7 }, { sub: '' }, { nbf: 'soon' }]) {
      expect(await reasonFor(h, mint(rsa, now, { claims }))).toBe('missing_claim');
    }
  });

  test('wrong issuer or audience (exact match): wrong_issuer / wrong_audience', async () => {
    expect(await reasonFor(h, mint(rsa, now, { claims: { iss: 'https://evil.example' } }))).toBe('wrong_issuer');
    expect(await reasonFor(h, mint(rsa, now, { claims: { iss: 'http://localhost:3000/' } }))).toBe('wrong_issuer');
    expect(await reasonFor(h, mint(rsa, now, { claims: { aud: 'https://other.api' } }))).toBe('wrong_audience');
    expect(await reasonFor(h, mint(rsa, now, { claims: { aud: ['https://api.portcullis.local'] } }))).toBe('wrong_audience');
  });

  test('expired, not yet valid, issued in the future (beyond the 30 s skew)', async () => {
    expect(await reasonFor(h, mint(rsa, now, { claims: { iat: now - 400, exp: now - 31 } }))).toBe('expired');
    expect(await reasonFor(h, mint(rsa, now, { claims: { nbf: now + 31 } }))).toBe('not_yet_valid');
    expect(await reasonFor(h, mint(rsa, now, { claims: { iat: now + 31, exp: now + 600 } }))).toBe('iat_in_future');
  });

  test('a tampered payload or signature: bad_signature', async () => {
    const [header, payload, sig] = mint(rsa, now, { claims: { scope: 'read:data' } }).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const widened = Buffer.from(JSON.stringify({ ...claims, scope: 'read:data write:data' })).toString('base64url');
    expect(await reasonFor(h, `${header}.${widened}.${sig}`)).toBe('bad_signature');
    const flipped = sig.slice(0, 10) + (sig[10] === 'A' ? 'B' : 'A') + sig.slice(11);
    expect(await reasonFor(h, `${header}.${payload}.${flipped}`)).toBe('bad_signature');
    // signed by someone else's key under our kid
    expect(await reasonFor(h, mint(rsa, now, { signWith: stranger }))).toBe('bad_signature');
    // ES256 with a DER signature instead of r || s, or a truncated one
    const [eh, ep] = mint(ec, now).split('.');
    const der = sign('sha256', Buffer.from(`${eh}.${ep}`), ec.privateKey).toString('base64url');
    expect(await reasonFor(h, `${eh}.${ep}.${der}`)).toBe('bad_signature');
    expect(await reasonFor(h, `${eh}.${ep}.AAAA`)).toBe('bad_signature');
  });

  test('a key that is not in the JWKS (unknown_kid) is told apart from an alg that does not match the key (alg_mismatch)', async () => {
    expect(await reasonFor(h, mint(stranger, now))).toBe('unknown_kid');
    // ES256 header naming the RSA key, signed with an EC key
    expect(await reasonFor(h, mint(ec, now, { header: { kid: rsa.kid } }))).toBe('alg_mismatch');
    // RS256 header naming the EC key
    expect(await reasonFor(h, mint(rsa, now, { header: { kid: ec.kid } }))).toBe('alg_mismatch');
  });

  test('no audit event ever carries a token', async () => {
    const tokens = [mint(rsa, now), unsignedToken(now, rsa.kid), mint(rsa, now, { claims: { exp: now - 100 } }), mint(stranger, now)];
    for (const t of tokens) await decide(h, `Bearer ${t}`);
    const logged = JSON.stringify(h.audit.events);
    expect(h.audit.events).toHaveLength(tokens.length);
    for (const t of tokens) for (const part of t.split('.').filter((p) => p.length > 20)) expect(logged).not.toContain(part);
  });
});

describe('JWKS from the issuer endpoint', () => {
  function fetching(url: string) {
    const clock = realNowClock();
    const authorizer = new Authorizer(testConfig({ env: { PORTCULLIS_JWKS_URI: url, PORTCULLIS_JWKS_REFETCH_MIN_INTERVAL_MS: '10000' } }), {
      audit: new MemoryAuditSink(),
      revocation: new RecordingRevocation(),
      clock,
      log: () => {},
    });
    const reason = async (key: TestKey) => ((await authorizer.decide({ authorization: `Bearer ${mint(key, seconds(clock))}`, arn: ARN })) as Decision).reason;
    return { authorizer, clock, reason };
  }

  test('loaded at cold start: the first decision waits for it', async () => {
    const server = await startJwksServer(jwksOf(rsa));
    try {
      const { reason } = fetching(server.url);
      expect(await reason(rsa)).toBe('allowed');
      expect(server.hits()).toBe(1);
    } finally {
      await server.close();
    }
  });

  test('an unknown kid refetches the JWKS at most once per jwksRefetchMinIntervalMs', async () => {
    const server = await startJwksServer(jwksOf(rsa));
    try {
      const { authorizer, clock, reason } = fetching(server.url);
      await authorizer.ready();
      expect(server.hits()).toBe(1);
      const rotated = makeKey('RS256', 'rsa-2');
      // within the interval of the cold-start fetch: no refetch
      expect(await reason(rotated)).toBe('unknown_kid');
      expect(server.hits()).toBe(1);
      clock.advance(10_000);
      expect(await reason(rotated)).toBe('unknown_kid'); // refetched, still not published
      expect(server.hits()).toBe(2);
      server.set(jwksOf(rsa, rotated));
      expect(await reason(rotated)).toBe('unknown_kid'); // published, but the interval has not passed
      expect(server.hits()).toBe(2);
      clock.advance(10_000);
      // concurrent decisions share one fetch
      const both = await Promise.all([reason(rotated), reason(rotated)]);
      expect(both).toEqual(['allowed', 'allowed']);
      expect(server.hits()).toBe(3);
      expect(await reason(rsa)).toBe('allowed');
    } finally {
      await server.close();
    }
  });

  test('a failing or unusable JWKS endpoint keeps the last good keys', async () => {
    const server = await startJwksServer(jwksOf(rsa));
    try {
      const { authorizer, clock, reason } = fetching(server.url);
      await authorizer.ready();
      server.fail(503);
      clock.advance(10_000);
      expect(await reason(stranger)).toBe('unknown_kid'); // refetch failed
      expect(server.hits()).toBe(2);
      expect(await reason(rsa)).toBe('allowed');
      server.set({ keys: [{ kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' }] }); // nothing we would trust
      clock.advance(10_000);
      expect(await reason(stranger)).toBe('unknown_kid');
      expect(server.hits()).toBe(3);
      expect(await reason(rsa)).toBe('allowed');
    } finally {
      await server.close();
    }
  });

  test('an endpoint that is down at cold start denies (fail closed), then recovers', async () => {
    const server = await startJwksServer(jwksOf(rsa));
    server.fail(500);
    try {
      const { clock, reason } = fetching(server.url);
      expect(await reason(rsa)).toBe('jwks_unavailable'); // no keys at all: the JWKS, not the token, is the problem
      server.set(jwksOf(rsa));
      clock.advance(10_000);
      expect(await reason(rsa)).toBe('allowed');
    } finally {
      await server.close();
    }
  });

  test('a key removed from the JWKS stops being trusted once the keys are refreshed, cached tokens included', async () => {
    const server = await startJwksServer(jwksOf(rsa, ec));
    try {
      const { authorizer, clock } = fetching(server.url);
      const token = mint(ec, seconds(clock), { claims: { exp: seconds(clock) + 3600 } });
      const decideToken = async () => ((await authorizer.decide({ authorization: `Bearer ${token}`, arn: ARN })) as Decision).reason;
      expect(await decideToken()).toBe('allowed');
      server.set(jwksOf(rsa)); // ec retired
      clock.advance(300_000); // the JWKS max-age (jwksCacheSeconds)
      expect(await decideToken()).toBe('allowed'); // answered from the current keys; starts the background refresh
      await authorizer.ready();
      expect(server.hits()).toBe(2);
      expect(await decideToken()).toBe('unknown_kid');
    } finally {
      await server.close();
    }
  });
});
