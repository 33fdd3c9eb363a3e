/**
 * private_key_jwt (RFC 7523 §2.2/§3, OIDC Core §9) at the token, revoke and introspect endpoints, with assertions
 * signed by jose: what is accepted, and every way an assertion is refused — each the same 401 invalid_client, the
 * reason only in the audit event.
 */
import { createPublicKey } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { handleDiscoveryRequest } from '../../lib/endpoints/discovery';
import { handleIntrospectionRequest } from '../../lib/endpoints/introspect';
import { handleRevocationRequest } from '../../lib/endpoints/revoke';
import { handleTokenRequest } from '../../lib/endpoints/token';
import { ClientLockout } from '../../lib/lockout/lockout';
import { lockoutPolicy } from '../../lib/lockout/policy';
import { assertionForm, clientKey, jwksOf, signAssertion, testClientAuthServices, tokenEndpointOf, type AssertionAlg, type ClientKey } from '../../testkit/client-assertions';
import { MemoryLockoutStore } from '../../testkit/memory/lockout-store';
import { MemoryRevocationStore } from '../../testkit/memory/revocation-store';
import { hmacJwt, unsignedJwt } from '../../testkit/stack-tokens';
import { basic, formRequest, responseBody, tokenFixture } from '../../testkit/token-fixture';

const INVALID_CLIENT = { error: 'invalid_client', error_description: 'Client authentication failed' };

async function world(opts: { alg?: AssertionAlg; keys?: ClientKey[] } = {}) {
  const f = await tokenFixture();
  const key = clientKey(opts.alg ?? 'ES256');
  const services = testClientAuthServices(f.config, { clock: f.clock });
  f.deps.clientAuth = services;
  const { client, secret } = await f.admin.create({
    name: 'signer',
    scopes: ['read:data', 'write:data'],
    defaultScopes: ['read:data'],
    authMethod: 'private_key_jwt',
    jwks: JSON.stringify(jwksOf(...(opts.keys ?? [key]))),
  });
  const id = client.clientId;
  const aud = tokenEndpointOf(f.config);
  const assertion = (o: Parameters<typeof signAssertion>[4] = {}, k = key) => signAssertion(k, id, aud, f.clock.now(), o);
  const call = (a: string, extra = '', headers: Record<string, string> = {}) =>
    handleTokenRequest(formRequest(`grant_type=client_credentials&${assertionForm(a)}${extra}`, headers), f.deps);
  const refused = async (a: string, reason: string, extra = '') => {
    const res = await call(a, extra);
    expect({ status: res.statusCode, body: responseBody(res), www: res.headers['WWW-Authenticate'] }).toEqual({
      status: 401,
      body: INVALID_CLIENT,
      www: expect.stringMatching(/^Basic realm="portcullis"/),
    });
    expect(f.audit.events.at(-1)).toMatchObject({ event: 'token.denied', outcome: 'failure', reason, detail: { error: 'invalid_client' } });
  };
  return { ...f, key, services, client, secret, id, aud, assertion, call, refused };
}

