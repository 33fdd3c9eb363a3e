import { apiHandler } from '../lib/http/api-handler';
import { handleRevocationRequest } from '../lib/revocation-endpoint';
import { runtime } from '../lib/runtime';

/** POST /oauth2/revoke (RFC 7009) */
export const handler = apiHandler('revoke', (req) => handleRevocationRequest(req, runtime.revokeDeps()));
