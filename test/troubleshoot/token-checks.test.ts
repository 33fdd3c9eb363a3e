/**
 * `explain` tells the key-free checks in words; they must fail exactly where the authorizer's precheck fails,
 * with the same reason code, for every kind of broken token.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { precheck } from '../../lib/jose/precheck';
import { accessTokenExpectations } from '../../lib/tokens/access-token-claims';
import { FileSigner } from '../../lib/keys/file-signer';
import { tokenChecks } from '../../infra/cli/troubleshoot/token-checks';
import { humanDuration, relative } from '../../infra/cli/troubleshoot/durations';
import { hmacJwt, signJwt, unsignedJwt } from '../../testkit/stack-tokens';
import { signatureCheck } from '../../infra/cli/troubleshoot/signature-check';
import { authorizerAnswer } from '../../infra/cli/troubleshoot/verdict';
import { tokenTestConfig } from '../../testkit/token-fixture';
import { FrozenClock } from '../../testkit/frozen-clock';
import { noRevocation } from '../../lib/revocation/checker';

const expect_ = { issuer: 'https://auth.example.test', audience: 'https://api.example.test', clockSkewSeconds: 30 };
const NOW = Date.UTC(2026, 5, 1, 12) / 1000;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const kid = new FileSigner(rsa).kid;

const claims = (over: Record<string, unknown> = {}) => ({
  iss: expect_.issuer,
  sub: 'c1',
  aud: expect_.audience,
  client_id: 'c1',
  scope: 'read:data',
  iat: NOW - 60,
  exp: NOW + 600,
  jti: 'jti-1',
  ...over,
});
const header = (over: Record<string, unknown> = {}) => ({ alg: 'RS256', typ: 'at+jwt', kid, ...over });
const good = () => signJwt(header(), claims(), rsa);
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const withoutClaim = (name: string) => {
  const c: Record<string, unknown> = claims();
  delete c[name];
  return signJwt(header(), c, rsa);
};

const cases: Array<[string, () => string]> = [
  ['a valid token', good],
  ['not a JWT', () => 'abc'],
  ['four parts', () => `${good()}.x`],
  ['a header that is not JSON', () => `${b64('nope')}.${b64(claims())}.sig`],
  ['alg none', () => unsignedJwt(header({ alg: 'none' }), claims())],
  ['HS256 with the public key as secret', () => hmacJwt(header({ alg: 'HS256' }), claims(), 'secret')],
  ['typ JWT (an ID token)', () => signJwt(header({ typ: 'JWT' }), claims(), rsa)],
  ['no typ', () => signJwt({ alg: 'RS256', kid }, claims(), rsa)],
  ['a jku header', () => signJwt(header({ jku: 'https://evil.example/jwks' }), claims(), rsa)],
  ['no kid', () => signJwt({ alg: 'RS256', typ: 'at+jwt' }, claims(), rsa)],
  ['an empty signature', () => `${b64(header())}.${b64(claims())}.`],
  ['a signature with a stray character', () => `${good()}A`],
  ['ES256 with a DER signature', () => `${b64(header({ alg: 'ES256' }))}.${b64(claims())}.${sign('sha256', Buffer.from('x'), ec).toString('base64url')}`],
  ['a payload that is not JSON', () => `${b64(header())}.${b64('nope')}.c2ln`],
  ['no jti', () => withoutClaim('jti')],
  ['no scope', () => withoutClaim('scope')],
  ['exp as a string', () => signJwt(header(), claims({ exp: String(NOW + 600) }), rsa)],
  ['another issuer', () => signJwt(header(), claims({ iss: `${expect_.issuer}/` }), rsa)],
  ['an audience list', () => signJwt(header(), claims({ aud: [expect_.audience] }), rsa)],
  ['another audience', () => signJwt(header(), claims({ aud: 'https://other.example' }), rsa)],
  ['expired 5 min ago', () => signJwt(header(), claims({ exp: NOW - 300 }), rsa)],
  ['expired within the skew', () => signJwt(header(), claims({ exp: NOW - 10 }), rsa)],
  ['not valid for another 2 min', () => signJwt(header(), claims({ nbf: NOW + 120 }), rsa)],
  ['issued in the future', () => signJwt(header(), claims({ iat: NOW + 300 }), rsa)],
  ['too long', () => signJwt(header(), claims({ pad: 'x'.repeat(9000) }), rsa)],
];

test.each(cases)('%s: the first failing check has precheck\'s reason', (_name, make) => {
  const token = make();
  const pre = precheck(token, accessTokenExpectations(expect_), NOW);
  const rows = tokenChecks(token, expect_, NOW).checks;
  const firstFail = rows.find((c) => c.status === 'fail');
  expect(firstFail?.reason).toBe(typeof pre === 'string' ? pre : undefined);
  // Every row is a plain-words sentence; none repeats the token.
  for (const r of rows) {
    expect(r.detail.length).toBeGreaterThan(5);
    expect(r.detail).not.toContain(token);
  }
});

test('the times row says how long ago a token expired, and how long until it becomes valid', () => {
  const expired = tokenChecks(signJwt(header(), claims({ exp: NOW - 300 }), rsa), expect_, NOW).checks.find((c) => c.name === 'times')!;
  expect(expired.detail).toMatch(/^expired 5 min ago/);
  expect(expired.detail).toContain('30 s of clock skew');
  const early = tokenChecks(signJwt(header(), claims({ nbf: NOW + 120 }), rsa), expect_, NOW).checks.find((c) => c.name === 'times')!;
  expect(early.detail).toMatch(/^not valid for another 2 min/);
  const graced = tokenChecks(signJwt(header(), claims({ exp: NOW - 10 }), rsa), expect_, NOW).checks.find((c) => c.name === 'times')!;
  expect(graced.status).toBe('pass');
  expect(graced.notes!.join(' ')).toContain('still accepted for 20 s');
});

test('rows after a failure are still evaluated, so everything wrong is shown', () => {
  const token = signJwt(header({ typ: 'JWT' }), claims({ aud: 'https://other.example', exp: NOW - 3600 }), rsa);
  const byName = Object.fromEntries(tokenChecks(token, expect_, NOW).checks.map((c) => [c.name, c]));
  expect(byName.header.reason).toBe('wrong_typ');
  expect(byName.audience.reason).toBe('wrong_audience');
  expect(byName.times.reason).toBe('expired');
});

test('an unknown issuer is a warning, not a comparison', () => {
  const row = tokenChecks(good(), expect_, NOW, false).checks.find((c) => c.name === 'issuer')!;
  expect(row.status).toBe('warn');
  expect(row.detail).toContain('--issuer');
});

test('durations in words', () => {
  expect(humanDuration(45)).toBe('45 s');
  expect(humanDuration(300)).toBe('5 min');
  expect(humanDuration(7200)).toBe('2 h');
  expect(humanDuration(3 * 86_400)).toBe('3 days');
  expect(relative(NOW - 300, NOW)).toBe('5 min ago');
  expect(relative(NOW + 120, NOW)).toBe('in 2 min');
});

test('no trusted keys at all (JWKS unreadable, key store publishes none): the signature row and the verdict both say jwks_unavailable', async () => {
  const token = good();
  const keys = { source: "the key store's published keys", fetched: false, notes: [] };
  const row = signatureCheck(token, tokenChecks(token, expect_, NOW).decoded, keys, NOW);
  expect(row).toMatchObject({ status: 'fail', reason: 'jwks_unavailable' });
  const config = tokenTestConfig({ PORTCULLIS_ISSUER: expect_.issuer, PORTCULLIS_AUDIENCE: expect_.audience });
  const answer = await authorizerAnswer(token, config, { keys, revocation: noRevocation, clock: new FrozenClock(NOW * 1000) });
  expect(answer).toMatchObject({ reason: 'jwks_unavailable', status: 401 });
});
