/** client_secret_basic (RFC 6749 §2.3.1): HTTP Basic, with the id and secret form-urlencoded before base64 (App. B). */
import { invalidRequest } from '../core/errors';
import { decodeFormComponent } from '../http/form';
import { getHeader } from '../http/headers';
import { invalidClient, type ClientAuthMethod } from './method';
import { verifyClientSecret } from './verify-secret';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export const secretBasic: ClientAuthMethod = {
  name: 'client_secret_basic',
  // Any Authorization header is this method's to judge: another scheme is refused, not ignored.
  presented: (req) => getHeader(req.headers, 'authorization') !== undefined,
  read(req, params) {
    const header = getHeader(req.headers, 'authorization')!;
    const m = /^Basic[ ]+(\S+)\s*$/i.exec(header);
    if (!m) {
      if (/^\S+\s/.test(header) && !/^Basic\b/i.test(header)) throw invalidClient('unsupported_auth_scheme');
      throw invalidRequest('The Authorization header is malformed', 'malformed_basic');
    }
    if (!BASE64.test(m[1]) || m[1].length % 4 !== 0) throw invalidRequest('The Authorization header is not valid base64', 'malformed_basic');
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) throw invalidRequest('The Basic credentials have no colon', 'malformed_basic');
    const clientId = decodeFormComponent(decoded.slice(0, colon));
    const secret = decodeFormComponent(decoded.slice(colon + 1));
    if (!clientId || !secret) throw invalidClient('missing_credentials');
    const postId = params.get('client_id');
    if (postId !== undefined && postId !== clientId) throw invalidRequest('client_id does not match the Authorization header', 'client_id_mismatch');
    return { clientId, secret, method: 'client_secret_basic' };
  },
  verify: verifyClientSecret,
};
