/** GET /.well-known/jwks.json: the keys a verifier may meet (next, active, previous), cacheable for the JWKS max-age. */
import type { Config } from '../config/types';
import { json, type HttpResponse } from '../http/response';
import type { KeyRing } from '../keys/key-ring';
import { jwksCacheControl } from '../keys/timings';

export async function handleJwksRequest(deps: { config: Config; keyRing: KeyRing }): Promise<HttpResponse> {
  return json(200, await deps.keyRing.jwks(), { 'Cache-Control': jwksCacheControl(deps.config) });
}
