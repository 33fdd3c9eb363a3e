/**
 * The authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OpenID Connect Core §3.1.2.1), validated in two steps:
 *   1. who to answer: client_id and redirect_uri. An unknown or disabled client, a client that may not use the code
 *      flow, a missing, repeated or unregistered redirect_uri → an error page on our origin, never a redirect
 *      (RFC 6749 §4.1.2.1: redirecting there would make us an open redirector).
 *   2. everything else → an error redirected to the client with `error`, `state` (when valid) and `iss`.
 * Rules: response_type=code only (no implicit flow, RFC 9700 §2.1.2); PKCE S256 required for every client, `plain`
 * refused; a parameter sent twice is invalid_request (§3.1); `state` is echoed (VSCHAR, ≤ 2048 characters; an
 * invalid one is reported and not echoed); scope: requested (or the client's defaults), each declared and allowed
 * for the client (else invalid_scope); prompt none|login|consent|select_account (none alone); max_age ≥ 0;
 * nonce kept for the OpenID Connect issue; login_hint pre-fills the username; request objects are not supported.
 * resource (RFC 8707, one): a declared API (lib/oauth/resources.ts), else invalid_target; the scopes are kept to its
 * scopes (none left → invalid_scope) before the sign-in and consent, and the code is bound to it.
 */
import type { CachedClientLookup } from '../clients/client-cache';
import { redirectUriMatches } from '../clients/redirect-uris';
import type { Config } from '../config/types';
import { guardDependency } from '../core/dependency-guard';
import { OAuthError, type OAuthErrorCode } from '../core/errors';
import type { QueryParams } from '../http/request';
import type { ClientRecord } from '../models/client';
import { resolveResource, scopesForTarget } from '../oauth/resources';
import { grantScopes, parseScope } from '../oauth/scopes';

export type Prompt = 'none' | 'login' | 'consent' | 'select_account';

export interface AuthorizationRequest {
  client: ClientRecord;
  redirectUri: string;
  state?: string;
  /** Requested (or default) scopes, each declared and allowed for the client; the user's roles cap them later. */
  scopes: string[];
  codeChallenge: string;
  /** RFC 8707: the API the tokens are for, when not the default audience (the scopes are already kept to its). */
  resource?: string;
  nonce?: string;
  prompt: Set<Prompt>;
  /** Seconds; undefined when not sent. */
  maxAge?: number;
  /** OpenID Connect `login_hint`: pre-fills the username (never trusted for anything else). */
  loginHint?: string;
  /** The request's parameters as a query string: carried by the login and consent forms, and validated again there. */
  serialized: string;
}

/** Step 1 failed: shown as a page (400), never redirected. */
export class UnredirectableError extends Error {
  constructor(
    readonly code: 'invalid_request' | 'unauthorized_client',
    readonly reason: string,
    readonly title: string,
    readonly userMessage: string,
    readonly clientId?: string,
  ) {
    super(reason);
    this.name = 'UnredirectableError';
  }
}

/** Step 2 failed: redirected to the client. */
export class RedirectableError extends OAuthError {
  constructor(
    code: OAuthErrorCode,
    description: string,
    reason: string,
    readonly target: { client: ClientRecord; redirectUri: string; state?: string },
  ) {
    super(code, description, { reason });
    this.name = 'RedirectableError';
  }
}

export const MAX_QUERY_CHARS = 8192;
const MAX_STATE_CHARS = 2048;
const MAX_NONCE_CHARS = 512;
const VSCHAR = /^[\x20-\x7e]*$/;
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const PROMPTS: ReadonlySet<string> = new Set(['none', 'login', 'consent', 'select_account']);

const page = (reason: string, title: string, message: string, clientId?: string, code: 'invalid_request' | 'unauthorized_client' = 'invalid_request') =>
  new UnredirectableError(code, reason, title, message, clientId);

/** The request's query as one string (each value of each name, in order). */
export function serializeQuery(query: QueryParams): string {
  const sp = new URLSearchParams();
  for (const [name, values] of query) for (const v of values) sp.append(name, v);
  return sp.toString();
}

function queryChars(query: QueryParams): number {
  let n = 0;
  for (const [name, values] of query) for (const v of values) n += name.length + v.length + 2;
  return n;
}

