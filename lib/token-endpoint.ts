/** POST /oauth2/token: client authentication, grant, mint, audit — the whole token endpoint behind one call. */
import type { AuditSink } from './audit/types';
import type { Clock } from './clock';
import { systemClock } from './clock';
import { CachedClientLookup } from './clients/client-cache';
import { readClientCredentials, verifyClient, type ClientCredentials } from './clients/client-auth';
import type { Config } from './config/types';
import { OAuthError, serializeError } from './errors';
import { clientCredentialsGrant } from './grants/client-credentials';
import { readFormRequest, type FormParams } from './http/form';
import type { HttpRequest } from './http/request';
import { errorResponse, noStoreJson, type HttpResponse } from './http/response';
import type { IdGenerator } from './ids';
import { randomIds } from './ids';
import type { KeyRing } from './keys/key-ring';
import { auditContext } from './request-context';
import { guardStore } from './store-guard';
import { mintAccessToken } from './tokens/mint';

export const SUPPORTED_GRANT_TYPES = ['client_credentials'] as const;

export interface TokenEndpointDeps {
  config: Config;
  clients: CachedClientLookup;
  keyRing: KeyRing;
  audit: AuditSink;
  clock?: Clock;
  ids?: IdGenerator;
}

export async function handleTokenRequest(req: HttpRequest, deps: TokenEndpointDeps): Promise<HttpResponse> {
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  let params: FormParams | undefined;
  let creds: ClientCredentials | undefined;
  try {
    params = readFormRequest(req, deps.config.maxBodyBytes);
    const grantType = params.get('grant_type');
    if (!grantType) throw new OAuthError('invalid_request', 'grant_type is required', { reason: 'missing_grant_type' });
    creds = readClientCredentials(req, params);
    const client = verifyClient(await guardStore(deps.clients.get(creds.clientId)), creds, clock);
    if (!(SUPPORTED_GRANT_TYPES as readonly string[]).includes(grantType)) {
      throw new OAuthError('unsupported_grant_type', 'The grant type is not supported', { reason: 'unsupported_grant_type' });
    }
    const mint = clientCredentialsGrant(params, client, deps.config);
    const signer = await guardStore(deps.keyRing.activeSigner());
    const { token, claims } = await guardStore(mintAccessToken(mint, signer, { clock, ids: deps.ids ?? randomIds }));
    deps.audit.emit({
      event: 'token.issued',
      outcome: 'success',
      client_id: client.clientId,
      sub: claims.sub,
      jti: claims.jti,
      scopes_requested: params.get('scope')?.split(' ').filter(Boolean),
      scopes_granted: mint.scopes,
      latency_ms: clock.now() - started,
      ...auditContext(req),
      detail: { grant_type: grantType, auth_method: creds.method, kid: signer.kid },
    });
    await deps.audit.flush();
    return noStoreJson(200, {
      access_token: token,
      token_type: 'Bearer',
      expires_in: mint.lifetimeSeconds,
      scope: claims.scope,
    });
  } catch (err) {
    const s = serializeError(err);
    deps.audit.emit({
      event: 'token.denied',
      outcome: 'failure',
      reason: s.body.error === 'server_error' ? 'internal_error' : s.reason,
      client_id: creds?.clientId?.slice(0, 128),
      scopes_requested: params?.get('scope')?.split(' ').filter(Boolean).slice(0, 20),
      latency_ms: clock.now() - started,
      ...auditContext(req),
      detail: { error: s.body.error },
    });
    await deps.audit.flush();
    return errorResponse(err);
  }
}
