import { apiHandler } from '../lib/http/api-handler';
import { json } from '../lib/http/response';
import { jwksCacheControl } from '../lib/keys/timings';
import { runtime } from '../lib/composition/container';

/** GET /.well-known/jwks.json: the keys a verifier may meet (next, active, previous). */
export const handler = apiHandler('jwks', async () =>
  json(200, await runtime.keyRing().jwks(), { 'Cache-Control': jwksCacheControl(runtime.config()) }),
);
