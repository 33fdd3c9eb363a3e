import { OAuthError } from '../lib/errors';
import { apiHandler } from '../lib/http/api-handler';
import { errorResponse, json } from '../lib/http/response';
import { jwksCacheControl } from '../lib/keys/timings';
import { runtime } from '../lib/runtime';

/**
 * GET /.well-known/jwks.json: the keys a verifier may meet (next, active, previous). Read-only. Before the
 * stage's first key exists (`keys init`), or when the key store cannot be read: 503 temporarily_unavailable.
 */
export const handler = apiHandler('jwks', async () => {
  try {
    return json(200, await runtime.keyRing().jwks(), { 'Cache-Control': jwksCacheControl(runtime.config()) });
  } catch (err) {
    if (err instanceof OAuthError) return errorResponse(err);
    throw err;
  }
});
