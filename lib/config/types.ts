export type SigningAlg = 'RS256' | 'ES256';

/** Scope name → human description, declared once in serverless.yml (custom.portcullis.scopes). */
export type ScopeCatalogue = Record<string, string>;

/**
 * RFC 8707 resource indicators (custom.portcullis.resources): each API a token may be requested for, by its
 * identifier (an absolute URI, the token's `aud`), with the scopes that belong to it.
 */
export type ResourceCatalogue = Record<string, string[]>;

/** One protected route: `METHOD /path` (API Gateway resource syntax, `{param}`, `{proxy+}`, method `ANY`). */
export interface RouteRule {
  method: string;
  path: string;
  scopes: string[];
  /** `all`: the token needs every scope listed; `any`: one of them is enough. */
  match: 'all' | 'any';
}

/** The hosted pages' look (custom.portcullis.branding): the product name and two hex colours. */
export interface Branding {
  productName: string;
  /** Buttons, links, focus rings. */
  primaryColor: string;
  /** The page behind the card. */
  backgroundColor: string;
}

export interface Config {
  stage: string;
  service: string;
  region: string;
  issuer: string;
  /** The `aud` of a token requested without `resource` (the default audience). */
  audience: string;
  /** The APIs a token may be requested for with `resource=` (lib/oauth/resources.ts). */
  resources: ResourceCatalogue;
  /** The `aud` this authorizer function requires (PORTCULLIS_AUTHORIZER_AUDIENCE): the API it protects; default `audience`. */
  authorizerAudience: string;
  tableName: string;
  /** Set only for the local stack and tests (dynalite). */
  dynamoEndpoint?: string;
  scopes: ScopeCatalogue;
  routes: RouteRule[];
  tokenLifetimeSeconds: number;
  maxTokenLifetimeSeconds: number;
  clockSkewSeconds: number;
  maxBodyBytes: number;
  clientCacheTtlMs: number;
  storeTimeoutMs: number;
  /** Brute-force protection of client authentication (lib/lockout/lockout.ts); DEFAULTS.bruteForce* when absent. */
  bruteForce?: {
    /** Failed authentications of one client id before the first lockout. */
    freeAttempts: number;
    /** First lockout; doubles with every further failure. */
    baseLockoutSeconds: number;
    maxLockoutSeconds: number;
  };
  /** Per-client rate limit of new revocations at POST /oauth2/revoke (lib/revocation/revoke-rate-limit.ts); DEFAULTS.revokeRateLimit* when absent. */
  revokeRateLimit?: {
    /** New revocation records one client may write per window. */
    maxRevocations: number;
    windowSeconds: number;
  };
  signer: {
    type: 'file' | 'kms';
    alg: SigningAlg;
    /** file signer: directory holding the private keys (mode 0600). */
    keyDir?: string;
    /** kms signer: key id, ARN or alias. */
    kmsKeyId?: string;
  };
  jwksUri: string;
  jwksRefetchMinIntervalMs: number;
  /** The authorizer denies every token (`jwks_unavailable`) once its last good JWKS is this old. */
  jwksMaxStalenessSeconds: number;
  /** Signing-key timings (lib/keys/timings.ts resolves them, with DEFAULTS when absent). */
  keys?: {
    /** The key ring re-reads the key list after this long. */
    cacheSeconds: number;
    /** Longest a container keeps signing from a stale key list when the store fails; then 503. */
    maxStalenessSeconds: number;
    /** Cache-Control max-age of the JWKS response: how long a verifier may keep a JWKS. */
    jwksCacheSeconds: number;
  };
  revocation: {
    mode: 'snapshot' | 'strict';
    refreshMs: number;
    maxStalenessMs: number;
  };
  /** Snapshot mode: each authorizer container re-reads the whole revocation feed this often (DEFAULTS.revocationFullReloadMs). */
  revocationFullReloadMs: number;
  verifiedTokenCacheEntries: number;
  /**
   * API Gateway's authorizer result TTL (custom.portcullis.authorizerCacheSeconds). Above 0 a policy may be replayed
   * on other requests, so the authorizer also refuses non-canonical path spellings (lib/authorizer/path-forms.ts).
   */
  authorizerCacheSeconds: number;
  audit: {
    /** `stdout`: every function (Lambda delivers it to the audit log group); `file`: the admin CLI on the local stack. */
    sink: 'stdout' | 'file';
    /** The audit log group of a deployed stage (the CLIs read it). */
    logGroup: string;
    /** The local stack's audit file (JSON lines). */
    file?: string;
    /** CloudWatch Logs endpoint override for the CLIs (tests); unset in deployed stages. */
    endpoint?: string;
  };
  /** AWS_LAMBDA_FUNCTION_NAME; undefined outside Lambda. */
  functionName?: string;
  /** Role → the scopes it gives a user (custom.portcullis.roles); every scope declared. */
  roles: Record<string, string[]>;
  /** SSO sessions (lib/sessions). */
  sessions: {
    /** A session ends after this long without use. */
    idleTimeoutSeconds: number;
    /** And this long after its sign-in, whatever happens. */
    absoluteTimeoutSeconds: number;
  };
  /** Authorization codes live this long. */
  authorizationCodeLifetimeSeconds: number;
  /** Refresh tokens (lib/refresh; custom.portcullis.refreshTokens). A client may only shorten the lifetimes. */
  refreshTokens: {
    /** A superseded refresh token may be exchanged again this long after it was; later, a replay revokes the family. */
    reuseGraceSeconds: number;
    /** A family ends this long after the sign-in. */
    absoluteLifetimeSeconds: number;
    /** And this long after its last refresh. */
    idleLifetimeSeconds: number;
  };
  branding: Branding;
  /**
   * The password grant (lib/grants/password.ts): offered only when enabled here AND the client has the `password`
   * grant type. Absent (a hand-built config): off.
   */
  passwordGrant?: { enabled: boolean };
}
