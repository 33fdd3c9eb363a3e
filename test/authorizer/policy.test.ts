/** Route table → IAM policy ARNs, API Gateway route precedence, and cache safety of the policies. */
import type { Decision } from '../../lib/authorizer/decide';
import { compileRoutes, parseMethodArn, RouteTable } from '../../lib/authorizer/routes';
import { harness, iamAllows, makeKey, mint, PREFIX, type Harness, type TestKey } from '../../testkit/authorizer-fixtures';
import { testConfig } from '../../testkit/config';

let key: TestKey;
beforeAll(() => {
  key = makeKey('RS256', 'policy-key');
});

const arnOf = (method: string, path: string) => `${PREFIX}${method}${path}`;

function authorizerFor(routes: Record<string, unknown>, scopes: string[], log?: (m: string, d?: Record<string, unknown>) => void, env: Record<string, string> = {}): Harness {
  const catalogue = Object.fromEntries(scopes.map((s) => [s, s]));
  return harness({ config: testConfig({ routes, scopes: catalogue, env }), keys: [key], deps: log ? { log } : {} });
}

async function policyFor(h: Harness, scope: string, method: string, resource: string, path = resource): Promise<Decision> {
  const token = mint(key, h.now(), { claims: { scope } });
  return h.authorizer.decide({ authorization: `Bearer ${token}`, arn: arnOf(method, path), method, resource, path });
}

const allowOf = (d: Decision) => (d.status === 401 ? [] : d.policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Resource));
const denyOf = (d: Decision) => (d.status === 401 ? [] : d.policy.Statement.filter((s) => s.Effect === 'Deny').flatMap((s) => s.Resource));

describe('policy ARNs', () => {
  test('the demo table: the token is allowed exactly the routes its scopes satisfy, on this API and stage', async () => {
    const h = authorizerFor({ 'GET /demo/data': 'read:data', 'POST /demo/data': 'write:data' }, ['read:data', 'write:data']);
    const read = await policyFor(h, 'read:data', 'GET', '/demo/data');
    expect(read.effect).toBe('Allow');
    expect(allowOf(read)).toEqual([arnOf('GET', '/demo/data')]);
    expect(denyOf(read)).toEqual([]);
    const both = await policyFor(h, 'write:data read:data', 'POST', '/demo/data');
    expect(allowOf(both).sort()).toEqual([arnOf('GET', '/demo/data'), arnOf('POST', '/demo/data')]);
  });

  test('path parameters and greedy variables become *, ANY becomes the seven methods', async () => {
    const h = authorizerFor(
      { 'GET /users/{id}': 'users', 'DELETE /users/{id}/keys/{keyId}': 'users', 'ANY /admin/{proxy+}': 'users', 'GET /': 'users' },
      ['users'],
    );
    const d = await policyFor(h, 'users', 'GET', '/users/{id}', '/users/7');
    expect(allowOf(d).sort()).toEqual(
      [
        arnOf('GET', '/users/*'),
        arnOf('DELETE', '/users/*/keys/*'),
        ...['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'].map((m) => arnOf(m, '/admin/*')),
        arnOf('GET', '/'),
      ].sort(),
    );
  });

  test('match "any" needs one of the scopes, "all" needs every one; a route with no scopes needs a valid token only', async () => {
    const routes = {
      'POST /reports': { scopes: ['reports:write', 'admin'], match: 'any' },
      'DELETE /reports': { scopes: ['reports:write', 'admin'], match: 'all' },
      'GET /health': [],
    };
    const h = authorizerFor(routes, ['reports:write', 'admin']);
    expect(allowOf(await policyFor(h, 'admin', 'GET', '/health')).sort()).toEqual([arnOf('GET', '/health'), arnOf('POST', '/reports')]);
    expect(allowOf(await policyFor(h, '', 'GET', '/health'))).toEqual([arnOf('GET', '/health')]);
    expect(allowOf(await policyFor(h, 'admin reports:write', 'GET', '/health')).sort()).toEqual(
      [arnOf('DELETE', '/reports'), arnOf('GET', '/health'), arnOf('POST', '/reports')].sort(),
    );
  });

  test('a wildcard that also matches a more specific route the token may not use gets an explicit Deny', async () => {
    const h = authorizerFor({ 'GET /files/{proxy+}': 'files:read', 'GET /files/secret': 'admin', 'GET /users/{id}': 'users', 'GET /users/{id}/orders': 'orders' }, [
      'files:read',
      'admin',
      'users',
      'orders',
    ]);
    const d = await policyFor(h, 'files:read users', 'GET', '/files/{proxy+}', '/files/a/b');
    expect(allowOf(d).sort()).toEqual([arnOf('GET', '/files/*'), arnOf('GET', '/users/*')]);
    expect(denyOf(d).sort()).toEqual([arnOf('GET', '/files/secret'), arnOf('GET', '/users/*/orders')]);
  });

  test('no route allowed: a Deny of the whole stage', async () => {
    const h = authorizerFor({ 'GET /demo/data': 'read:data' }, ['read:data', 'other']);
    const d = await policyFor(h, 'other', 'GET', '/demo/data');
    expect(d).toMatchObject({ effect: 'Deny', status: 403, reason: 'insufficient_scope' });
    expect(allowOf(d)).toEqual([]);
    expect(denyOf(d)).toContain(`${PREFIX}*`);
  });
});

