/**
 * Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3):
 * client_secret_basic (id and secret form-urlencoded before base64, App. B) or client_secret_post,
 * never both. Unknown client, wrong secret and disabled client get the same answer and similar timing.
 */
import type { Clock } from '../core/clock';
import { epochSeconds } from '../core/clock';
import { OAuthError, invalidRequest } from '../core/errors';
import { decodeFormComponent, type FormParams } from '../http/form';
import { getHeader } from '../http/headers';
import type { HttpRequest } from '../http/request';
import { DUMMY_SECRET_HASH, secretMatches } from './client-secret';
import type { ClientRecord } from '../stores/ports';

export type AuthMethod = 'client_secret_basic' | 'client_secret_post';
export const AUTH_METHODS: AuthMethod[] = ['client_secret_basic', 'client_secret_post'];

export interface ClientCredentials {
  clientId: string;
  secret: string;
  method: AuthMethod;
}

export const REALM = 'portcullis';

export const invalidClient = (reason: string): OAuthError =>
  new OAuthError('invalid_client', 'Client authentication failed', {
    headers: { 'WWW-Authenticate': `Basic realm="${REALM}", charset="UTF-8"` },
    reason,
  });

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Reads the credentials the request presents; throws invalid_request / invalid_client when malformed. */
export function readClientCredentials(req: HttpRequest, params: FormParams): ClientCredentials {
  const header = getHeader(req.headers, 'authorization');
  const postId = params.get('client_id');
  const postSecret = params.get('client_secret');
  if (header !== undefined) {
    const m = /^Basic[ ]+(\S+)\s*$/i.exec(header);
    if (!m) {
      if (/^\S+\s/.test(header) && !/^Basic\b/i.test(header)) throw invalidClient('unsupported_auth_scheme');
      throw invalidRequest('The Authorization header is malformed', 'malformed_basic');
    }
    if (postSecret !== undefined) throw invalidRequest('Use one client authentication method per request', 'multiple_auth_methods');
    if (!BASE64.test(m[1]) || m[1].length % 4 !== 0) throw invalidRequest('The Authorization header is not valid base64', 'malformed_basic');
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) throw invalidRequest('The Basic credentials have no colon', 'malformed_basic');
    const clientId = decodeFormComponent(decoded.slice(0, colon));
    const secret = decodeFormComponent(decoded.slice(colon + 1));
    if (!clientId || !secret) throw invalidClient('missing_credentials');
    if (postId !== undefined && postId !== clientId) throw invalidRequest('client_id does not match the Authorization header', 'client_id_mismatch');
    return { clientId, secret, method: 'client_secret_basic' };
  }
  if (postId === undefined || postSecret === undefined) throw invalidClient('missing_credentials');
  return { clientId: postId, secret: postSecret, method: 'client_secret_post' };
}

/** Checks the presented secret against the client's live secrets, in constant time and always once per slot. */
export function verifyClient(client: ClientRecord | undefined, creds: ClientCredentials, clock: Clock): ClientRecord {
  const now = epochSeconds(clock);
  const slots = client?.secrets ?? [];
  let ok = false;
  for (let i = 0; i < 2; i++) {
    const s = slots[i];
    const live = s !== undefined && (s.expiresAt === undefined || s.expiresAt > now);
    // Compare against a dummy hash for empty slots so unknown clients cost the same.
    const match = secretMatches(creds.secret, live ? s.hash : DUMMY_SECRET_HASH);
    ok = ok || (live && match);
  }
  if (!client) throw invalidClient('unknown_client');
  if (!ok) throw invalidClient('bad_secret');
  if (client.status !== 'active') throw invalidClient('client_disabled');
  return client;
}
