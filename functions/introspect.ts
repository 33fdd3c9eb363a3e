import { apiHandler } from '../lib/http/api-handler';
import { handleIntrospectionRequest } from '../lib/endpoints/introspect';
import { runtime } from '../lib/composition/container';

/** POST /oauth2/introspect (RFC 7662) */
export const handler = apiHandler('introspect', (req) => handleIntrospectionRequest(req, runtime.tokenLookupDeps()));
