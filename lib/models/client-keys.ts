/**
 * How a client authenticates when it holds no shared secret (RFC 7591 §2 `token_endpoint_auth_method`, `jwks`,
 * `jwks_uri`), and its token quota. Part of the client record (client.ts).
 */

/** A public JWK as the client registered it (public members only: registration refuses private ones). */
export type PublicJwkJson = Record<string, unknown>;

export interface ClientKeySettings {
  /**
   * `private_key_jwt` (RFC 7523 §2.2): the client signs an assertion with its own key; it has no secret.
   * Absent: the client authenticates with its secret (`client_secret_basic` or `client_secret_post`).
   */
  tokenEndpointAuthMethod?: 'private_key_jwt';
  /** The client's public keys, registered inline (`--jwks`). Exactly one of jwks / jwksUri with private_key_jwt. */
  jwks?: { keys: PublicJwkJson[] };
  /** Where the client publishes its public keys (`--jwks-uri`, https): fetched bounded and cached (lib/client-auth/client-keys.ts). */
  jwksUri?: string;
}

export interface ClientQuotaSettings {
  /** Tokens the token endpoint issues to this client per minute (a fixed window, counted across containers); absent: no quota. */
  maxTokensPerMinute?: number;
}
