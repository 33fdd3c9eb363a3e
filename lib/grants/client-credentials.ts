/** RFC 6749 §4.4 client credentials grant: the client acts on its own behalf; no refresh token (§4.4.3). */
import { resolveResource, scopesForTarget } from '../oauth/resources';
import { grantScopes, parseScope } from '../oauth/scopes';
import type { Grant } from './grant';

export const clientCredentialsGrant: Grant = {
  grantType: 'client_credentials',
  parameters: ['scope', 'resource'],
  handle({ params, client }, { config }) {
    // RFC 8707: the API the token is for (default: the default audience) and the scopes that belong to it.
    const target = resolveResource(params.get('resource'), config);
    const requested = params.has('scope') ? parseScope(params.get('scope')!) : undefined;
    const scopes = scopesForTarget(grantScopes(requested, client, config.scopes), target);
    return {
      accessToken: {
        issuer: config.issuer,
        audience: target.audience,
        clientId: client.clientId,
        subject: client.clientId,
        scopes,
        lifetimeSeconds: Math.min(client.tokenLifetimeSeconds ?? config.tokenLifetimeSeconds, config.maxTokenLifetimeSeconds),
      },
      ...(target.resource !== undefined ? { auditDetail: { resource: target.resource } } : {}),
    };
  },
};
