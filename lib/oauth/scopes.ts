/** Scope strings (RFC 6749 §3.3): space-delimited, case-sensitive scope-tokens of NQCHAR. */
import { OAuthError } from '../core/errors';
import type { ScopeCatalogue } from '../config/types';

const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export const invalidScope = (description: string, reason = 'invalid_scope') =>
  new OAuthError('invalid_scope', description, { reason });

/** Parses a requested scope string; duplicates collapse, order is kept. */
export function parseScope(raw: string): string[] {
  const tokens = raw.split(' ').filter((t) => t !== '');
  if (tokens.length === 0) throw invalidScope('The scope parameter is empty');
  for (const t of tokens) if (!SCOPE_TOKEN.test(t)) throw invalidScope('The scope parameter has invalid characters');
  return [...new Set(tokens)];
}

/** Which requested scopes the client may have; any other → invalid_scope (never silently dropped). */
export function grantScopes(
  requested: string[] | undefined,
  client: { allowedScopes: string[]; defaultScopes: string[] },
  catalogue: ScopeCatalogue,
): string[] {
  const wanted = requested ?? client.defaultScopes;
  if (wanted.length === 0) throw invalidScope('No scope was requested and the client has no default scope', 'no_scope');
  for (const s of wanted) {
    if (!Object.prototype.hasOwnProperty.call(catalogue, s)) throw invalidScope('A requested scope is unknown', 'unknown_scope');
    if (!client.allowedScopes.includes(s)) throw invalidScope('A requested scope is not allowed for this client', 'scope_not_allowed');
  }
  return wanted;
}

/** Checks that every scope given to a client is declared in the catalogue. */
export function undeclaredScopes(scopes: string[], catalogue: ScopeCatalogue): string[] {
  return scopes.filter((s) => !Object.prototype.hasOwnProperty.call(catalogue, s));
}
