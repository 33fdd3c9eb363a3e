import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { getHeader } from './headers';

/** What the domain needs of an HTTP request, from either API Gateway payload version. */
export interface HttpRequest {
  method: string;
  headers: Record<string, string | undefined>;
  body: string | null;
  isBase64Encoded: boolean;
  sourceIp?: string;
  userAgent?: string;
  requestId?: string;
}

export function fromApiGateway(event: APIGatewayProxyEvent | APIGatewayProxyEventV2): HttpRequest {
  const headers = (event.headers ?? {}) as Record<string, string | undefined>;
  if ('requestContext' in event && event.requestContext && 'http' in event.requestContext) {
    const v2 = event as APIGatewayProxyEventV2;
    return {
      method: v2.requestContext.http.method.toUpperCase(),
      headers,
      body: v2.body ?? null,
      isBase64Encoded: Boolean(v2.isBase64Encoded),
      sourceIp: v2.requestContext.http.sourceIp,
      userAgent: v2.requestContext.http.userAgent,
      requestId: v2.requestContext.requestId,
    };
  }
  const v1 = event as APIGatewayProxyEvent;
  return {
    method: (v1.httpMethod ?? 'GET').toUpperCase(),
    headers,
    body: v1.body ?? null,
    isBase64Encoded: Boolean(v1.isBase64Encoded),
    sourceIp: v1.requestContext?.identity?.sourceIp,
    userAgent: v1.requestContext?.identity?.userAgent ?? getHeader(headers, 'user-agent'),
    requestId: v1.requestContext?.requestId,
  };
}