describe('cache safety: the policy returned for one request is the right answer for every request', () => {
  const routes = {
    'GET /users/{id}': 'users:read',
    'DELETE /users/{id}': 'users:write',
    'GET /users/{id}/orders': 'orders:read',
    'GET /users/me': ['users:read', 'orders:read'],
    'ANY /admin/{proxy+}': 'admin',
    'GET /files/{proxy+}': 'files:read',
    'GET /files/secret': 'admin',
    'POST /reports': { scopes: ['reports:write', 'admin'], match: 'any' },
    'ANY /things': 'admin',
    'GET /things': 'users:read',
    'GET /': [],
  };
  const scopes = ['users:read', 'users:write', 'orders:read', 'admin', 'files:read', 'reports:write'];
  /** request → the route API Gateway routes it to (by its own rules, written out by hand) */
  const requests: Array<[method: string, path: string, resource: string]> = [
    ['GET', '/users/42', '/users/{id}'],
    ['DELETE', '/users/42', '/users/{id}'],
    ['GET', '/users/42/orders', '/users/{id}/orders'],
    ['GET', '/users/me', '/users/me'],
    ['GET', '/users/me/orders', '/users/{id}/orders'],
    ['POST', '/admin/a/b', '/admin/{proxy+}'],
    ['GET', '/admin/x', '/admin/{proxy+}'],
    ['GET', '/files/a/b.txt', '/files/{proxy+}'],
    ['GET', '/files/secret', '/files/secret'],
    ['GET', '/files/secret/x', '/files/{proxy+}'],
    ['POST', '/reports', '/reports'],
    ['GET', '/things', '/things'],
    ['DELETE', '/things', '/things'],
    ['GET', '/', '/'],
  ];
  const scopeSets = Array.from({ length: 1 << scopes.length }, (_, mask) => scopes.filter((_, i) => mask & (1 << i)).join(' '));

  test.each([
    ['REQUEST authorizer (resource template)', true, '0'],
    ['TOKEN authorizer (route from methodArn)', false, '0'],
    ['REQUEST authorizer, authorizerCacheSeconds 300', true, '300'],
    ['TOKEN authorizer, authorizerCacheSeconds 300', false, '300'],
  ])('%s: for every set of scopes, every cached policy agrees with a fresh decision on every request', async (_name, withResource, ttl) => {
    const conflicts: string[] = [];
    const h = authorizerFor(routes, scopes, (m) => conflicts.push(m), { PORTCULLIS_AUTHORIZER_CACHE_SECONDS: ttl });
    let checked = 0;
    const wrong: string[] = [];
    for (const scope of scopeSets) {
      const token = mint(key, h.now(), { claims: { scope } });
      const ask = (method: string, path: string, resource: string) =>
        h.authorizer.decide({ authorization: `Bearer ${token}`, arn: arnOf(method, path), ...(withResource ? { method, resource, path } : {}) }) as Decision;
      const fresh = requests.map(([m, p, r]) => ask(m, p, r));
      for (const d of fresh) if (d.status === 401) wrong.push(`[${scope}] 401 ${d.reason}`);
      // every policy, as API Gateway would replay it from its cache, on every request (the request itself included)
      fresh.forEach((cached, i) => {
        const policy = (cached as Exclude<Decision, { status: 401 }>).policy;
        requests.forEach(([m, p], j) => {
          checked++;
          if (iamAllows(policy, arnOf(m, p)) !== (fresh[j].effect === 'Allow')) wrong.push(`[${scope}] policy of ${requests[i][0]} ${requests[i][1]} on ${m} ${p}`);
        });
      });
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(scopeSets.length * requests.length * requests.length);
    expect(conflicts).toEqual([]);
    // sanity: the table is not trivially all-allow or all-deny
    const admin = mint(key, h.now(), { claims: { scope: 'admin' } });
    expect((h.authorizer.decide({ authorization: `Bearer ${admin}`, arn: arnOf('GET', '/users/42') }) as Decision).effect).toBe('Deny');
    expect((h.authorizer.decide({ authorization: `Bearer ${admin}`, arn: arnOf('GET', '/files/secret') }) as Decision).effect).toBe('Allow');
  });

  test('when a wildcard cannot be expressed exactly, the policy fails closed and the overlap is reported', async () => {
    const conflicts: Array<Record<string, unknown> | undefined> = [];
    const h = authorizerFor({ 'GET /a/{proxy+}': 'wide', 'GET /a/{x}/b': 'narrow' }, ['wide', 'narrow'], (_m, d) => conflicts.push(d));
    const token = mint(key, h.now(), { claims: { scope: 'wide' } });
    const d = (await h.authorizer.decide({ authorization: `Bearer ${token}`, arn: arnOf('GET', '/a/1'), method: 'GET', resource: '/a/{proxy+}' })) as Decision;
    const policy = (d as Exclude<Decision, { status: 401 }>).policy;
    expect(iamAllows(policy, arnOf('GET', '/a/1'))).toBe(true);
    expect(iamAllows(policy, arnOf('GET', '/a/1/b'))).toBe(false); // routed to GET /a/{x}/b: not allowed
    expect(iamAllows(policy, arnOf('GET', '/a/1/2/b'))).toBe(false); // routed to the greedy route: allowed fresh, denied here (fail closed)
    expect(conflicts).toEqual([{ denied: 'GET /a/{x}/b', allowed: 'GET /a/{proxy+}' }]);
  });
});

describe('routes', () => {
  const table = new RouteTable(
    compileRoutes(
      testConfig({
        routes: { 'GET /files/{proxy+}': 'a', 'GET /files/{name}': 'a', 'GET /files/index': 'a', 'ANY /files/index': 'a', 'ANY /files/{name}/raw': 'a', 'GET /': 'a' },
        scopes: { a: 'a' },
      }).routes,
    ),
  );
  const key = (r: { key: string } | undefined) => r?.key;

  test('a concrete path picks the route API Gateway would: literal, then {param}, then {proxy+}; an explicit method before ANY', () => {
    expect(key(table.byPath('GET', '/files/index'))).toBe('GET /files/index');
    expect(key(table.byPath('POST', '/files/index'))).toBe('ANY /files/index');
    expect(key(table.byPath('GET', '/files/report.pdf'))).toBe('GET /files/{name}');
    expect(key(table.byPath('GET', '/files/a/b'))).toBe('GET /files/{proxy+}');
    expect(key(table.byPath('DELETE', '/files/a/raw'))).toBe('ANY /files/{name}/raw');
    expect(key(table.byPath('GET', '/'))).toBe('GET /');
    expect(table.byPath('POST', '/files/a/b')).toBeUndefined();
    expect(table.byPath('GET', '/other')).toBeUndefined();
  });

  test('a resource template matches whatever its parameters are named, and hapi-style {proxy*} as greedy', () => {
    expect(key(table.byTemplate('GET', '/files/{id}'))).toBe('GET /files/{name}');
    expect(key(table.byTemplate('GET', '/files/{path*}'))).toBe('GET /files/{proxy+}');
    expect(key(table.byTemplate('PUT', '/files/index'))).toBe('ANY /files/index');
    expect(table.byTemplate('PUT', '/files/{name}')).toBeUndefined();
  });

  test('methodArn / routeArn parsing', () => {
    expect(parseMethodArn('arn:aws:execute-api:eu-west-1:123456789012:abc/prod/GET/demo/data')).toEqual({
      prefix: 'arn:aws:execute-api:eu-west-1:123456789012:abc/prod/',
      method: 'GET',
      path: '/demo/data',
    });
    expect(parseMethodArn('arn:aws:execute-api:eu-west-1:123456789012:abc/$default/POST/')).toMatchObject({ method: 'POST', path: '/' });
    expect(parseMethodArn('arn:aws:execute-api:eu-west-1:123456789012:abc/$default/$default')).toEqual({ prefix: 'arn:aws:execute-api:eu-west-1:123456789012:abc/$default/' });
    for (const bad of ['', 'GET/demo', 'arn:aws:lambda:eu-west-1:1:function/x/GET/a', 'arn:aws:execute-api:eu-west-1:123:abc', undefined]) expect(parseMethodArn(bad)).toBeUndefined();
  });

  test('a route table with wildcards in literal paths is refused', () => {
    expect(() => compileRoutes([{ method: 'GET', path: '/a*', scopes: [], match: 'all' }])).toThrow(/not allowed/);
  });
});
