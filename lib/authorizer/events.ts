/** API Gateway authorizer events → the decision core's request (header lookups case-insensitive). */
import type { APIGatewayRequestAuthorizerEvent, APIGatewayRequestAuthorizerEventV2, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { getHeader } from '../http/headers';
import type { AuthzRequest } from './types';

/** REST TOKEN authorizer: only the header value and methodArn; the route is derived from methodArn. */
export function fromTokenEvent(event: APIGatewayTokenAuthorizerEvent): AuthzRequest {
  return { authorization: event.authorizationToken, arn: event.methodArn };
}

/** REST REQUEST authorizer: API Gateway names the matched resource template (`/users/{id}`). */
export function fromRequestEvent(event: APIGatewayRequestAuthorizerEvent): AuthzRequest {
  const identity = event.requestContext?.identity;
  return {
    authorization: getHeader(event.headers, 'authorization'),
    arn: event.methodArn,
    method: event.httpMethod || undefined,
    resource: event.resource || undefined,
    path: event.path || undefined,
    sourceIp: identity?.sourceIp ?? undefined,
    userAgent: identity?.userAgent ?? getHeader(event.headers, 'user-agent'),
    requestId: event.requestContext?.requestId,
  };
}

/** HTTP API payload 2.0: routeKey is `METHOD /template` (method may be ANY) or `$default`. */
export function fromHttpApiEvent(event: APIGatewayRequestAuthorizerEventV2): AuthzRequest {
  const http = event.requestContext?.http;
  const routeKey = event.routeKey ?? event.requestContext?.routeKey;
  const space = typeof routeKey === 'string' ? routeKey.indexOf(' ') : -1;
  return {
    authorization: getHeader(event.headers, 'authorization'),
    arn: event.routeArn,
    method: http?.method || undefined,
    // `$default` has no template: the concrete path (from routeArn) is matched instead.
    resource: space > 0 ? routeKey.slice(space + 1) : undefined,
    sourceIp: http?.sourceIp,
    userAgent: http?.userAgent ?? getHeader(event.headers, 'user-agent'),
    requestId: event.requestContext?.requestId,
  };
}
