/** What goes in and out of the decision core. */
import type { PolicyDocument } from './policy';
import type { DenyReason, ScopeReason } from './reasons';
import type { CompiledRoute } from './routes';

export interface AuthzRequest {
  /** The Authorization header value (TOKEN authorizers: `authorizationToken`). */
  authorization: string | undefined;
  /** methodArn (REST) or routeArn (HTTP API). */
  arn: string;
  /** Request method; default: the one in the ARN. */
  method?: string;
  /** Matched resource template (`/users/{id}`) when API Gateway tells it; otherwise the concrete path is matched. */
  resource?: string;
  /** Concrete request path; default: the one in the ARN. */
  path?: string;
  sourceIp?: string;
  userAgent?: string;
  requestId?: string;
}

/** What the backend receives (API Gateway context values: string | number | boolean only). */
export interface AuthzContext {
  sub: string;
  client_id: string;
  scope: string;
  jti: string;
  exp: number;
  [key: string]: string | number;
}

export type Decision =
  | { effect: 'Allow'; status: 200; reason: 'allowed'; principalId: string; policy: PolicyDocument; context: AuthzContext }
  | {
      effect: 'Deny';
      status: 403;
      reason: ScopeReason;
      principalId: string;
      policy: PolicyDocument;
      context: AuthzContext & { wwwAuthenticate: string };
    }
  | { effect: 'Deny'; status: 401; reason: Exclude<DenyReason, ScopeReason>; wwwAuthenticate: string };

export const REALM = 'portcullis';
export const WWW_AUTHENTICATE_MISSING = `Bearer realm="${REALM}"`;
export const WWW_AUTHENTICATE_INVALID = `Bearer realm="${REALM}", error="invalid_token"`;

export function insufficientScopeHeader(route: CompiledRoute | undefined): string {
  return route && route.rule.scopes.length
    ? `Bearer error="insufficient_scope", scope="${route.rule.scopes.join(' ')}"`
    : 'Bearer error="insufficient_scope"';
}
