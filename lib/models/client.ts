/** A registered OAuth client (RFC 6749 §2), as stored. */
import type { ClientKeySettings, ClientQuotaSettings } from './client-keys';

export interface ClientSecret {
  /** SHA-256 of the secret, hex. The secret itself is never stored. */
  hash: string;
  createdAt: number;
  /** Epoch seconds after which this secret no longer authenticates (rotation overlap). */
  expiresAt?: number;
}

export type GrantType = 'client_credentials';

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
  /** Up to two secrets: the current one first, the previous one during rotation. */
  secrets: ClientSecret[];
  /** Epoch seconds. */
  createdAt: number;
  updatedAt: number;
}
