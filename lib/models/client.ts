/** A registered OAuth client (RFC 6749 §2), as stored. */
import type { ClientKeySettings, ClientQuotaSettings } from './client-keys';

export interface ClientSecret {
  /** SHA-256 of the secret, hex. The secret itself is never stored. */
  hash: string;
  createdAt: number;
  /** Epoch seconds after which this secret no longer authenticates (rotation overlap). */
  expiresAt?: number;
}

/**
 * `refresh_token`: the client gets a refresh token with every code exchange (lib/grants/refresh-token.ts). `password`
 * works only where the deployment turned the password grant on (custom.portcullis.passwordGrant.enabled;
 * lib/grants/password.ts).
 */
export type GrantType = 'client_credentials' | 'authorization_code' | 'refresh_token' | 'password';

export interface ClientRecord extends ClientKeySettings, ClientQuotaSettings {
  clientId: string;
  name: string;
  allowedScopes: string[];
  defaultScopes: string[];
  grantTypes: GrantType[];
  /** Overrides the global access token lifetime. */
  tokenLifetimeSeconds?: number;
  status: 'active' | 'disabled';
  /** Resource-server permission: may introspect tokens issued to other clients. */
  canIntrospectOthers?: boolean;
  /** Up to two secrets: the current one first, the previous one during rotation. None for a public client. */
  secrets: ClientSecret[];
  /** Authorization code flow: the registered redirect URIs (exact match; lib/clients/redirect-uris.ts). */
  redirectUris?: string[];
  /** Where the logout of the OpenID Connect issue may send the browser back to (registered now, used there). */
  postLogoutRedirectUris?: string[];
  /** A public client (native or browser app, RFC 8252 / RFC 6749 §2.1): no secret, token endpoint auth method `none`. */
  public?: boolean;
  /** Not operated by the operator: the user is asked to consent to the scopes it requests (remembered per user). */
  thirdParty?: boolean;
  /**
   * Refresh tokens (lib/refresh): rotation (always on for a public client; on unless turned off for a confidential
   * one) and lifetimes that can only shorten the global ones.
   */
  refreshTokens?: ClientRefreshSettings;
  /** Epoch seconds. */
  createdAt: number;
  updatedAt: number;
}

export interface ClientRefreshSettings {
  /** false: a confidential client keeps its refresh token across refreshes. Ignored (always on) for a public client. */
  rotation?: boolean;
  absoluteLifetimeSeconds?: number;
  idleLifetimeSeconds?: number;
}
