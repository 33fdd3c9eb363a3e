/**
 * Demo routes of the local/dev stage (issue 3): they show what the authorizer handed to the backend.
 *   rest     GET|POST /demo/data      behind the REST authorizer   → requestContext.authorizer
 *   httpApi  GET|POST /v2/demo/data   behind the HTTP API authorizer → requestContext.authorizer.lambda
 *   handler  either, by payload version (one function for all four routes)
 * Body: { route, client_id, scope, sub, message }.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

type Ctx = Record<string, unknown> | null | undefined;

function answer(route: string, method: string, ctx: Ctx): { statusCode: number; headers: Record<string, string>; body: string } {
  const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json;charset=UTF-8', 'Cache-Control': 'no-store' },
    body: JSON.stringify({
      route,
      client_id: str(ctx?.client_id),
      scope: str(ctx?.scope),
      sub: str(ctx?.sub),
      message: method === 'POST' ? 'write accepted' : 'read ok',
    }),
  };
}

export async function rest(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const method = (event.httpMethod ?? 'GET').toUpperCase();
  return answer(`${method} ${event.resource ?? event.path}`, method, event.requestContext?.authorizer);
}

export async function httpApi(event: APIGatewayProxyEventV2WithLambdaAuthorizer<Record<string, unknown>>): Promise<APIGatewayProxyStructuredResultV2> {
  const method = (event.requestContext?.http?.method ?? 'GET').toUpperCase();
  const route = event.routeKey && event.routeKey !== '$default' ? event.routeKey : `${method} ${event.rawPath}`;
  return answer(route, method, event.requestContext?.authorizer?.lambda);
}

/** One Lambda for both APIs: payload 2.0 events come from the HTTP API. */
export async function handler(
  event: APIGatewayProxyEvent | APIGatewayProxyEventV2WithLambdaAuthorizer<Record<string, unknown>>,
): Promise<APIGatewayProxyResult | APIGatewayProxyStructuredResultV2> {
  return (event as { version?: string }).version === '2.0'
    ? httpApi(event as APIGatewayProxyEventV2WithLambdaAuthorizer<Record<string, unknown>>)
    : rest(event as APIGatewayProxyEvent);
}
