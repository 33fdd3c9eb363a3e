/** client_secret_post (RFC 6749 §2.3.1): `client_id` and `client_secret` in the form body. */
import { invalidClient, type ClientAuthMethod } from './method';
import { verifyClientSecret } from './verify-secret';

export const secretPost: ClientAuthMethod = {
  name: 'client_secret_post',
  presented: (_req, params) => params.has('client_secret'),
  read(_req, params) {
    const clientId = params.get('client_id');
    const secret = params.get('client_secret');
    if (clientId === undefined || secret === undefined) throw invalidClient('missing_credentials');
    return { clientId, secret, method: 'client_secret_post' };
  },
  verify: verifyClientSecret,
};
