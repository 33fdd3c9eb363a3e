/**
 * The client authentication methods portcullis accepts, in the order a request is examined. Metadata
 * (`*_auth_methods_supported`) is built from this list. A request uses exactly one method (RFC 6749 §2.3).
 */
import { invalidRequest } from '../core/errors';
import type { FormParams } from '../http/form';
import type { HttpRequest } from '../http/request';
import { invalidClient, type AuthMethodName, type ClientAuthMethod, type ClientCredentials } from './method';
import { secretBasic } from './secret-basic';
import { secretPost } from './secret-post';
import { privateKeyJwt } from './private-key-jwt';
import { none } from './none';

export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [secretBasic, secretPost, privateKeyJwt, none];

export const AUTH_METHOD_NAMES: AuthMethodName[] = CLIENT_AUTH_METHODS.map((m) => m.name);

export function authMethod(name: AuthMethodName): ClientAuthMethod {
  const m = CLIENT_AUTH_METHODS.find((x) => x.name === name);
  if (!m) throw new Error(`unknown client authentication method ${name}`);
  return m;
}

/** Reads the credentials of the one method the request uses; throws invalid_request / invalid_client when malformed. */
export function readClientCredentials(req: HttpRequest, params: FormParams): ClientCredentials {
  const presented = CLIENT_AUTH_METHODS.filter((m) => m.presented(req, params));
  if (presented.length === 0) throw invalidClient('missing_credentials');
  // The first method's own errors come first (a malformed header says so), then the one-method rule.
  const creds = presented[0].read(req, params);
  if (presented.length > 1) throw invalidRequest('Use one client authentication method per request', 'multiple_auth_methods');
  return creds;
}
