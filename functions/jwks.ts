import { handleJwks } from '../lib/composition/public-documents';
import { apiHandler } from '../lib/http/api-handler';

/** GET /.well-known/jwks.json */
export const handler = apiHandler('jwks', handleJwks);
