/** Signing keys and the JWKS: the signer, key-list caching, and how long verifiers may keep a JWKS. */
import { DEFAULTS } from '../defaults';
import { assertSecureUrl, ConfigError, num, oneOf, type Env } from '../env-values';
import type { Config, SigningAlg } from '../types';

export function keysSection(env: Env, issuer: string) {
  const alg = oneOf<SigningAlg>(env, 'PORTCULLIS_SIGNING_ALG', ['RS256', 'ES256'], DEFAULTS.signingAlg);
  const type = oneOf(env, 'PORTCULLIS_SIGNER', ['file', 'kms'], 'file');
  const signer = { type, alg, keyDir: env.PORTCULLIS_KEY_DIR || undefined, kmsKeyId: env.PORTCULLIS_KMS_KEY_ID || undefined };
  if (signer.type === 'file' && !signer.keyDir) throw new ConfigError('PORTCULLIS_KEY_DIR is required with the file signer');
  if (signer.type === 'kms' && !signer.kmsKeyId) throw new ConfigError('PORTCULLIS_KMS_KEY_ID is required with the kms signer');
  const jwksUri = env.PORTCULLIS_JWKS_URI || `${issuer}/.well-known/jwks.json`;
  assertSecureUrl('PORTCULLIS_JWKS_URI', jwksUri);
  const jwksCacheSeconds = num(env, 'PORTCULLIS_JWKS_CACHE_SECONDS', DEFAULTS.jwksCacheSeconds);
  const jwksRefetchMinIntervalMs = num(env, 'PORTCULLIS_JWKS_REFETCH_MIN_INTERVAL_MS', DEFAULTS.jwksRefetchMinIntervalMs);
  const jwksMaxStalenessSeconds = num(env, 'PORTCULLIS_JWKS_MAX_STALENESS_SECONDS', Math.max(DEFAULTS.jwksMaxStalenessSeconds, 2 * jwksCacheSeconds));
  // The background refresh starts when the keys are jwksCacheSeconds old and retries once per refetch interval.
  if (jwksMaxStalenessSeconds * 1000 <= jwksCacheSeconds * 1000 + jwksRefetchMinIntervalMs) {
    throw new ConfigError(
      `PORTCULLIS_JWKS_MAX_STALENESS_SECONDS (${jwksMaxStalenessSeconds}) must be above PORTCULLIS_JWKS_CACHE_SECONDS (${jwksCacheSeconds}) plus one PORTCULLIS_JWKS_REFETCH_MIN_INTERVAL_MS, or every container denies before its keys can be refreshed`,
    );
  }
  return {
    signer,
    jwksUri,
    jwksRefetchMinIntervalMs,
    jwksMaxStalenessSeconds,
    keys: {
      cacheSeconds: num(env, 'PORTCULLIS_KEY_CACHE_SECONDS', DEFAULTS.keyCacheSeconds),
      maxStalenessSeconds: num(env, 'PORTCULLIS_KEY_MAX_STALENESS_SECONDS', DEFAULTS.keyMaxStalenessSeconds),
      jwksCacheSeconds,
    },
  } satisfies Partial<Config>;
}
