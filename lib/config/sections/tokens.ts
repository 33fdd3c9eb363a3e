/** What the token endpoint issues: the scope catalogue and route table, lifetimes, clock skew, the client cache. */
import { DEFAULTS } from '../defaults';
import { ConfigError, json, num, type Env } from '../env-values';
import { withOidcScopes } from '../oidc-scopes';
import { parseRoutes } from '../routes';
import type { Config, ScopeCatalogue } from '../types';

export function tokensSection(env: Env) {
  const scopes = withOidcScopes(json<ScopeCatalogue>(env, 'PORTCULLIS_SCOPES', {}));
  const routes = parseRoutes(json<unknown>(env, 'PORTCULLIS_ROUTES', {}));
  for (const r of routes) {
    for (const s of r.scopes) if (!(s in scopes)) throw new ConfigError(`route "${r.method} ${r.path}" needs scope "${s}", which is not declared`);
  }
  return {
    scopes,
    routes,
    tokenLifetimeSeconds: num(env, 'PORTCULLIS_TOKEN_LIFETIME_SECONDS', DEFAULTS.tokenLifetimeSeconds),
    maxTokenLifetimeSeconds: num(env, 'PORTCULLIS_MAX_TOKEN_LIFETIME_SECONDS', DEFAULTS.maxTokenLifetimeSeconds),
    clockSkewSeconds: num(env, 'PORTCULLIS_CLOCK_SKEW_SECONDS', DEFAULTS.clockSkewSeconds),
    clientCacheTtlMs: num(env, 'PORTCULLIS_CLIENT_CACHE_TTL_MS', DEFAULTS.clientCacheTtlMs),
  } satisfies Partial<Config>;
}
