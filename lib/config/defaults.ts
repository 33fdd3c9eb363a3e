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
  revocationMaxStalenessMs: 5_000,
  /** Verified-token cache entries per authorizer container. */
  verifiedTokenCacheEntries: 10_000,
  /** Minimum time between two JWKS refetches triggered by an unknown kid. */
  jwksRefetchMinIntervalMs: 10_000,
  /** Timeout of one DynamoDB call; below the Lambda timeout. */
  storeTimeoutMs: 2_000,
  /** Audit batch: flushed when this many events wait, or at the end of an invocation. */
  auditBatchSize: 100,
  /** Client secrets: bytes of randomness. */
  clientSecretBytes: 32,
  /** Failed client authentications before back-off starts. */
  bruteForceFreeAttempts: 5,
  /** First lockout; doubles with every further failure, up to the max. */
  bruteForceBaseLockoutSeconds: 1,
  bruteForceMaxLockoutSeconds: 300,
} as const;
