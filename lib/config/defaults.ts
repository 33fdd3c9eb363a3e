/** Every default in one place, with its unit in the name. */
export const DEFAULTS = {
  stage: 'local',
  service: 'portcullis',
  region: 'us-east-1',
  issuer: 'http://localhost:3000',
  audience: 'https://api.portcullis.local',
  /** Access token lifetime unless the client sets its own. */
  tokenLifetimeSeconds: 3600,
  /** Longest lifetime a client may be given. */
  maxTokenLifetimeSeconds: 86_400,
  signingAlg: 'RS256' as 'RS256' | 'ES256',
  /** Tolerance on exp / nbf / iat when verifying. */
  clockSkewSeconds: 30,
  /** Form bodies above this are refused with invalid_request. */
  maxBodyBytes: 16 * 1024,
  /** Cached client records may be this stale (disable, secret rotation) at the token endpoint. */
  clientCacheTtlMs: 5_000,
  /** Revocation snapshot refresh interval in the authorizer. */
  revocationRefreshMs: 1_000,
  /** After this long without a successful refresh the authorizer denies (fail closed). */
  revocationMaxStalenessMs: 4_000,
  /**
   * Each snapshot refresh re-reads the feed this far before the older of its last position and its last successful
   * refresh (GSI eventual consistency): a record the index delivers within this long is read at the next refresh.
   */
  revocationFeedOverlapMs: 2_000,
  /** Each authorizer container re-reads the whole feed horizon this often: a record the index delivered later than the overlap. */
  revocationFullReloadMs: 60_000,
  /** Cold-start load: margin on top of max token lifetime + 2 × skew when reading the feed back in time. */
  revocationFeedHorizonMarginSeconds: 300,
  /** Verified-token cache entries per authorizer container. */
  verifiedTokenCacheEntries: 10_000,
  /** API Gateway authorizer result cache TTL: off (every request is decided). */
  authorizerCacheSeconds: 0,
  /** Minimum time between two JWKS refetches triggered by an unknown kid. */
  jwksRefetchMinIntervalMs: 10_000,
  /** One JWKS fetch by the authorizer (cold start or unknown kid); a failure keeps the last good keys. */
  jwksFetchTimeoutMs: 2_000,
  /**
   * The authorizer trusts its last good JWKS at most this long after it was fetched; then every token is denied
   * (`jwks_unavailable`) until a fetch succeeds, so a key withdrawn with `keys retire` is not trusted forever
   * while the JWKS endpoint fails. Default: twice jwksCacheSeconds (whichever is larger), so the background
   * refresh, which starts at jwksCacheSeconds, has as long again to get through.
   */
  jwksMaxStalenessSeconds: 600,
  /** `admin explain` / `admin doctor`: one JWKS or metadata fetch (a cold local function can take seconds). */
  troubleshootFetchTimeoutMs: 10_000,
  /** Signing keys: the key ring re-reads the key list after this long (no store read per token). */
  keyCacheSeconds: 30,
  /** Signing keys: a stale key list is used at most this long when the store fails (then 503). */
  keyMaxStalenessSeconds: 60,
  /** JWKS response Cache-Control max-age; a rotated key is published this long (+ staleness) before it signs. */
  jwksCacheSeconds: 300,
  /** Timeout of one DynamoDB or KMS attempt (2 attempts): two store calls in a row stay below the 6 s Lambda timeout. */
  storeTimeoutMs: 1_000,
  /** Client secrets: bytes of randomness. */
  clientSecretBytes: 32,
  /** Failed client authentications before back-off starts. */
  bruteForceFreeAttempts: 5,
  /** First lockout; doubles with every further failure, up to the max. */
  bruteForceBaseLockoutSeconds: 1,
  bruteForceMaxLockoutSeconds: 300,
  /** POST /oauth2/revoke: new revocation records one client may write per window (replays do not count). */
  revokeRateLimitMaxRevocations: 100,
  /** The fixed window of the revoke rate limit. */
  revokeRateLimitWindowSeconds: 10,
  /** private_key_jwt: an assertion's `exp` may be at most this far ahead (plus the clock skew); its jti is kept until then. */
  clientAssertionMaxLifetimeSeconds: 300,
  /** private_key_jwt with a `jwks_uri`: the client's keys are re-fetched after this long. */
  clientJwksCacheSeconds: 300,
  /** An assertion whose kid is not in the client's cached JWKS triggers at most one refetch per this interval (per URI). */
  clientJwksRefetchMinIntervalMs: 60_000,
  /** After a failed fetch of a client's JWKS, no new attempt for this long (a down JWKS costs one timeout, not one per request). */
  clientJwksRetryAfterFailureMs: 10_000,
  /** While a client's JWKS cannot be fetched, its last good keys are trusted at most this long after they were fetched. */
  clientJwksMaxStalenessSeconds: 600,
  /** One fetch of a client's JWKS, start to end (no redirects, at most 64 KiB). */
  clientJwksFetchTimeoutMs: 1_500,
  /** Per-client token quotas (`--max-tokens-per-minute`): the fixed window they are counted in. */
  tokenQuotaWindowSeconds: 60,
  /** Refresh tokens: a superseded token may be exchanged again this long after it was (two tabs, a retried request). */
  refreshReuseGraceSeconds: 10,
  /** A refresh-token family ends this long after the sign-in, whatever happens… */
  refreshAbsoluteLifetimeSeconds: 30 * 86_400,
  /** …and after this long without a refresh. */
  refreshIdleLifetimeSeconds: 7 * 86_400,
  /** Largest absolute lifetime the configuration accepts (grant and session revocation records are kept this long). */
  refreshMaxAbsoluteLifetimeSeconds: 90 * 86_400,
  /** Superseded refresh-token hashes remembered per family (a replay of any of them revokes the family). */
  refreshRetiredHashes: 16,
  /** SSO session: ends after this long without use… */
  sessionIdleTimeoutSeconds: 3_600,
  /** …and this long after the sign-in, whatever happens. */
  sessionAbsoluteTimeoutSeconds: 43_200,
  /** A session's idle deadline is pushed forward at most this often (so most uses write nothing): 1/12 of the idle timeout, at least this. */
  sessionTouchMinIntervalSeconds: 60,
  /**
   * Logout: the session's revocation covers tokens issued up to this far after it is written (lib/sessions/end-session.ts),
   * so a token minted from the session while the session record is being removed (at most 2 store attempts) dies too.
   */
  sessionEndMarginSeconds: 5,
  /** Authorization codes live this long (RFC 6749 §4.1.2: short; single use). */
  authorizationCodeLifetimeSeconds: 60,
  /** The password grant (RFC 6749 §4.3) is off unless custom.portcullis.passwordGrant.enabled is true (RFC 9700 §2.4). */
  passwordGrantEnabled: false as boolean,
  /** Passwords longer than this (UTF-8 bytes) are refused before any hashing. */
  maxPasswordBytes: 1024,
  /** Argon2id (OWASP Password Storage Cheat Sheet): 19 MiB, 2 iterations, 1 lane. */
  argon2MemoryKiB: 19_456,
  argon2Iterations: 2,
  argon2Parallelism: 1,
  /** The hosted pages (login, consent, errors). */
  brandingProductName: 'portcullis',
  brandingPrimaryColor: '#2f5bd3',
  brandingBackgroundColor: '#f4f6fa',
} as const;