/** Steps 1 and 2. Throws UnredirectableError or RedirectableError (or a 503 when the client cannot be read). */
export async function validateAuthorizationRequest(query: QueryParams, deps: { config: Config; clients: CachedClientLookup }): Promise<AuthorizationRequest> {
  const one = (name: string): string | undefined => {
    const v = query.get(name);
    return v && v.length > 0 && v[0] !== '' ? v[0] : undefined;
  };
  const repeated = (name: string) => (query.get(name)?.length ?? 0) > 1;

  // Step 1: whom to answer.
  if (repeated('client_id')) throw page('repeated_client_id', 'This sign-in link is not valid', 'The link that brought you here names the application more than once.');
  const clientId = one('client_id');
  if (!clientId) throw page('missing_client_id', 'This sign-in link is not valid', 'The link that brought you here does not say which application it is for.');
  const client = clientId.length > 256 ? undefined : await guardDependency(deps.clients.get(clientId));
  if (!client || client.status !== 'active') {
    throw page('unknown_client', 'Unknown application', 'The application that sent you here is not registered with this sign-in service.', clientId);
  }
  if (!client.grantTypes.includes('authorization_code')) {
    throw page('grant_not_allowed', 'This application cannot sign you in', 'The application that sent you here is not allowed to sign users in.', clientId, 'unauthorized_client');
  }
  if (repeated('redirect_uri')) throw page('repeated_redirect_uri', 'This sign-in link is not valid', 'The link that brought you here names its return address more than once.', clientId);
  const redirectUri = one('redirect_uri');
  if (!redirectUri) throw page('missing_redirect_uri', 'This sign-in link is not valid', 'The link that brought you here does not say where to return to.', clientId);
  if (!redirectUriMatches(redirectUri, client)) {
    throw page(
      'unregistered_redirect_uri',
      'This sign-in link is not valid',
      'The address the application asked to return to is not registered for it, so you were not sent there.',
      clientId,
    );
  }

  // Step 2: the rest is answered at the redirect URI.
  const rawState = query.get('state');
  const stateValid = rawState === undefined || (rawState.length === 1 && rawState[0].length <= MAX_STATE_CHARS && VSCHAR.test(rawState[0]));
  const state = stateValid && rawState && rawState[0] !== '' ? rawState[0] : undefined;
  const target = { client, redirectUri, state };
  const fail = (code: OAuthErrorCode, description: string, reason: string) => new RedirectableError(code, description, reason, target);

  if (!stateValid) throw fail('invalid_request', 'state must be at most 2048 printable ASCII characters, sent once', 'invalid_state');
  if (queryChars(query) > MAX_QUERY_CHARS) throw fail('invalid_request', 'The request is too large', 'request_too_large');
  for (const [name, values] of query) if (values.length > 1) throw fail('invalid_request', `The parameter ${name.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?').slice(0, 40)} is repeated`, 'repeated_parameter');
  if (one('request') || one('request_uri')) throw fail('invalid_request', 'Request objects are not supported', 'request_object');

  const responseType = one('response_type');
  if (!responseType) throw fail('invalid_request', 'response_type is required', 'missing_response_type');
  if (responseType !== 'code') throw fail('unsupported_response_type', 'Only response_type=code is supported', 'unsupported_response_type');
  const responseMode = one('response_mode');
  if (responseMode !== undefined && responseMode !== 'query') throw fail('invalid_request', 'Only response_mode=query is supported', 'unsupported_response_mode');

  const challenge = one('code_challenge');
  const method = one('code_challenge_method');
  if (!challenge) throw fail('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256', 'missing_code_challenge');
  if (method !== 'S256') throw fail('invalid_request', 'code_challenge_method must be S256', method === 'plain' ? 'pkce_plain' : 'bad_code_challenge_method');
  if (!CHALLENGE.test(challenge)) throw fail('invalid_request', 'code_challenge must be the base64url SHA-256 of the code verifier (43 characters)', 'bad_code_challenge');

  let scopes: string[];
  try {
    const requested = one('scope') !== undefined ? parseScope(one('scope')!) : undefined;
    scopes = grantScopes(requested, client, deps.config.scopes);
  } catch (err) {
    if (err instanceof OAuthError) throw fail('invalid_scope', err.description ?? 'The scope is invalid', err.reason);
    throw err;
  }
  // RFC 8707 §2: the API the tokens are for (a repeated `resource` was refused above, as any repeated parameter).
  let resource: string | undefined;
  try {
    const target = resolveResource(one('resource'), deps.config);
    scopes = scopesForTarget(scopes, target);
    if (target.audience !== deps.config.audience) resource = target.audience;
  } catch (err) {
    if (err instanceof OAuthError) throw fail(err.code, err.description ?? 'The resource is invalid', err.reason ?? 'invalid_target');
    throw err;
  }

  const prompt = new Set<Prompt>();
  for (const p of (one('prompt') ?? '').split(' ').filter(Boolean)) {
    if (!PROMPTS.has(p)) throw fail('invalid_request', 'prompt must be none, login, consent or select_account', 'bad_prompt');
    prompt.add(p as Prompt);
  }
  if (prompt.has('none') && prompt.size > 1) throw fail('invalid_request', 'prompt=none cannot be combined with other values', 'bad_prompt');

  const rawMaxAge = one('max_age');
  if (rawMaxAge !== undefined && !/^\d{1,9}$/.test(rawMaxAge)) throw fail('invalid_request', 'max_age must be a whole number of seconds', 'bad_max_age');
  const nonce = one('nonce');
  if (nonce !== undefined && (nonce.length > MAX_NONCE_CHARS || !VSCHAR.test(nonce))) throw fail('invalid_request', 'nonce must be at most 512 printable ASCII characters', 'bad_nonce');

  const loginHint = one('login_hint');
  if (loginHint !== undefined && (loginHint.length > 128 || !VSCHAR.test(loginHint))) throw fail('invalid_request', 'login_hint must be at most 128 printable ASCII characters', 'bad_login_hint');

  return {
    client,
    redirectUri,
    state,
    loginHint,
    scopes,
    codeChallenge: challenge,
    ...(resource !== undefined ? { resource } : {}),
    nonce,
    prompt,
    maxAge: rawMaxAge === undefined ? undefined : Number(rawMaxAge),
    serialized: serializeQuery(query),
  };
}
