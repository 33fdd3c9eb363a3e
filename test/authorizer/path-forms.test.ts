/**
 * Cache safety against path variants. With an authorizer result cache API Gateway replays the policy of one
 * request on every request carrying the same token, evaluated against that request's execute-api ARN. That ARN may
 * carry the path as the client sent it (a trailing or doubled slash, percent-encoding, a dot segment, a backslash)
 * while API Gateway may route by a normalized form: `GET /users/7/admin/` can reach `GET /users/{id}/admin` with
 * an ARN that `Allow GET/users/*` matches and `Deny GET/users/*\/admin` does not. Neither how API Gateway
 * normalizes before routing nor what it writes in the ARN is documented, so the tests take the worst case: a
 * request may be routed as sent or as normalized, and its ARN carries the path as sent.
 */
import type { Decision } from '../../lib/authorizer/decide';
import { compileRoutes, RouteTable, type CompiledRoute } from '../../lib/authorizer/routes';
import { harness, iamAllows, makeKey, mint, PREFIX, type Harness, type TestKey } from '../../testkit/authorizer-fixtures';
import { testConfig } from '../../testkit/config';

let key: TestKey;
beforeAll(() => {
  key = makeKey('RS256', 'path-forms-key');
});

const ROUTES: Record<string, string | string[]> = {
  'GET /users/{id}': 'users:read',
  'DELETE /users/{id}': 'admin',
  'GET /users/{id}/admin': 'admin',
  'GET /users/me': 'admin',
  'GET /files/{proxy+}': 'files:read',
  'GET /files/secret': 'admin',
  'GET /reports': 'users:read',
  'GET /reports/archive': 'admin',
  'GET /': [],
};
const SCOPES = ['users:read', 'files:read', 'admin'];
const CATALOGUE = Object.fromEntries(SCOPES.map((s) => [s, s]));
const SCOPE_SETS = Array.from({ length: 1 << SCOPES.length }, (_, mask) => SCOPES.filter((_, i) => mask & (1 << i)));
const CACHED = { PORTCULLIS_AUTHORIZER_CACHE_SECONDS: '300' };

const arnOf = (method: string, path: string) => `${PREFIX}${method}${path}`;
const table = new RouteTable(compileRoutes(testConfig({ routes: ROUTES, scopes: CATALOGUE }).routes));

/** The route's scopes, read from the table above (not through the authorizer). */
function opens(route: CompiledRoute, scopes: string[]): boolean {
  return [ROUTES[route.key]].flat().join(' ').split(' ').filter(Boolean).every((s) => scopes.includes(s));
}

