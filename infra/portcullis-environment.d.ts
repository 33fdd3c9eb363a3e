/** Types of infra/portcullis-environment.js (plain CommonJS: the serverless plugin loads it without a compiler). */
export declare class PortcullisConfigError extends Error {}

export interface PortcullisEnvironment {
  demo: boolean;
  scopes: Record<string, string>;
  routes: Record<string, unknown>;
  /** RFC 8707 resources (custom.portcullis.resources, + demoResources in demo stages), unparsed. */
  resources: Record<string, unknown>;
  /** custom.portcullis.roles: role → scopes ("a b" or [a, b]). */
  roles: Record<string, unknown>;
  /** Undefined: the REST API's execute-api URL (a CloudFormation expression in the template). */
  issuer?: string;
  environment: { PORTCULLIS_SCOPES: string; PORTCULLIS_ROUTES: string; PORTCULLIS_RESOURCES: string; PORTCULLIS_ROLES: string; PORTCULLIS_BRANDING: string; PORTCULLIS_ISSUER?: string };
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

/** The functions that exist only in stages that deploy the demo. */
export declare const DEMO_FUNCTIONS: readonly string[];

/** Throws PortcullisConfigError when an authorizer function's PORTCULLIS_AUTHORIZER_AUDIENCE is not an audience this issuer serves. */
export declare function checkAuthorizerAudiences(
  functions: Record<string, { environment?: Record<string, unknown> } | undefined> | undefined,
  audience: unknown,
  resources: Record<string, unknown>,
): void;