describe('a valid assertion', () => {
  test.each(['RS256', 'PS256', 'ES256', 'EdDSA'] as const)('%s: a token for the client, audited as private_key_jwt', async (alg) => {
    const w = await world({ alg });
    const res = await w.call(await w.assertion());
    expect(res.statusCode).toBe(200);
    const body = responseBody(res);
    expect(body.scope).toBe('read:data');
    const { payload } = await jwtVerify(body.access_token, createLocalJWKSet(await w.deps.keyRing.jwks()), {
      issuer: w.config.issuer,
      audience: w.config.audience,
      currentDate: new Date(w.clock.now()),
    });
    expect(payload).toMatchObject({ sub: w.id, client_id: w.id });
    expect(w.audit.events.at(-1)).toMatchObject({ event: 'token.issued', client_id: w.id, detail: { auth_method: 'private_key_jwt' } });
  });

  test('aud may be the issuer instead of the token endpoint URL; client_id may be sent if it matches; kid and iat may be absent', async () => {
    const w = await world();
    expect((await w.call(await w.assertion({ claims: { aud: w.config.issuer } }))).statusCode).toBe(200);
    expect((await w.call(await w.assertion(), `&client_id=${w.id}`)).statusCode).toBe(200);
    expect((await w.call(await w.assertion({ header: { kid: undefined }, claims: { iat: undefined } }))).statusCode).toBe(200);
    expect((await w.call(await w.assertion({ header: { typ: 'JWT' } }))).statusCode).toBe(200);
  });

  test('nbf and iat are honoured with the clock skew; exp up to 5 minutes (plus skew) ahead', async () => {
    const w = await world();
    const now = Math.floor(w.clock.now() / 1000);
    expect((await w.call(await w.assertion({ claims: { iat: now + 20, nbf: now + 20, exp: now + 300 } }))).statusCode).toBe(200);
    expect((await w.call(await w.assertion({ claims: { exp: now - 10 } }))).statusCode).toBe(200); // within the 30 s skew
    await w.refused(await w.assertion({ claims: { nbf: now + 31 } }), 'assertion_not_yet_valid');
    await w.refused(await w.assertion({ claims: { iat: now + 31 } }), 'assertion_iat_in_future');
    await w.refused(await w.assertion({ claims: { exp: now + 331 } }), 'assertion_exp_too_far');
  });

  test('the assertion costs one store write (the jti) and no client or key read beyond the cache', async () => {
    const w = await world();
    const jtis = w.services.assertions.jtis as unknown as { writes: number };
    await w.call(await w.assertion());
    const reads = w.store.reads;
    for (let i = 0; i < 3; i++) expect((await w.call(await w.assertion())).statusCode).toBe(200);
    expect(jtis.writes).toBe(4);
    expect(w.store.reads).toBe(reads);
  });
});

