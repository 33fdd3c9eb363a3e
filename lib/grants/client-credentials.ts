/** RFC 6749 §4.4 client credentials grant: the client acts on its own behalf; no refresh token (§4.4.3). */
import type { Config } from '../config/types';
import { OAuthError } from '../core/errors';
import type { FormParams } from '../http/form';
import { grantScopes, parseScope } from '../oauth/scopes';
import type { ClientRecord } from '../stores/ports';
import type { MintInput } from '../tokens/access-token';

export function clientCredentialsGrant(params: FormParams, client: ClientRecord, config: Config): MintInput {
  if (!client.grantTypes.includes('client_credentials')) {
    throw new OAuthError('unauthorized_client', 'The client may not use this grant type', { reason: 'grant_not_allowed' });
  }
  const requested = params.has('scope') ? parseScope(params.get('scope')!) : undefined;
  const scopes = grantScopes(requested, client, config.scopes);
  return {
    issuer: config.issuer,
    audience: config.audience,
    clientId: client.clientId,
    subject: client.clientId,
    scopes,
    lifetimeSeconds: Math.min(client.tokenLifetimeSeconds ?? config.tokenLifetimeSeconds, config.maxTokenLifetimeSeconds),
  };
}
