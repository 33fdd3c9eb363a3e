/** RFC 6749 §4.4 client credentials grant: the client acts on its own behalf; no refresh token (§4.4.3). */
import { grantScopes, parseScope } from '../oauth/scopes';
import type { Grant } from './grant';

export const clientCredentialsGrant: Grant = {
  grantType: 'client_credentials',
  parameters: ['scope'],
  handle({ params, client }, { config }) {
    const requested = params.has('scope') ? parseScope(params.get('scope')!) : undefined;
    const scopes = grantScopes(requested, client, config.scopes);
    return {
      accessToken: {
        issuer: config.issuer,
        audience: config.audience,
        clientId: client.clientId,
        subject: client.clientId,
        scopes,
        lifetimeSeconds: Math.min(client.tokenLifetimeSeconds ?? config.tokenLifetimeSeconds, config.maxTokenLifetimeSeconds),
      },
    };
  },
};
