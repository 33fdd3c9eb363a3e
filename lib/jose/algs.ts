/** JWS algorithms (RFC 7518 §3, RFC 8037): what portcullis signs with, and what it may verify. */

/** What the token endpoint signs with, and so all its own tokens may carry: never RSA-PSS, HMAC, EdDSA or `none`. */
export const OWN_TOKEN_ALGS: ReadonlySet<string> = new Set(['RS256', 'ES256']);

/** ES256 (RFC 7518 §3.4): r || s, 64 bytes = 86 base64url characters. Anything else cannot verify. */
export const ES256_SIGNATURE_CHARS = 86;

/**
 * What a client may sign its `private_key_jwt` assertion with (RFC 7523, OIDC Core §9): asymmetric only, never
 * `none` or HS* (the server never holds a client secret to check an HMAC with, and a public key must never be one).
 */
export const CLIENT_ASSERTION_ALGS: ReadonlySet<string> = new Set(['RS256', 'PS256', 'ES256', 'EdDSA']);
