/** What a user's roles allow: the union of their scopes (custom.portcullis.roles); the OpenID Connect scopes need no role. */
import { isOidcScope } from '../config/oidc-scopes';
import type { Config } from '../config/types';

export function roleScopes(roles: readonly string[], config: Pick<Config, 'roles'>): Set<string> {
  const out = new Set<string>();
  for (const r of roles) for (const s of config.roles[r] ?? []) out.add(s);
  return out;
}

/** The scopes of `scopes` the user may have: those their roles give, plus the OpenID Connect scopes. */
export function capByRoles(scopes: readonly string[], roles: readonly string[], config: Pick<Config, 'roles'>): string[] {
  const allowed = roleScopes(roles, config);
  return scopes.filter((s) => isOidcScope(s) || allowed.has(s));
}

/** Role names that are not declared. */
export const undeclaredRoles = (roles: readonly string[], config: Pick<Config, 'roles'>): string[] =>
  roles.filter((r) => !Object.prototype.hasOwnProperty.call(config.roles, r));