describe('refused, always 401 invalid_client, the reason in the audit event only', () => {
  test('replay: the same assertion twice', async () => {
    const w = await world();
    const a = await w.assertion();
    expect((await w.call(a)).statusCode).toBe(200);
    await w.refused(a, 'assertion_replayed');
    w.clock.advance(20_000);
    await w.refused(a, 'assertion_replayed');
  });

  test('an expired assertion (exp + skew passed)', async () => {
    const w = await world();
    const now = Math.floor(w.clock.now() / 1000);
    await w.refused(await w.assertion({ claims: { iat: now - 100, exp: now - 30 } }), 'assertion_expired');
  });

  test('the wrong aud: another server, the issuer with a trailing slash, a list holding ours, missing', async () => {
    const w = await world();
    for (const aud of ['https://other.example/oauth2/token', `${w.config.issuer}/`, [w.aud], [w.aud, 'https://other.example']]) {
      await w.refused(await w.assertion({ claims: { aud } }), 'assertion_wrong_audience');
    }
    await w.refused(await w.assertion({ claims: { aud: undefined } }), 'assertion_missing_claim');
  });

  test('iss and sub must both be the client id', async () => {
    const w = await world();
    await w.refused(await w.assertion({ claims: { iss: 'someone-else' } }), 'assertion_wrong_issuer');
    const other = await w.admin.create({ name: 'other', scopes: ['read:data'] });
    // sub names the client to authenticate; iss still the first: refused
    await w.refused(await signAssertion(w.key, w.id, w.aud, w.clock.now(), { claims: { sub: other.client.clientId } }), 'auth_method_not_registered');
  });

  test('the wrong key: signed by another key under the registered kid', async () => {
    const w = await world();
    const impostor = { ...clientKey('ES256', w.key.kid, 'impostor') };
    await w.refused(await w.assertion({}, impostor), 'assertion_bad_signature');
  });

  test('alg none, in any spelling', async () => {
    const w = await world();
    const now = Math.floor(w.clock.now() / 1000);
    for (const alg of ['none', 'None', 'NONE']) {
      await w.refused(unsignedJwt({ alg, kid: w.key.kid }, { iss: w.id, sub: w.id, aud: w.aud, iat: now, exp: now + 60, jti: `n-${alg}` }), 'assertion_unsupported_alg');
    }
  });

  test('HS256 keyed with the client\'s public key (PEM, DER, JWK JSON) is refused before any key is looked at', async () => {
    const w = await world({ alg: 'RS256' });
    const now = Math.floor(w.clock.now() / 1000);
    const pub = createPublicKey(w.key.privateKey);
    const secrets = [pub.export({ format: 'pem', type: 'spki' }), pub.export({ format: 'der', type: 'spki' }), JSON.stringify(w.key.publicJwk)];
    for (const [i, secret] of secrets.entries()) {
      for (const alg of ['HS256', 'HS384', 'HS512']) {
        const hash = `sha${alg.slice(2)}`;
        const t = hmacJwt({ alg, kid: w.key.kid }, { iss: w.id, sub: w.id, aud: w.aud, iat: now, exp: now + 60, jti: `h-${i}-${alg}` }, secret, hash);
        await w.refused(t, 'assertion_unsupported_alg');
      }
    }
  });

  test('a kid not in the client\'s JWKS; an alg its key is not bound to', async () => {
    const w = await world();
    await w.refused(await w.assertion({ header: { kid: 'not-registered' } }), 'assertion_unknown_kid');
    const rsa = clientKey('RS256', w.key.kid, 'rsa-as-ec');
    await w.refused(await w.assertion({}, rsa), 'assertion_alg_mismatch');
  });

  test('an access token, or any JWT of another kind, is not an assertion (typ)', async () => {
    const w = await world();
    await w.refused(await w.assertion({ header: { typ: 'at+jwt' } }), 'assertion_wrong_typ');
    await w.refused(await w.assertion({ header: { jku: 'https://attacker.example/jwks' } }), 'assertion_forbidden_header');
  });

  test('client_assertion_type must be exactly the jwt-bearer URN; client_id must match the assertion', async () => {
    const w = await world();
    const a = await w.assertion();
    for (const [body, reason] of [
      [`grant_type=client_credentials&client_assertion=${a}`, 'missing_assertion_type'],
      [`grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer%20&client_assertion=${a}`, 'unsupported_assertion_type'],
      [`grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Asaml2-bearer&client_assertion=${a}`, 'unsupported_assertion_type'],
      [`grant_type=client_credentials&${assertionForm(a)}&client_id=other`, 'assertion_client_id_mismatch'],
      [`grant_type=client_credentials&${assertionForm('not.a.jwt')}`, 'assertion_malformed'],
    ]) {
      const res = await handleTokenRequest(formRequest(body), w.deps);
      expect({ status: res.statusCode, body: responseBody(res) }).toEqual({ status: 401, body: INVALID_CLIENT });
      expect(w.audit.events.at(-1)?.reason).toBe(reason);
    }
    // Another authentication method as well: one method per request.
    const both = await w.call(a, '', { Authorization: basic(w.id, 'x') });
    expect(responseBody(both).error).toBe('invalid_request');
  });

  test('the methods do not cross: a secret client cannot send assertions, a private_key_jwt client has no secret', async () => {
    const w = await world();
    const secretClient = await w.admin.create({ name: 'secret', scopes: ['read:data'] });
    await w.refused(await signAssertion(w.key, secretClient.client.clientId, w.aud, w.clock.now()), 'auth_method_not_registered');
    expect(w.secret).toBe('');
    expect(w.client.secrets).toEqual([]);
    for (const s of ['', 'x'.repeat(43)]) {
      const res = await handleTokenRequest(formRequest('grant_type=client_credentials', { Authorization: basic(w.id, s || 'y') }), w.deps);
      expect(res.statusCode).toBe(401);
    }
  });

  test('a disabled client with a valid assertion: client_disabled, and its jti is not spent', async () => {
    const w = await world();
    await w.admin.setStatus(w.id, 'disabled');
    w.deps.clients.invalidate(w.id);
    const jtis = w.services.assertions.jtis as unknown as { writes: number };
    await w.refused(await w.assertion(), 'client_disabled');
    expect(jtis.writes).toBe(0);
  });

  test('the jti store failing is 503 temporarily_unavailable, never a 500 or a pass', async () => {
    const w = await world();
    (w.services.assertions.jtis as unknown as { failWith?: Error }).failWith = new Error('DynamoDB down');
    const res = await w.call(await w.assertion());
    expect(res.statusCode).toBe(503);
    expect(responseBody(res).error).toBe('temporarily_unavailable');
    expect(res.headers['Retry-After']).toBeDefined();
  });
});

