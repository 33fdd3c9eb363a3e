/**
 * `explain --route "GET /demo/data"`: which route of the table the authorizer picks (lib/authorizer/routes.ts:
 * a `{param}` path is a resource template as REQUEST / HTTP API authorizers see it, a concrete path is routed
 * with API Gateway's precedence as the TOKEN authorizer does), and whether the token's scopes satisfy it
 * (scopesSatisfy, policy.ts: `match: all` or `any`). A route not in the table is denied by default.
 * With an authorizer result cache, a path not spelled canonically is refused first (path-forms.ts), as the authorizer does.
 */
import { scopesSatisfy } from '../../../lib/authorizer/policy';
import { compileRoutes, RouteTable, type CompiledRoute } from '../../../lib/authorizer/routes';
import type { RouteRule } from '../../../lib/config/types';
import { isCanonicalArnSuffix } from '../../../lib/authorizer/path-forms';
import type { ExplainCheck } from './types';

export interface RouteRequest {
  method: string;
  path: string;
}

/** `GET /demo/data` → { method, path }; undefined if it does not look like that. */
export function parseRouteArg(raw: string): RouteRequest | undefined {
  const m = /^\s*([A-Za-z]+)\s+(\/\S*)\s*$/.exec(raw);
  return m ? { method: m[1].toUpperCase(), path: m[2] } : undefined;
}

export const isTemplate = (path: string) => path.includes('{');

export function findRoute(rules: RouteRule[], req: RouteRequest): CompiledRoute | undefined {
  const table = new RouteTable(compileRoutes(rules));
  return isTemplate(req.path) ? table.byTemplate(req.method, req.path) : table.byPath(req.method, req.path);
}

/** Routes of the table a token with these scopes may call. */
export function routesOpenedBy(rules: RouteRule[], scopes: string[]): string[] {
  const have = new Set(scopes);
  return compileRoutes(rules)
    .filter((r) => scopesSatisfy(r, have))
    .map((r) => r.key);
}

const list = (xs: string[]) => (xs.length ? xs.join(' ') : '(none)');

/** `authorizerCacheSeconds`: custom.portcullis.authorizerCacheSeconds of the stage (default 0). */
export function routeChecks(rules: RouteRule[], req: RouteRequest, scopes: string[] | undefined, authorizerCacheSeconds = 0): ExplainCheck[] {
  const asked = `${req.method} ${req.path}`;
  if (authorizerCacheSeconds > 0 && !isCanonicalArnSuffix(`${req.method}${req.path}`)) {
    return [
      {
        name: 'route',
        status: 'fail',
        reason: 'non_canonical_path',
        detail: `${asked} is not spelled canonically (a trailing or doubled slash, a . or .. segment, percent-encoding or a backslash): with authorizerCacheSeconds ${authorizerCacheSeconds} the authorizer refuses it (403), since API Gateway may route it to another route than its spelling says and replay the policy on it`,
        notes: ['fix: send the path as the route table spells it, one / between segments and none at the end'],
      },
      { name: 'scopes', status: 'skip', detail: 'not checked: the path is refused before the route' },
    ];
  }
  const route = findRoute(rules, req);
  if (!route) {
    const samePath = compileRoutes(rules).filter((r) => findRoute([{ ...r.rule, method: req.method }], req));
    return [
      {
        name: 'route',
        status: 'fail',
        reason: 'route_not_declared',
        detail: `no route in the table matches ${asked}: denied by default (403), whatever the token's scopes`,
        notes: [
          samePath.length
            ? `the table has ${samePath.map((r) => r.key).join(', ')} for that path: another method`
            : 'fix: add it to custom.portcullis.routes in serverless.yml (with the scopes it needs), then redeploy / restart',
        ],
      },
      { name: 'scopes', status: 'skip', detail: 'not checked: no route' },
    ];
  }
  const routeRow: ExplainCheck = { name: 'route', status: 'pass', detail: `${asked} is the table's route ${route.key}` };
  if (!scopes) return [routeRow, { name: 'scopes', status: 'skip', detail: 'not checked: the token has no usable scope claim' }];
  const needed = route.rule.scopes;
  const ok = scopesSatisfy(route, new Set(scopes));
  const has = `the token has ${list(scopes)}`;
  if (needed.length === 0) return [routeRow, { name: 'scopes', status: 'pass', detail: `${route.key} needs no scope (any valid token); ${has}` }];
  const wants = route.rule.match === 'any' ? `one of ${needed.join(', ')}` : needed.length > 1 ? `all of ${needed.join(', ')}` : needed[0];
  if (ok) return [routeRow, { name: 'scopes', status: 'pass', detail: `${route.key} needs ${wants}; ${has}` }];
  const missing = needed.filter((s) => !scopes.includes(s));
  return [
    routeRow,
    {
      name: 'scopes',
      status: 'fail',
      reason: 'insufficient_scope',
      detail: `${route.key} needs ${wants}; ${has}${route.rule.match === 'any' ? '' : `; missing ${missing.join(', ')}`}`,
      notes: [`fix: request a token with scope "${route.rule.match === 'any' ? needed[0] : needed.join(' ')}" (the client must be allowed it: clients show ID)`],
    },
  ];
}
