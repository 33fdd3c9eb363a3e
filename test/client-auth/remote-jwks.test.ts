/**
 * private_key_jwt with a remote JWKS (`--jwks-uri`), served from a local test server: cached, one refetch a minute
 * at most for an unknown kid, and bounded — a slow, trickling, huge, redirecting or failing server costs one
 * bounded fetch and the client gets invalid_client (`jwks_unavailable`), never a hang or a 500.
 */
import { handleTokenRequest } from '../../lib/endpoints/token';
import { assertionForm, clientKey, jwksOf, signAssertion, startClientJwksServer, testClientAuthServices, tokenEndpointOf } from '../../testkit/client-assertions';
import { formRequest, responseBody, tokenFixture } from '../../testkit/token-fixture';

const FETCH_TIMEOUT_MS = 300;
let server: Awaited<ReturnType<typeof startClientJwksServer>>;
const k1 = clientKey('ES256', 'k1');
const k2 = clientKey('ES256', 'k2', 'second');

beforeEach(async () => {
  server = await startClientJwksServer(jwksOf(k1));
});
afterEach(() => server.close());

async function world(uri = server.url) {
  const f = await tokenFixture();
  const errors: string[] = [];
  f.deps.clientAuth = testClientAuthServices(f.config, { clock: f.clock, keys: { fetchTimeoutMs: FETCH_TIMEOUT_MS, onFetchError: (_u, e) => errors.push(String((e as Error).message)) } });
  const { client } = await f.admin.create({ name: 'remote', scopes: ['read:data'], authMethod: 'private_key_jwt', jwksUri: uri });
  const aud = tokenEndpointOf(f.config);
  const call = async (key = k1, header: Record<string, unknown> = {}) => {
    const a = await signAssertion(key, client.clientId, aud, f.clock.now(), { header });
    const started = Date.now();
    const res = await handleTokenRequest(formRequest(`grant_type=client_credentials&${assertionForm(a)}`), f.deps);
    return { status: res.statusCode, body: responseBody(res), reason: f.audit.events.at(-1)?.reason, ms: Date.now() - started };
  };
  return { ...f, client, call, errors };
}

test('the keys are fetched once and cached; after the cache lifetime they are fetched again', async () => {
  const w = await world();
  for (let i = 0; i < 3; i++) expect((await w.call()).status).toBe(200);
  expect(server.hits()).toBe(1);
  w.clock.advance(300_000);
  expect((await w.call()).status).toBe(200);
  expect(server.hits()).toBe(2);
});

test('a new kid (the client rotated): one refetch, then at most one a minute however many unknown kids arrive', async () => {
  const w = await world();
  expect((await w.call()).status).toBe(200);
  server.set(jwksOf(k1, k2));
  w.clock.advance(61_000);
  expect((await w.call(k2)).status).toBe(200);
  expect(server.hits()).toBe(2);
  for (let i = 0; i < 5; i++) expect((await w.call(k1, { kid: `unknown-${i}` })).reason).toBe('assertion_unknown_kid');
  expect(server.hits()).toBe(2);
  w.clock.advance(60_000);
  expect((await w.call(k1, { kid: 'unknown-later' })).reason).toBe('assertion_unknown_kid');
  expect(server.hits()).toBe(3);
});

test('a kid that appears within the minute after a fetch waits for the next allowed refetch', async () => {
  const w = await world();
  expect((await w.call()).status).toBe(200);
  server.set(jwksOf(k1, k2));
  expect((await w.call(k2)).reason).toBe('assertion_unknown_kid');
  w.clock.advance(60_000);
  expect((await w.call(k2)).status).toBe(200);
});

describe.each([
  ['slow (answers after the timeout)', { kind: 'slow', delayMs: 5_000 }],
  ['trickling (one byte at a time, never idle long enough to time out)', { kind: 'trickle', intervalMs: 50 }],
  ['huge (over 64 KiB)', { kind: 'huge', bytes: 70 * 1024 }],
  ['redirecting (302 to a good JWKS)', { kind: 'redirect', to: '/elsewhere' }],
  ['down (500)', { kind: 'status', status: 500 }],
  ['not found (404)', { kind: 'status', status: 404 }],
] as const)('a remote JWKS that is %s', (_name, behaviour) => {
  test('→ 401 invalid_client (jwks_unavailable) within the fetch timeout; no retry before the back-off', async () => {
    server.behave(behaviour);
    const w = await world();
    const first = await w.call();
    expect({ status: first.status, body: first.body, reason: first.reason }).toEqual({
      status: 401,
      body: { error: 'invalid_client', error_description: 'Client authentication failed' },
      reason: 'jwks_unavailable',
    });
    expect(first.ms).toBeLessThan(FETCH_TIMEOUT_MS + 1_000);
    expect(w.errors).toHaveLength(1);
    const second = await w.call();
    expect(second.reason).toBe('jwks_unavailable');
    expect(second.ms).toBeLessThan(100); // no new fetch: the failure backs off
    expect(server.hits()).toBe(1);
    expect(server.hits('/elsewhere')).toBe(0); // a redirect is never followed
  });
});

test('a server that fails after a good fetch: the last good keys serve up to the max staleness, then nothing does', async () => {
  const w = await world();
  expect((await w.call()).status).toBe(200);
  server.behave({ kind: 'status', status: 503 });
  w.clock.advance(300_000); // cache expired: a refetch fails, the old keys still serve
  expect((await w.call()).status).toBe(200);
  w.clock.advance(300_000); // 600 s after the last good fetch
  expect((await w.call()).reason).toBe('jwks_unavailable');
  server.behave({ kind: 'ok' });
  w.clock.advance(10_000); // the failure back-off has passed
  expect((await w.call()).status).toBe(200);
});

test('a server that is not there at all (connection refused)', async () => {
  const url = server.url;
  await server.close();
  const w = await world(url);
  expect((await w.call()).reason).toBe('jwks_unavailable');
});

test('keys the client should never have published are skipped: private members, symmetric keys, encryption keys', async () => {
  const priv = { ...(k1.privateKey.export({ format: 'jwk' }) as Record<string, unknown>), kid: 'k1' };
  server.set({ keys: [priv, { kty: 'oct', k: 'c2VjcmV0', kid: 'k1' }, { ...k1.publicJwk, use: 'enc' }] });
  const w = await world();
  expect((await w.call()).reason).toBe('jwks_unavailable');
  server.set({ keys: [priv, { ...k2.publicJwk }] });
  w.clock.advance(300_000);
  expect((await w.call()).reason).toBe('assertion_unknown_kid');
  expect((await w.call(k2)).status).toBe(200);
});