test('the client\'s lockout applies: bad signatures count; during the lock even a valid assertion gets 429', async () => {
  const w = await world();
  w.deps.lockout = new ClientLockout(new MemoryLockoutStore(), { policy: lockoutPolicy(w.config), cacheTtlMs: w.config.clientCacheTtlMs, clock: w.clock, audit: w.audit });
  const impostor = clientKey('ES256', w.key.kid, 'impostor');
  for (let i = 0; i < 5; i++) expect((await w.call(await w.assertion({}, impostor))).statusCode).toBe(401);
  const locked = await w.call(await w.assertion({}, impostor));
  expect(locked.statusCode).toBe(429);
  expect(w.audit.events.some((e) => e.event === 'client.locked_out' && e.client_id === w.id)).toBe(true);
  const during = await w.call(await w.assertion());
  expect({ status: during.statusCode, error: responseBody(during).error, retry: Number(during.headers['Retry-After']) }).toEqual({ status: 429, error: 'invalid_client', retry: 1 });
  w.clock.advance(1_000);
  expect((await w.call(await w.assertion())).statusCode).toBe(200);
});

test('revoke and introspect authenticate with private_key_jwt too (same audiences)', async () => {
  const w = await world();
  const token = responseBody(await w.call(await w.assertion())).access_token as string;
  const deps = { ...w.deps, revocations: new MemoryRevocationStore({ clockSkewSeconds: 30, maxTokenLifetimeSeconds: 86_400 }, w.clock) };
  const form = async (extra: string) => formRequest(`token=${token}&${assertionForm(await w.assertion())}${extra}`);
  const active = await handleIntrospectionRequest(await form(''), deps);
  expect(responseBody(active)).toMatchObject({ active: true, client_id: w.id });
  expect((await handleRevocationRequest(await form(''), deps)).statusCode).toBe(200);
  expect(responseBody(await handleIntrospectionRequest(await form(''), deps))).toEqual({ active: false });
  const replay = await w.assertion();
  await handleIntrospectionRequest(formRequest(`token=${token}&${assertionForm(replay)}`), deps);
  const again = await handleRevocationRequest(formRequest(`token=${token}&${assertionForm(replay)}`), deps);
  expect({ status: again.statusCode, error: responseBody(again).error }).toEqual({ status: 401, error: 'invalid_client' });
  expect(w.audit.events.at(-1)).toMatchObject({ event: 'token.revoked', outcome: 'failure', reason: 'assertion_replayed' });
});

test('metadata lists private_key_jwt and the assertion algorithms at every endpoint that authenticates clients', async () => {
  const w = await world();
  const meta = responseBody(await handleDiscoveryRequest(w.config));
  for (const ep of ['token_endpoint', 'revocation_endpoint', 'introspection_endpoint']) {
    // public clients (`none`) may use the token and revocation endpoints, never introspection
    expect(meta[`${ep}_auth_methods_supported`]).toEqual(['client_secret_basic', 'client_secret_post', 'private_key_jwt', ...(ep === 'introspection_endpoint' ? [] : ['none'])]);
    expect(meta[`${ep}_auth_signing_alg_values_supported`]).toEqual(['RS256', 'PS256', 'ES256', 'EdDSA']);
  }
  expect(meta.token_endpoint).toBe(w.aud);
});
