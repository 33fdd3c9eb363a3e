import { handleDiscovery } from '../lib/composition/public-documents';
import { apiHandler } from '../lib/http/api-handler';

/** GET /.well-known/oauth-authorization-server (RFC 8414) */
export const handler = apiHandler('metadata', handleDiscovery);
