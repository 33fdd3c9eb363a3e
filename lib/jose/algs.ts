/** JWS algorithms (RFC 7518 §3, RFC 8037): what portcullis signs with, and what it may verify. */

/** What the token endpoint signs with, and so all its own tokens may carry: never RSA-PSS, HMAC, EdDSA or `none`. */
export const OWN_TOKEN_ALGS: ReadonlySet<string> = new Set(['RS256', 'ES256']);

/** ES256 (RFC 7518 §3.4): r || s, 64 bytes = 86 base64url characters. Anything else cannot verify. */
export const ES256_SIGNATURE_CHARS = 86;
