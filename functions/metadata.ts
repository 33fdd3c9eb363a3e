import { apiHandler } from '../lib/http/api-handler';
import { json } from '../lib/http/response';
import { authorizationServerMetadata } from '../lib/metadata';
import { runtime } from '../lib/runtime';

/** GET /.well-known/oauth-authorization-server (RFC 8414) */
export const handler = apiHandler('metadata', async () =>
  json(200, authorizationServerMetadata(runtime.config()), { 'Cache-Control': 'public, max-age=300' }),
);
