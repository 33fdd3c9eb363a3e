/**
 * `explain` when the audience is the problem (RFC 8707): a token for another API of this issuer is told apart from
 * a token for an unknown API, with what to request instead, and the verdict is that API's authorizer's own answer.
 */
import { generateKeyPairSync } from 'node:crypto';
import { tokenChecks } from '../../infra/cli/troubleshoot/token-checks';
import { authorizerAnswer } from '../../infra/cli/troubleshoot/verdict';
import { publicJwkOf } from '../../lib/jose/jwk';
import { noRevocation } from '../../lib/revocation/checker';
import { FrozenClock } from '../../testkit/frozen-clock';
import { signJwt } from '../../testkit/stack-tokens';
import { tokenTestConfig } from '../../testkit/token-fixture';

const REPORTS = 'https://reports.example.test';
const config = tokenTestConfig({
  PORTCULLIS_SCOPES: JSON.stringify({ 'read:data': 'r', 'read:reports': 'r' }),
  PORTCULLIS_ROUTES: JSON.stringify({ 'GET /demo/data': 'read:data', 'GET /demo/reports': 'read:reports' }),
  PORTCULLIS_RESOURCES: JSON.stringify({ [REPORTS]: 'read:reports' }),
});
const NOW = Math.floor(Date.now() / 1000); // the verdict's aws-jwt-verify checks exp against the real time
const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const jwk = publicJwkOf(key);
const token = (aud: unknown, scope: string) =>
  signJwt({ alg: 'RS256', typ: 'at+jwt', kid: jwk.kid }, { iss: config.issuer, sub: 'c1', aud, client_id: 'c1', scope, iat: NOW - 10, exp: NOW + 600, jti: `j-${scope}` }, key);
const expectations = (audience: string) => ({ issuer: config.issuer, audience, clockSkewSeconds: 30, defaultAudience: config.audience, resources: config.resources });
const audienceRow = (t: string, audience: string) => tokenChecks(t, expectations(audience), NOW).checks.find((c) => c.name === 'audience')!;

test('a token for the reports API shown to the default API\'s authorizer: says which API it is for and how to get the right one', () => {
  const row = audienceRow(token(REPORTS, 'read:reports'), config.audience);
  expect(row).toMatchObject({ status: 'fail', reason: 'wrong_audience' });
  expect(row.detail).toBe(
    `"${REPORTS}" is another API of this issuer (the resource "${REPORTS}", scopes read:reports); this authorizer protects "${config.audience}", so the token was issued for a different API: request it without resource=`,
  );
});

test('a default-audience token at the reports API\'s authorizer: request it with resource=', () => {
  const row = audienceRow(token(config.audience, 'read:reports'), REPORTS);
  expect(row.detail).toContain('the default audience, for tokens requested without resource=');
  expect(row.detail).toMatch(/request it with resource=https:\/\/reports\.example\.test$/);
  expect(audienceRow(token(REPORTS, 'read:reports'), REPORTS)).toMatchObject({ status: 'pass', detail: expect.stringContaining('scopes read:reports') });
});

test('an API this issuer does not know is still "meant for another API?"', () => {
  expect(audienceRow(token('https://unknown.example', 'read:data'), config.audience).detail).toMatch(/a token meant for another API\?/);
});

test('the verdict is the protecting authorizer\'s: the reports API refuses a default token and allows its own', async () => {
  const keys = { source: 'test keys', fetched: true, notes: [], jwks: { keys: [{ ...jwk }] } };
  const clock = new FrozenClock(NOW * 1000);
  const reportsAuthorizer = { ...config, authorizerAudience: REPORTS };
  const route = { method: 'GET', path: '/demo/reports' };
  expect(await authorizerAnswer(token(config.audience, 'read:reports'), reportsAuthorizer, { keys, revocation: noRevocation, clock, route })).toMatchObject({ reason: 'wrong_audience', status: 401 });
  expect(await authorizerAnswer(token(REPORTS, 'read:reports'), reportsAuthorizer, { keys, revocation: noRevocation, clock, route })).toMatchObject({ reason: 'allowed', status: 200 });
  expect(await authorizerAnswer(token(REPORTS, 'read:reports'), config, { keys, revocation: noRevocation, clock, route })).toMatchObject({ reason: 'wrong_audience' });
});
