/**
 * What serverless.yml declares for portcullis, as infra/serverless-config.ts reads it: the types live
 * here so the troubleshooting code in lib/ can check them without depending on infra/.
 */

/** An API route of a function in serverless.yml. */
export interface DeclaredRoute {
  function: string;
  api: 'rest' | 'http';
  method: string;
  /** Leading slash, API Gateway syntax. */
  path: string;
  /** Name of the authorizer attached, if any. */
  authorizer?: string;
  /** The API that authorizer protects, when its function sets PORTCULLIS_AUTHORIZER_AUDIENCE (else the audience). */
  authorizerAudience?: string;
}

export interface DeclaredSettings {
  /** Every http/httpApi event of every function (the demo only where the stage deploys it). */
  apiRoutes: DeclaredRoute[];
  scopes: Record<string, string>;
  /** custom.portcullis.roles, unparsed (role → "a b" or [a, b]). */
  roles?: Record<string, unknown>;
  /** custom.portcullis.routes (+ demoRoutes where the stage deploys the demo), unparsed. */
  routes: Record<string, unknown>;
  audience: string;
  signingAlg: string;
  tokenLifetimeSeconds: number;
  maxTokenLifetimeSeconds: number;
  clockSkewSeconds: number;
  authorizerCacheSeconds: number;
  revocation: { mode: string; refreshMs: number; maxStalenessMs: number };
}
