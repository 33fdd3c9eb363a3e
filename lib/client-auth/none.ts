/**
 * `none` (RFC 7591 §2, RFC 8414): a public client (native or browser app, `clients create --public`) sends only
 * its `client_id`; what proves the request is the PKCE verifier of the authorization code grant. Only a client
 * registered as public may use it: a confidential client's id without a secret is `invalid_client`.
 * Not presented when the request carries another method's credentials (Authorization header, client_secret,
 * client_assertion), so a confidential client's request is never read as a public one.
 */
import { getHeader } from '../http/headers';
import { invalidClient, type ClientAuthMethod } from './method';

export const none: ClientAuthMethod = {
  name: 'none',
  presented: (req, params) =>
    params.has('client_id') && getHeader(req.headers, 'authorization') === undefined && !params.has('client_secret') && !params.has('client_assertion'),
  read: (_req, params) => ({ clientId: params.get('client_id')!, secret: '', method: 'none' }),
  verify(client) {
    // An unknown id is a guess like a wrong secret (counted by the lockout); a confidential client without its secret is not.
    if (!client) throw invalidClient('unknown_client');
    if (!client.public) throw invalidClient('not_public_client');
    if (client.status !== 'active') throw invalidClient('client_disabled');
    return client;
  },
};
