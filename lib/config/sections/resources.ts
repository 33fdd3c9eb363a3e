/**
 * RFC 8707 resource indicators: the APIs (custom.portcullis.resources, carried as PORTCULLIS_RESOURCES) a client may
 * ask a token for, each with the scopes that belong to it, and the API this authorizer function protects
 * (PORTCULLIS_AUTHORIZER_AUDIENCE, set per authorizer function; default: the default audience).
 */
import { ConfigError, json, type Env } from '../env-values';
import type { Config, ResourceCatalogue, ScopeCatalogue } from '../types';

/** An absolute URI without a fragment (RFC 8707 §2). */
export function isResourceIdentifier(s: string): boolean {
  try {
    const url = new URL(s);
    return url.hash === '' && !s.includes('#') && /^[a-z][a-z0-9+.-]*:/i.test(s);
  } catch {
    return false;
  }
}

/** Accepts `{"https://api.example.com": "a b"}` or `{"https://api.example.com": ["a", "b"]}`. */
export function parseResources(raw: unknown, scopes: ScopeCatalogue): ResourceCatalogue {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError('resources must be an object of resource identifiers');
  const out: ResourceCatalogue = {};
  for (const [id, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!isResourceIdentifier(id)) throw new ConfigError(`resource "${id}" must be an absolute URI without a fragment (RFC 8707)`);
    const list = typeof value === 'string' ? value.split(' ').filter(Boolean) : Array.isArray(value) ? value.map(String) : undefined;
    if (!list || list.length === 0) throw new ConfigError(`resource "${id}" needs the scopes that belong to it`);
    for (const s of list) if (!Object.prototype.hasOwnProperty.call(scopes, s)) throw new ConfigError(`resource "${id}" has scope "${s}", which is not declared`);
    out[id] = [...new Set(list)];
  }
  return out;
}

export function resourcesSection(env: Env, where: { audience: string; scopes: ScopeCatalogue }) {
  const resources = parseResources(json<unknown>(env, 'PORTCULLIS_RESOURCES', {}), where.scopes);
  const authorizerAudience = env.PORTCULLIS_AUTHORIZER_AUDIENCE || where.audience;
  if (authorizerAudience !== where.audience && !Object.prototype.hasOwnProperty.call(resources, authorizerAudience)) {
    throw new ConfigError(`PORTCULLIS_AUTHORIZER_AUDIENCE "${authorizerAudience}" is neither the audience nor a declared resource: no token could ever pass`);
  }
  return { resources, authorizerAudience } satisfies Partial<Config>;
}
