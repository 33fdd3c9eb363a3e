/**
 * GET /.well-known/jwks.json: the keys a verifier may meet (next, active, previous), cacheable for the JWKS
 * max-age. Read-only. Before the stage's first key exists (`keys init`), or when the key store cannot be read:
 * 503 temporarily_unavailable.
 */
import type { Config } from '../config/types';
import { OAuthError } from '../core/errors';
import { errorResponse, json, type HttpResponse } from '../http/response';
import type { KeyRing } from '../keys/key-ring';
import { jwksCacheControl } from '../keys/timings';

export async function handleJwksRequest(deps: { config: Config; keyRing: KeyRing }): Promise<HttpResponse> {
  try {
    return json(200, await deps.keyRing.jwks(), { 'Cache-Control': jwksCacheControl(deps.config) });
  } catch (err) {
    if (err instanceof OAuthError) return errorResponse(err);
    throw err;
  }
}
