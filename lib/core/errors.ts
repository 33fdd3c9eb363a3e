/**
 * The one error module: OAuth error codes (RFC 6749 §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1, RFC 8707 §2)
 * and their HTTP mapping. Anything that is not an OAuthError becomes `server_error`;
 * its detail is logged by the caller, never sent to the client.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'unsupported_token_type'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'temporarily_unavailable'
  | 'server_error'
  | 'method_not_allowed'
  | 'slow_down'
  | 'invalid_target'

  // Authorization endpoint (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6): redirected to the client, never JSON.
  | 'access_denied'
  | 'unsupported_response_type'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required';

const DEFAULT_STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  unsupported_token_type: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  temporarily_unavailable: 503,
  server_error: 500,
  method_not_allowed: 405,
  slow_down: 429,
  // RFC 8707 §2: the requested resource is invalid, unknown or malformed.
  invalid_target: 400,
  access_denied: 400,
  unsupported_response_type: 400,
  login_required: 400,
  consent_required: 400,
  interaction_required: 400,
};

export interface OAuthErrorOptions {
  status?: number;
  /** Extra response headers, e.g. WWW-Authenticate or Retry-After. */
  headers?: Record<string, string>;
  /** Stable reason code for the audit trail; never sent to the client. */
  reason?: string;
  cause?: unknown;
}

export class OAuthError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly reason: string;

  constructor(
    readonly code: OAuthErrorCode,
    readonly description?: string,
    options: OAuthErrorOptions = {},
  ) {
    super(description ? `${code}: ${description}` : code, { cause: options.cause });
    this.name = 'OAuthError';
    this.status = options.status ?? DEFAULT_STATUS[code];
    this.headers = options.headers ?? {};
    this.reason = options.reason ?? code;
  }
}

export const invalidRequest = (description: string, reason?: string) =>
  new OAuthError('invalid_request', description, { reason });

/** A store or dependency failed: 503 with Retry-After, never a silent success. */
export const temporarilyUnavailable = (cause: unknown, retryAfterSeconds = 2) =>
  new OAuthError('temporarily_unavailable', 'The service is temporarily unavailable, retry later', {
    headers: { 'Retry-After': String(retryAfterSeconds) },
    reason: 'store_unavailable',
    cause,
  });

export interface SerializedError {
  status: number;
  headers: Record<string, string>;
  body: { error: string; error_description?: string };
  reason: string;
  internal: boolean;
}

/** Turns anything thrown into what the client may see. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof OAuthError) {
    const body: SerializedError['body'] = { error: err.code === 'method_not_allowed' ? 'invalid_request' : err.code };
    if (err.description) body.error_description = err.description;
    return { status: err.status, headers: err.headers, body, reason: err.reason, internal: err.code === 'server_error' };
  }
  return {
    status: 500,
    headers: {},
    body: { error: 'server_error', error_description: 'An internal error occurred' },
    reason: 'internal_error',
    internal: true,
  };
}
