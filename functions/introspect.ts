import { apiHandler } from '../lib/http/api-handler';
import { handleIntrospectionRequest } from '../lib/introspection-endpoint';
import { runtime } from '../lib/runtime';

/** POST /oauth2/introspect (RFC 7662) */
export const handler = apiHandler('introspect', (req) => handleIntrospectionRequest(req, runtime.tokenLookupDeps()));
