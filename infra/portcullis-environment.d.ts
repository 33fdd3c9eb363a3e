/** Types of infra/portcullis-environment.js (plain CommonJS: the serverless plugin loads it without a compiler). */
export declare class PortcullisConfigError extends Error {}

export interface PortcullisEnvironment {
  demo: boolean;
  scopes: Record<string, string>;
  routes: Record<string, unknown>;
  /** custom.portcullis.roles: role → scopes ("a b" or [a, b]). */
  roles: Record<string, unknown>;
  /** Undefined: the REST API's execute-api URL (a CloudFormation expression in the template). */
  issuer?: string;
  environment: { PORTCULLIS_SCOPES: string; PORTCULLIS_ROUTES: string; PORTCULLIS_ROLES: string; PORTCULLIS_BRANDING: string; PORTCULLIS_ISSUER?: string };
}

export declare function portcullisEnvironment(input: {
  stage: string;
  portcullis?: Record<string, unknown>;
  stages?: Record<string, Record<string, unknown>>;
  params?: Record<string, string>;
}): PortcullisEnvironment;

export declare function paramsOf(list: unknown): Record<string, string>;

export declare const LOCAL_OVERRIDES: 'PORTCULLIS_LOCAL_FUNCTION_ENV';

/** The local stack's extra function environment (JSON in PORTCULLIS_LOCAL_FUNCTION_ENV), local stage only. */
export declare function localOverrides(stage: string, env: Record<string, string | undefined> | undefined): Record<string, string>;
