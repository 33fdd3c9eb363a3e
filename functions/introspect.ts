import { handleIntrospect } from '../lib/composition/presented-token';
import { apiHandler } from '../lib/http/api-handler';

/** POST /oauth2/introspect (RFC 7662) */
export const handler = apiHandler('introspect', handleIntrospect);
