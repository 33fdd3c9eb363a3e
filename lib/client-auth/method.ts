/**
 * Client authentication methods (RFC 6749 §2.3, RFC 8414 `token_endpoint_auth_methods_supported`): each method
 * is one file that says whether a request uses it, reads its credentials, and verifies them against the stored
 * client. The registry (registry.ts) lists them; a new method is a new file plus one registry line.
 * Unknown client, wrong credentials and disabled client get the same answer and similar timing.
 */
import { OAuthError } from '../core/errors';
import type { Clock } from '../core/clock';
import type { FormParams } from '../http/form';
import type { HttpRequest } from '../http/request';
import type { ClientRecord } from '../models/client';
import type { ClientAssertionServices } from './assertion-services';

export type AuthMethodName = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

/** What a request presents: the client id, and the secret of the secret methods ('' for `none`) or the assertion of private_key_jwt. Never logged. */
export interface ClientCredentials {
  clientId: string;
  /** The secret methods' secret; empty for private_key_jwt. */
  secret: string;
  method: AuthMethodName;
  /** private_key_jwt: the signed client assertion (RFC 7523 §2.2). */
  assertion?: string;
}

/** What verifying a method may need besides the client record (injected; absent in unit tests of the secret methods). */
export interface ClientAuthServices {
  /** private_key_jwt: the client's keys, used jtis, and where the assertion must be addressed. */
  assertions?: ClientAssertionServices;
}

export interface ClientAuthMethod {
  readonly name: AuthMethodName;
  /** True when the request carries this method's credentials, well-formed or not. */
  presented(req: HttpRequest, params: FormParams): boolean;
  /** The credentials; throws invalid_request / invalid_client when they are malformed. */
  read(req: HttpRequest, params: FormParams): ClientCredentials;
  /** The client, or invalid_client. `client` is undefined for an unknown id, which costs the same work. */
  verify(client: ClientRecord | undefined, creds: ClientCredentials, clock: Clock, services?: ClientAuthServices): ClientRecord | Promise<ClientRecord>;
}

export const REALM = 'portcullis';

/** RFC 6749 §5.2: 401 with WWW-Authenticate; the reason goes to the audit trail only. */
export const invalidClient = (reason: string): OAuthError =>
  new OAuthError('invalid_client', 'Client authentication failed', {
    headers: { 'WWW-Authenticate': `Basic realm="${REALM}", charset="UTF-8"` },
    reason,
  });
