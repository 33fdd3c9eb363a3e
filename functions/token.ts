import { apiHandler } from '../lib/http/api-handler';
import { runtime } from '../lib/runtime';
import { handleTokenRequest } from '../lib/token-endpoint';

/** POST /oauth2/token */
export const handler = apiHandler('token', (req) => handleTokenRequest(req, runtime.tokenEndpointDeps()));
