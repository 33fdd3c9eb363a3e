/**
 * The only module that reads process.env. Values come from serverless.yml
 * (provider.environment, filled by infra/serverless-plugin-portcullis.js) or,
 * for the local stack and tests, from infra/local.
 */
import { DEFAULTS } from './defaults';
import type { Config, RouteRule, ScopeCatalogue, SigningAlg } from './types';

export class ConfigError extends Error {
  constructor(message: string) {
    super(`portcullis configuration error: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function num(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

/** A whole number ≥ 1 (a limit of 0 would refuse every revocation). */
function positiveInt(env: Env, name: string, fallback: number): number {
  const value = num(env, name, fallback);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name} must be a whole number of at least 1, got "${env[name]}"`);
  return value;
}

function json<T>(env: Env, name: string, fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw new ConfigError(`${name} is not valid JSON`);
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Outside loopback every advertised URL must be https (RFC 6749 §3.1, RFC 8414 §2). */
export function assertSecureUrl(name: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a URL: "${value}"`);
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return;
  throw new ConfigError(`${name} must be an https URL outside the local stack, got "${value}"`);
}

/** Accepts `{"GET /x": "a b"}`, `{"GET /x": ["a","b"]}` or `{"GET /x": {"scopes": [...], "match": "any"}}`. */
export function parseRoutes(raw: unknown): RouteRule[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError('routes must be an object of "METHOD /path" keys');
  return Object.entries(raw as Record<string, unknown>).map(([key, value]) => {
    const m = /^([A-Za-z]+|\*)\s+(\/\S*)$/.exec(key.trim());
    if (!m) throw new ConfigError(`route "${key}" must look like "GET /path"`);
    const method = m[1] === '*' ? 'ANY' : m[1].toUpperCase();
    let scopes: string[];
    let match: 'all' | 'any' = 'all';
    if (typeof value === 'string') scopes = value.split(' ').filter(Boolean);
    else if (Array.isArray(value)) scopes = value.map(String);
    else if (value && typeof value === 'object') {
      const v = value as { scopes?: unknown; match?: unknown };
      scopes = typeof v.scopes === 'string' ? v.scopes.split(' ').filter(Boolean) : Array.isArray(v.scopes) ? v.scopes.map(String) : [];
      if (v.match !== undefined && v.match !== 'all' && v.match !== 'any') throw new ConfigError(`route "${key}": match must be "all" or "any"`);
      if (v.match) match = v.match as 'all' | 'any';
    } else throw new ConfigError(`route "${key}" has no scopes`);
    return { method, path: m[2], scopes, match };
  });
}

export function loadConfig(env: Env = process.env): Config {
  const stage = env.PORTCULLIS_STAGE || DEFAULTS.stage;
  const service = env.PORTCULLIS_SERVICE || DEFAULTS.service;
  const issuer = (env.PORTCULLIS_ISSUER || DEFAULTS.issuer).replace(/\/+$/, '');
  assertSecureUrl('PORTCULLIS_ISSUER', issuer);
  const alg = (env.PORTCULLIS_SIGNING_ALG || DEFAULTS.signingAlg) as SigningAlg;
  if (alg !== 'RS256' && alg !== 'ES256') throw new ConfigError(`PORTCULLIS_SIGNING_ALG must be RS256 or ES256, got "${alg}"`);
  const signerType = env.PORTCULLIS_SIGNER || 'file';
  if (signerType !== 'file' && signerType !== 'kms') throw new ConfigError(`PORTCULLIS_SIGNER must be file or kms`);
  const mode = env.PORTCULLIS_REVOCATION_MODE || 'snapshot';
  if (mode !== 'snapshot' && mode !== 'strict') throw new ConfigError(`PORTCULLIS_REVOCATION_MODE must be snapshot or strict`);
  const auditSink = env.PORTCULLIS_AUDIT_SINK || (stage === 'local' ? 'file' : 'cloudwatch');
  if (auditSink !== 'file' && auditSink !== 'cloudwatch') throw new ConfigError(`PORTCULLIS_AUDIT_SINK must be file or cloudwatch`);
  const auditConfirm = env.PORTCULLIS_AUDIT_CONFIRM || 'cloudwatch';
  if (auditConfirm !== 'cloudwatch' && auditConfirm !== 'journal') throw new ConfigError('PORTCULLIS_AUDIT_CONFIRM must be cloudwatch or journal');
  const jwksUri = env.PORTCULLIS_JWKS_URI || `${issuer}/.well-known/jwks.json`;
  assertSecureUrl('PORTCULLIS_JWKS_URI', jwksUri);
  const scopes = json<ScopeCatalogue>(env, 'PORTCULLIS_SCOPES', {});
  const routes = parseRoutes(json<unknown>(env, 'PORTCULLIS_ROUTES', {}));
  for (const r of routes) {
    for (const s of r.scopes) if (!(s in scopes)) throw new ConfigError(`route "${r.method} ${r.path}" needs scope "${s}", which is not declared`);
  }
  const jwksCacheSeconds = num(env, 'PORTCULLIS_JWKS_CACHE_SECONDS', DEFAULTS.jwksCacheSeconds);
  const jwksRefetchMinIntervalMs = num(env, 'PORTCULLIS_JWKS_REFETCH_MIN_INTERVAL_MS', DEFAULTS.jwksRefetchMinIntervalMs);
  const jwksMaxStalenessSeconds = num(env, 'PORTCULLIS_JWKS_MAX_STALENESS_SECONDS', Math.max(DEFAULTS.jwksMaxStalenessSeconds, 2 * jwksCacheSeconds));
  // The background refresh starts when the keys are jwksCacheSeconds old and retries once per refetch interval.
  if (jwksMaxStalenessSeconds * 1000 <= jwksCacheSeconds * 1000 + jwksRefetchMinIntervalMs) {
    throw new ConfigError(
      `PORTCULLIS_JWKS_MAX_STALENESS_SECONDS (${jwksMaxStalenessSeconds}) must be above PORTCULLIS_JWKS_CACHE_SECONDS (${jwksCacheSeconds}) plus one PORTCULLIS_JWKS_REFETCH_MIN_INTERVAL_MS, or every container denies before its keys can be refreshed`,
    );
  }
  const config: Config = {
    stage,
    service,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULTS.region,
    issuer,
    audience: env.PORTCULLIS_AUDIENCE || DEFAULTS.audience,
    tableName: env.PORTCULLIS_TABLE || `${service}-${stage}`,
    dynamoEndpoint: env.PORTCULLIS_DYNAMODB_ENDPOINT || undefined,
    scopes,
    routes,
    tokenLifetimeSeconds: num(env, 'PORTCULLIS_TOKEN_LIFETIME_SECONDS', DEFAULTS.tokenLifetimeSeconds),
    maxTokenLifetimeSeconds: num(env, 'PORTCULLIS_MAX_TOKEN_LIFETIME_SECONDS', DEFAULTS.maxTokenLifetimeSeconds),
    clockSkewSeconds: num(env, 'PORTCULLIS_CLOCK_SKEW_SECONDS', DEFAULTS.clockSkewSeconds),
    maxBodyBytes: num(env, 'PORTCULLIS_MAX_BODY_BYTES', DEFAULTS.maxBodyBytes),
    clientCacheTtlMs: num(env, 'PORTCULLIS_CLIENT_CACHE_TTL_MS', DEFAULTS.clientCacheTtlMs),
    storeTimeoutMs: num(env, 'PORTCULLIS_STORE_TIMEOUT_MS', DEFAULTS.storeTimeoutMs),
    bruteForce: {
      freeAttempts: num(env, 'PORTCULLIS_BRUTE_FORCE_FREE_ATTEMPTS', DEFAULTS.bruteForceFreeAttempts),
      baseLockoutSeconds: num(env, 'PORTCULLIS_BRUTE_FORCE_BASE_LOCKOUT_SECONDS', DEFAULTS.bruteForceBaseLockoutSeconds),
      maxLockoutSeconds: num(env, 'PORTCULLIS_BRUTE_FORCE_MAX_LOCKOUT_SECONDS', DEFAULTS.bruteForceMaxLockoutSeconds),
    },
    revokeRateLimit: {
      maxRevocations: positiveInt(env, 'PORTCULLIS_REVOKE_RATE_LIMIT_MAX_REVOCATIONS', DEFAULTS.revokeRateLimitMaxRevocations),
      windowSeconds: positiveInt(env, 'PORTCULLIS_REVOKE_RATE_LIMIT_WINDOW_SECONDS', DEFAULTS.revokeRateLimitWindowSeconds),
    },
    signer: {
      type: signerType,
      alg,
      keyDir: env.PORTCULLIS_KEY_DIR || undefined,
      kmsKeyId: env.PORTCULLIS_KMS_KEY_ID || undefined,
    },
    jwksUri,
    jwksRefetchMinIntervalMs,
    jwksMaxStalenessSeconds,
    keys: {
      cacheSeconds: num(env, 'PORTCULLIS_KEY_CACHE_SECONDS', DEFAULTS.keyCacheSeconds),
      maxStalenessSeconds: num(env, 'PORTCULLIS_KEY_MAX_STALENESS_SECONDS', DEFAULTS.keyMaxStalenessSeconds),
      jwksCacheSeconds,
    },
    revocation: {
      mode,
      refreshMs: num(env, 'PORTCULLIS_REVOCATION_REFRESH_MS', DEFAULTS.revocationRefreshMs),
      maxStalenessMs: num(env, 'PORTCULLIS_REVOCATION_MAX_STALENESS_MS', DEFAULTS.revocationMaxStalenessMs),
    },
    revocationFullReloadMs: num(env, 'PORTCULLIS_REVOCATION_FULL_RELOAD_MS', DEFAULTS.revocationFullReloadMs),
    verifiedTokenCacheEntries: num(env, 'PORTCULLIS_VERIFIED_TOKEN_CACHE_ENTRIES', DEFAULTS.verifiedTokenCacheEntries),
    authorizerCacheSeconds: num(env, 'PORTCULLIS_AUTHORIZER_CACHE_SECONDS', DEFAULTS.authorizerCacheSeconds),
    audit: {
      sink: auditSink,
      logGroup: env.PORTCULLIS_AUDIT_LOG_GROUP || `/${service}/${stage}/audit`,
      file: env.PORTCULLIS_AUDIT_FILE || undefined,
      endpoint: env.PORTCULLIS_AUDIT_CWL_ENDPOINT || undefined,
      batchSize: num(env, 'PORTCULLIS_AUDIT_BATCH_SIZE', DEFAULTS.auditBatchSize),
      maxBufferAgeMs: num(env, 'PORTCULLIS_AUDIT_MAX_BUFFER_AGE_MS', DEFAULTS.auditMaxBufferAgeMs),
      requestTimeoutMs: num(env, 'PORTCULLIS_AUDIT_REQUEST_TIMEOUT_MS', DEFAULTS.auditRequestTimeoutMs),
      confirm: auditConfirm,
    },
    functionName: env.AWS_LAMBDA_FUNCTION_NAME || undefined,
  };
  if (config.signer.type === 'file' && !config.signer.keyDir) throw new ConfigError('PORTCULLIS_KEY_DIR is required with the file signer');
  if (config.signer.type === 'kms' && !config.signer.kmsKeyId) throw new ConfigError('PORTCULLIS_KMS_KEY_ID is required with the kms signer');
  return config;
}

let cached: Config | undefined;
/** Config of this Lambda container, read once. */
export function getConfig(): Config {
  return (cached ??= loadConfig());
}
