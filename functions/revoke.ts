import { apiHandler } from '../lib/http/api-handler';
import { handleRevocationRequest } from '../lib/endpoints/revoke';
import { runtime } from '../lib/composition/container';

/** POST /oauth2/revoke (RFC 7009) */
export const handler = apiHandler('revoke', (req) => handleRevocationRequest(req, runtime.tokenLookupDeps()));
