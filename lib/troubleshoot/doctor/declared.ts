/**
 * What `doctor` reads from serverless.yml: the subset of infra/serverless-config.ts ServerlessSettings it
 * checks (structurally the same, so the CLI passes readServerlessSettings(file, stage) straight in).
 */
export interface DeclaredApiRoute {
  function: string;
  api: 'rest' | 'http';
  method: string;
  path: string;
  /** Name of the authorizer attached, if any. */
  authorizer?: string;
}

export interface DeclaredSettings {
  apiRoutes: DeclaredApiRoute[];
  scopes: Record<string, string>;
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

export interface DeclaredSource {
  settings: DeclaredSettings;
  /** The file it was read from, for messages. */
  file: string;
  /** custom.portcullis.audit.retentionDays, when set. */
  auditRetentionDays?: number;
  /** custom.stages.<stage>.issuer, when set. */
  stageIssuer?: string;
}
