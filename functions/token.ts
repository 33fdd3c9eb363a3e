import { apiHandler } from '../lib/http/api-handler';
import { runtime } from '../lib/composition/container';
import { handleTokenRequest } from '../lib/endpoints/token';

/** POST /oauth2/token */
export const handler = apiHandler('token', (req) => handleTokenRequest(req, runtime.tokenEndpointDeps()));
