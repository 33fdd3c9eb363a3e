import { apiHandler } from '../lib/http/api-handler';
import { json } from '../lib/http/response';
import { authorizationServerMetadata } from '../lib/endpoints/discovery';
import { runtime } from '../lib/composition/container';

/** GET /.well-known/oauth-authorization-server (RFC 8414) */
export const handler = apiHandler('metadata', async () =>
  json(200, authorizationServerMetadata(runtime.config()), { 'Cache-Control': 'public, max-age=300' }),
);