/** What a routing layer that normalizes first would route: decoded, `\` as `/`, empty and dot segments resolved. */
function normalized(path: string): string {
  let p = path;
  try {
    p = decodeURIComponent(p);
  } catch {
    // left as sent
  }
  const out: string[] = [];
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

/** Every route API Gateway could send this request to (routing is case-sensitive). */
function routedTo(method: string, path: string): CompiledRoute[] {
  return [...new Set([table.byPath(method, path), table.byPath(method, normalized(path))])].filter((r): r is CompiledRoute => r !== undefined);
}

/** Canonical requests: they fill the cache. */
const REQUESTS: Array<[method: string, path: string, resource: string]> = [
  ['GET', '/users/7', '/users/{id}'],
  ['DELETE', '/users/7', '/users/{id}'],
  ['GET', '/users/7/admin', '/users/{id}/admin'],
  ['GET', '/users/me', '/users/me'],
  ['GET', '/files/a/b', '/files/{proxy+}'],
  ['GET', '/files/secret', '/files/secret'],
  ['GET', '/reports', '/reports'],
  ['GET', '/reports/archive', '/reports/archive'],
  ['GET', '/', '/'],
];

/** The same request as a client could spell it. */
function variants(path: string): Array<[kind: string, path: string]> {
  if (path === '/') return [['doubled slash', '//'], ['dot segment', '/.'], ['encoded slash', '/%2F']];
  const segs = path.slice(1).split('/');
  const join = (xs: string[]) => '/' + xs.join('/');
  const out: Array<[string, string]> = [
    ['trailing slash', `${path}/`],
    ['two trailing slashes', `${path}//`],
    ['leading doubled slash', `/${path}`],
    ['trailing dot segment', `${path}/.`],
    ['dot-dot segment', `${path}/x/..`],
    ['inner dot segment', join([segs[0], '.', ...segs.slice(1)])],
    ['upper case', path.toUpperCase()],
    ['capitalized', path.replace(/\/(\w)/g, (_m, c: string) => `/${c.toUpperCase()}`)],
  ];
  for (let i = 1; i < segs.length; i++) {
    const head = join(segs.slice(0, i));
    const tail = segs.slice(i).join('/');
    out.push(['doubled slash', `${head}//${tail}`], ['encoded slash', `${head}%2F${tail}`], ['encoded slash, lower-case hex', `${head}%2f${tail}`], ['backslash', `${head}\\${tail}`]);
  }
  segs.forEach((s, i) => {
    const hex = s.charCodeAt(0).toString(16);
    out.push(['encoded character', join([...segs.slice(0, i), `%${hex.toUpperCase()}${s.slice(1)}`, ...segs.slice(i + 1)])]);
    out.push(['encoded character, lower-case hex', join([...segs.slice(0, i), `%${hex}${s.slice(1)}`, ...segs.slice(i + 1)])]);
  });
  return out;
}

const VARIANTS = REQUESTS.flatMap(([method, path]) => variants(path).map(([kind, p]): [string, string, string] => [kind, method, p]));

function authorizer(env: Record<string, string> = CACHED): Harness {
  return harness({ config: testConfig({ routes: ROUTES, scopes: CATALOGUE, env }), keys: [key] });
}

/** One token per scope set: its decision on every canonical request, i.e. every policy API Gateway could cache. */
function cachedPolicies(h: Harness, scopes: string[], withResource: boolean) {
  const token = mint(key, h.now(), { claims: { scope: scopes.join(' ') } });
  const ask = (method: string, path: string, resource?: string) =>
    h.authorizer.decide({ authorization: `Bearer ${token}`, arn: arnOf(method, path), ...(withResource && resource ? { method, resource, path } : {}) }) as Decision;
  const policies = REQUESTS.map(([m, p, r]) => {
    const d = ask(m, p, r);
    if (d.status === 401) throw new Error(`401 ${d.reason}`);
    return { filledBy: `${m} ${p}`, policy: d.policy };
  });
  return { ask, policies };
}

describe.each([
  ['REQUEST authorizer', true],
  ['TOKEN authorizer', false],
])('%s with authorizerCacheSeconds > 0', (_name, withResource) => {
  test('no cached policy allows a spelling of a request that API Gateway could route to a route the token may not use', () => {
    const h = authorizer();
    const wrong: string[] = [];
    for (const scopes of SCOPE_SETS) {
      for (const { filledBy, policy } of cachedPolicies(h, scopes, withResource).policies) {
        for (const [kind, method, path] of VARIANTS) {
          if (!iamAllows(policy, arnOf(method, path))) continue;
          for (const r of routedTo(method, path)) if (!opens(r, scopes)) wrong.push(`[${scopes.join(' ')}] policy of ${filledBy} allows ${method} ${path} (${kind}) → ${r.key}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  test('a fresh decision on any spelling agrees with every policy API Gateway may have cached', () => {
    const h = authorizer();
    const wrong: string[] = [];
    for (const scopes of SCOPE_SETS) {
      const { ask, policies } = cachedPolicies(h, scopes, withResource);
      for (const [kind, method, path] of VARIANTS) {
        const template = table.byPath(method, normalized(path))?.rule.path;
        const fresh = ask(method, path, template);
        for (const { filledBy, policy } of policies) {
          if (iamAllows(policy, arnOf(method, path)) !== (fresh.effect === 'Allow')) {
            wrong.push(`[${scopes.join(' ')}] ${method} ${path} (${kind}): fresh ${fresh.effect}, policy of ${filledBy} says the opposite`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('what a caller sees', () => {
  test('with caching, a non-canonical spelling is refused (403) and audited as such, whatever the scopes', async () => {
    const h = authorizer();
    const token = mint(key, h.now(), { claims: { scope: SCOPES.join(' ') } });
    for (const path of ['/users/7/', '/users//7', '/users/7%2Fadmin', '/users/7/admin/.', '/users/%6De']) {
      const d = (await h.authorizer.decide({ authorization: `Bearer ${token}`, arn: arnOf('GET', path) })) as Decision;
      expect(d).toMatchObject({ effect: 'Deny', status: 403, reason: 'non_canonical_path', context: { wwwAuthenticate: 'Bearer error="insufficient_scope"' } });
      expect(h.audit.events.at(-1)).toMatchObject({ event: 'authz.denied', reason: 'non_canonical_path' });
    }
    // the canonical spelling still works, with other case being another path (routing and ARN matching are case-sensitive)
    expect(((await h.authorizer.decide({ authorization: `Bearer ${token}`, arn: arnOf('GET', '/users/7') })) as Decision).effect).toBe('Allow');
    expect(((await h.authorizer.decide({ authorization: `Bearer ${token}`, arn: arnOf('GET', '/Users/7') })) as Decision).reason).toBe('route_not_declared');
  });

  test('with caching, the policy adds a fixed set of Deny patterns for non-canonical spellings; without, nothing changes', async () => {
    const ask = async (h: Harness, path: string) => {
      const token = mint(key, h.now(), { claims: { scope: 'users:read' } });
      return (await h.authorizer.decide({ authorization: `Bearer ${token}`, arn: arnOf('GET', path) })) as Decision;
    };
    const cached = await ask(authorizer(), '/users/7');
    const uncached = await ask(authorizer({}), '/users/7');
    if (cached.status === 401 || uncached.status === 401) throw new Error('401');
    const allow = (d: typeof cached) => d.policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Resource);
    const deny = (d: typeof cached) => d.policy.Statement.filter((s) => s.Effect === 'Deny').flatMap((s) => s.Resource);
    expect(allow(cached)).toEqual(allow(uncached));
    const extra = deny(cached).filter((r) => !deny(uncached).includes(r));
    expect(extra.map((r) => r.slice(PREFIX.length)).sort()).toEqual(['*%*', '*//*', '*/.', '*/..', '*/../*', '*/./*', '*/?*/', '*\\*'].sort());
    // uncached: the decision is made per request, and a trailing slash keeps working as before
    expect((await ask(authorizer({}), '/users/7/')).effect).toBe('Allow');
  });
});
