/**
 * RFC 8707 resource indicators: a client names the API it wants a token for with `resource=<identifier>`; the
 * token is audience-restricted to it (`aud` = the identifier) and its scope is limited to the scopes that belong
 * to that API (custom.portcullis.resources), so a token for API A fails at API B's authorizer and carries none of
 * B's privileges. Without `resource` the token is for the default audience, with the scopes requested, as before.
 *
 * Where `resource` is taken: the client_credentials and password grants at the token endpoint; the authorization
 * endpoint (lib/authorization/request.ts: resolved and the scope trimmed before the sign-in, kept with the code, so
 * the code exchange issues for it and a refresh family keeps it; a `resource` at the exchange or a refresh must name
 * the same API → invalid_target). All of them use:
 *   - resolveResource: the target audience, or `invalid_target` (400) for an identifier that is not declared;
 *   - scopesForTarget: the granted scopes kept to the target's (shown in the answer's `scope`, RFC 6749 §3.3);
 *     none left → invalid_scope.
 * One `resource` per request: the form parser refuses a repeated parameter (invalid_request), and a JWT has one `aud`.
 */
import type { Config } from '../config/types';
import { OAuthError } from '../core/errors';
import { invalidScope } from './scopes';

export interface TargetAudience {
  /** The token's `aud`. */
  audience: string;
  /** The scopes that belong to it; undefined for the default audience (no limit beyond the client's). */
  scopes?: readonly string[];
  /** The identifier the request named, when it named one. */
  resource?: string;
}

export const invalidTarget = (description: string, reason: string) => new OAuthError('invalid_target', description, { reason });

const declared = (config: Pick<Config, 'resources'>, id: string) => Object.prototype.hasOwnProperty.call(config.resources, id);

/** The audience a request asks for (`resource` absent: the default audience); throws invalid_target for any other. */
export function resolveResource(resource: string | undefined, config: Pick<Config, 'audience' | 'resources'>): TargetAudience {
  if (resource === undefined) return { audience: config.audience };
  if (declared(config, resource)) return { audience: resource, scopes: config.resources[resource], resource };
  if (resource === config.audience) return { audience: config.audience, resource };
  throw invalidTarget('The resource is not an API this server issues tokens for', 'undeclared_resource');
}

/** The scopes the token gets for its target: the granted ones that belong to it, in order; none → invalid_scope. */
export function scopesForTarget(granted: readonly string[], target: TargetAudience): string[] {
  if (!target.scopes) return [...granted];
  const kept = granted.filter((s) => target.scopes!.includes(s));
  if (kept.length === 0) throw invalidScope('None of the requested scopes belongs to the requested resource', 'no_scope_for_resource');
  return kept;
}

/** Every `aud` this server's tokens may carry: the default audience and every declared resource. */
export function issuedAudiences(config: Pick<Config, 'audience' | 'resources'>): ReadonlySet<string> {
  return new Set([config.audience, ...Object.keys(config.resources)]);
}
