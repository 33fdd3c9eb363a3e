/** `explain --route`: the route row and the verdict (the authorizer's decision core) agree on path spellings. */
import type { Jwks } from 'aws-jwt-verify/jwk';
import { routeChecks } from '../../infra/cli/troubleshoot/route-check';
import { authorizerAnswer } from '../../infra/cli/troubleshoot/verdict';
import { makeKey, mint, realNowClock, RecordingRevocation, seconds, type TestKey } from '../../testkit/authorizer-fixtures';
import { testConfig } from '../../testkit/config';

const ROUTES = { 'GET /users/{id}': 'users:read', 'GET /users/{id}/admin': 'admin' };
const CATALOGUE = { 'users:read': 'r', admin: 'a' };

let key: TestKey;
beforeAll(() => {
  key = makeKey('RS256', 'route-check-key');
});

async function explainRoute(path: string, ttl: string) {
  const config = testConfig({ routes: ROUTES, scopes: CATALOGUE, env: { PORTCULLIS_AUTHORIZER_CACHE_SECONDS: ttl } });
  const clock = realNowClock();
  const token = mint(key, seconds(clock), { claims: { scope: 'users:read' } });
  const keys = { jwks: { keys: [key.jwk] } as unknown as Jwks, source: 'test', fetched: false, notes: [] };
  const verdict = await authorizerAnswer(token, config, { keys, revocation: new RecordingRevocation(), clock, route: { method: 'GET', path } });
  const [route] = routeChecks(config.routes, { method: 'GET', path }, ['users:read'], config.authorizerCacheSeconds);
  return { verdict, route };
}

test('with an authorizer result cache, a non-canonical spelling fails the route row for the reason the authorizer gives', async () => {
  for (const path of ['/users/7/', '/users//7', '/users/7%2Fadmin', '/users/7/admin/.']) {
    const { verdict, route } = await explainRoute(path, '60');
    expect(verdict).toMatchObject({ reason: 'non_canonical_path', status: 403 });
    expect(route).toMatchObject({ name: 'route', status: 'fail', reason: 'non_canonical_path' });
    expect(route.detail).toContain('authorizerCacheSeconds 60');
  }
  const canonical = await explainRoute('/users/7', '60');
  expect(canonical.verdict.reason).toBe('allowed');
  expect(canonical.route.status).toBe('pass');
});

test('without a cache the spelling is not checked: a trailing slash reaches the route, as before', async () => {
  const { verdict, route } = await explainRoute('/users/7/', '0');
  expect(verdict.reason).toBe('allowed');
  expect(route).toMatchObject({ status: 'pass', detail: 'GET /users/7/ is the table\'s route GET /users/{id}' });
});
