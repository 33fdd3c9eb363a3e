/**
 * People (the authorization code flow): roles, SSO session timeouts, the code lifetime, and the hosted pages'
 * branding (custom.portcullis.roles / sessions / authorizationCodeLifetimeSeconds / branding).
 */
import { DEFAULTS } from '../defaults';
import { ConfigError, json, positiveInt, type Env } from '../env-values';
import type { Branding, Config, ScopeCatalogue } from '../types';

/** A CSS colour the pages may embed as it is: hex only, so no value can break out of the stylesheet. */
const HEX_COLOUR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const ROLE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** Role → scopes; every scope must be in the catalogue (the OpenID Connect ones need no role). */
export function parseRoles(raw: unknown, scopes: ScopeCatalogue): Record<string, string[]> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError('roles must be an object of role → scopes');
  const out: Record<string, string[]> = {};
  for (const [role, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!ROLE_NAME.test(role)) throw new ConfigError(`role "${role}": a role name is letters, digits and _ . : - (at most 64)`);
    const list = typeof value === 'string' ? value.split(' ').filter(Boolean) : Array.isArray(value) ? value.map(String) : undefined;
    if (!list) throw new ConfigError(`role "${role}" must list scopes ("a b" or [a, b])`);
    for (const s of list) if (!Object.prototype.hasOwnProperty.call(scopes, s)) throw new ConfigError(`role "${role}" names scope "${s}", which is not declared`);
    out[role] = [...new Set(list)];
  }
  return out;
}

export function parseBranding(raw: unknown): Branding {
  const b = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  const text = (name: string, fallback: string) => {
    const v = b[name];
    if (v === undefined || v === null || v === '') return fallback;
    if (typeof v !== 'string' || v.length > 80) throw new ConfigError(`branding.${name} must be text of at most 80 characters`);
    return v;
  };
  const colour = (name: string, fallback: string) => {
    const v = text(name, fallback);
    if (!HEX_COLOUR.test(v)) throw new ConfigError(`branding.${name} must be a hex colour (#1f6feb), got "${v}"`);
    return v.toLowerCase();
  };
  return {
    productName: text('productName', DEFAULTS.brandingProductName),
    primaryColor: colour('primaryColor', DEFAULTS.brandingPrimaryColor),
    backgroundColor: colour('backgroundColor', DEFAULTS.brandingBackgroundColor),
  };
}

export function peopleSection(env: Env, scopes: ScopeCatalogue) {
  const idleTimeoutSeconds = positiveInt(env, 'PORTCULLIS_SESSION_IDLE_TIMEOUT_SECONDS', DEFAULTS.sessionIdleTimeoutSeconds);
  const absoluteTimeoutSeconds = positiveInt(env, 'PORTCULLIS_SESSION_ABSOLUTE_TIMEOUT_SECONDS', DEFAULTS.sessionAbsoluteTimeoutSeconds);
  if (idleTimeoutSeconds > absoluteTimeoutSeconds) throw new ConfigError('sessions.idleTimeoutSeconds must not exceed sessions.absoluteTimeoutSeconds');
  const codeLifetime = positiveInt(env, 'PORTCULLIS_AUTHORIZATION_CODE_LIFETIME_SECONDS', DEFAULTS.authorizationCodeLifetimeSeconds);
  if (codeLifetime > 600) throw new ConfigError('authorizationCodeLifetimeSeconds must be at most 600 (RFC 6749 §4.1.2 recommends 600 at most)');
  return {
    roles: parseRoles(json<unknown>(env, 'PORTCULLIS_ROLES', {}), scopes),
    sessions: { idleTimeoutSeconds, absoluteTimeoutSeconds },
    authorizationCodeLifetimeSeconds: codeLifetime,
    branding: parseBranding(json<unknown>(env, 'PORTCULLIS_BRANDING', {})),
  } satisfies Partial<Config>;
}
