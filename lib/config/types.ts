export type SigningAlg = 'RS256' | 'ES256';

/** Scope name → human description, declared once in serverless.yml (custom.portcullis.scopes). */
export type ScopeCatalogue = Record<string, string>;

/** One protected route: `METHOD /path` (API Gateway resource syntax, `{param}`, `{proxy+}`, method `ANY`). */
export interface RouteRule {
  method: string;
  path: string;
  scopes: string[];
  /** `all`: the token needs every scope listed; `any`: one of them is enough. */
  match: 'all' | 'any';
}

export interface Config {
  stage: string;
  service: string;
  region: string;
  issuer: string;
  audience: string;
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
  revocation: {
    mode: 'snapshot' | 'strict';
    refreshMs: number;
    maxStalenessMs: number;
  };
  verifiedTokenCacheEntries: number;
  audit: {
    sink: 'file' | 'cloudwatch';
    logGroup: string;
    /** Local sink file (JSON lines). */
    file?: string;
  };
}
