/**
 * GET|POST /oauth2/userinfo (OpenID Connect Core 1.0 §5.3): the claims of the user an access token with `openid` was
 * issued for, by the token's scopes (lib/oidc/user-claims.ts). The token comes as `Authorization: Bearer` (either
 * method) or as the `access_token` form field of a POST (RFC 6750 §2.1, §2.2), never in the query.
 * Errors per RFC 6750 §3, always with `WWW-Authenticate: Bearer`:
 *   400 invalid_request     two tokens, a token in the query, a malformed header or body
 *   401 invalid_token       no token, or one that is not ours, expired, revoked (by jti, client, subject, grant or
 *                           session: one consistent read of its revocation records), or whose user is gone or disabled
 *   403 insufficient_scope  a valid token without `openid`
 * Audit `userinfo.requested` (the reason on failure). Never cached.
 */
import type { AuditSink } from '../audit/types';
import { extractBearer } from '../authorizer/bearer';
import type { Clock } from '../core/clock';
import { systemClock } from '../core/clock';
import type { Config } from '../config/types';
import { guardDependency } from '../core/dependency-guard';
import { OAuthError } from '../core/errors';
import { requestAuditFields } from '../http/audit-fields';
import { readFormBody } from '../http/form';
import { getHeader } from '../http/headers';
import type { HttpRequest } from '../http/request';
import { noStoreJson, type HttpResponse } from '../http/response';
import type { KeyRing } from '../keys/key-ring';
import { tokenFacts } from '../models/revocation-match';
import { userClaims } from '../oidc/user-claims';
import type { RevocationStore, UserStore } from '../stores/ports';
import { verifyOwnToken } from '../tokens/verify-own';

export interface UserinfoDeps {
  config: Config;
  keyRing: KeyRing;
  revocations: RevocationStore;
  users: UserStore;
  audit: AuditSink;
  clock?: Clock;
}

type BearerCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

class BearerError extends Error {
  constructor(
    readonly code: BearerCode,
    readonly description: string,
    readonly reason: string,
  ) {
    super(description);
  }
}

const STATUS: Record<BearerCode, number> = { invalid_request: 400, invalid_token: 401, insufficient_scope: 403 };

/** RFC 6750 §3: the challenge, with the error (descriptions are fixed text: nothing of the request is echoed). */
function challenge(config: Config, e: BearerError): HttpResponse {
  const params = [`realm="${config.issuer}"`, `error="${e.code}"`, `error_description="${e.description}"`];
  if (e.code === 'insufficient_scope') params.push('scope="openid"');
  return noStoreJson(STATUS[e.code], { error: e.code, error_description: e.description }, { 'WWW-Authenticate': `Bearer ${params.join(', ')}` });
}

/** The presented access token, from exactly one place. */
function presentedToken(req: HttpRequest, config: Config): string {
  if (req.query.has('access_token')) throw new BearerError('invalid_request', 'Send the access token in the Authorization header', 'token_in_query');
  const header = getHeader(req.headers, 'authorization');
  let fromBody: string | undefined;
  const isForm = getHeader(req.headers, 'content-type')?.split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded';
  if (req.method === 'POST' && req.body && isForm) {
    let form;
    try {
      form = readFormBody(req, config.maxBodyBytes);
    } catch {
      throw new BearerError('invalid_request', 'The request body could not be read', 'malformed_body');
    }
    fromBody = form.get('access_token');
  }
  if (header !== undefined && header.trim() !== '') {
    if (fromBody !== undefined) throw new BearerError('invalid_request', 'Send the access token in one place only', 'two_tokens');
    const bearer = extractBearer(header);
    if (bearer.token) return bearer.token;
    // Another scheme (Basic …) is no bearer token at all; a broken Bearer header is a malformed request.
    if (!/^bearer(\s|$)/i.test(header)) throw new BearerError('invalid_token', 'A Bearer access token is required', 'missing');
    throw new BearerError('invalid_request', 'The Authorization header is malformed', 'malformed');
  }
  if (fromBody) return fromBody;
  throw new BearerError('invalid_token', 'A Bearer access token is required', 'missing');
}

export async function handleUserinfoRequest(req: HttpRequest, deps: UserinfoDeps): Promise<HttpResponse> {
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  const base = { ...requestAuditFields(req), event: 'userinfo.requested' as const };
  const done = (fields: { outcome: 'success' | 'failure'; reason?: string; client_id?: string; sub?: string; jti?: string; detail?: Record<string, string> }) =>
    deps.audit.emit({ ...base, ...fields, latency_ms: clock.now() - started });
  try {
    if (req.method !== 'GET' && req.method !== 'POST') {
      throw new OAuthError('method_not_allowed', 'Use GET or POST', { status: 405, headers: { Allow: 'GET, POST' }, reason: 'method_not_allowed' });
    }
    const token = presentedToken(req, deps.config);
    const verified = await guardDependency(verifyOwnToken(token, { config: deps.config, keyRing: deps.keyRing, clock, clockSkewSeconds: deps.config.clockSkewSeconds }));
    if (!verified.claims) throw new BearerError('invalid_token', 'The access token is invalid or expired', verified.reason);
    const claims = verified.claims;
    const who = { client_id: claims.client_id, sub: claims.sub, jti: claims.jti };
    try {
      const scopes = claims.scope.split(' ');
      if (!scopes.includes('openid')) throw new BearerError('insufficient_scope', 'The access token was not issued for openid', 'insufficient_scope');
      const hit = await guardDependency(deps.revocations.findForToken(tokenFacts(claims)));
      if (hit) throw new BearerError('invalid_token', 'The access token is invalid or expired', hit.reason);
      const user = await guardDependency(deps.users.get(claims.sub));
      if (!user || user.status !== 'active') throw new BearerError('invalid_token', 'The access token is invalid or expired', user ? 'user_disabled' : 'unknown_user');
      done({ outcome: 'success', ...who });
      return noStoreJson(200, { sub: user.sub, ...userClaims(user, scopes) });
    } catch (err) {
      if (err instanceof BearerError) {
        done({ outcome: 'failure', reason: err.reason, ...who, detail: { error: err.code } });
        return challenge(deps.config, err);
      }
      throw err;
    }
  } catch (err) {
    if (err instanceof BearerError) {
      done({ outcome: 'failure', reason: err.reason, detail: { error: err.code } });
      return challenge(deps.config, err);
    }
    const e = err instanceof OAuthError ? err : new OAuthError('server_error', 'An internal error occurred', { reason: 'internal_error' });
    done({ outcome: 'failure', reason: e.reason, detail: { error: e.code } });
    const headers = { ...e.headers, ...(e.status === 401 ? { 'WWW-Authenticate': `Bearer realm="${deps.config.issuer}"` } : {}) };
    return noStoreJson(e.status, { error: e.code === 'method_not_allowed' ? 'invalid_request' : e.code, ...(e.description ? { error_description: e.description } : {}) }, headers);
  } finally {
    await deps.audit.flush();
  }
}
