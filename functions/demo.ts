/**
 * The demo backend of the local/dev stages: shows what the authorizer handed over (REST: requestContext.authorizer;
 * HTTP API payload 2.0: requestContext.authorizer.lambda). GET|POST /demo/data and /v2/demo/data; GET /demo/reports (the
 * second API, behind demoReportsAuthorizer).
 * Body: { route, client_id, scope, sub, message }.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2WithLambdaAuthorizer as V2, APIGatewayProxyResult } from 'aws-lambda';

type Ctx = Record<string, unknown> | null | undefined;
const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

function answer(route: string, method: string, ctx: Ctx): APIGatewayProxyResult {
  const body = { route, client_id: str(ctx?.client_id), scope: str(ctx?.scope), sub: str(ctx?.sub), message: method === 'POST' ? 'write accepted' : 'read ok' };
  return { statusCode: 200, headers: { 'Content-Type': 'application/json;charset=UTF-8', 'Cache-Control': 'no-store' }, body: JSON.stringify(body) };
}

export async function rest(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const method = (event.httpMethod ?? 'GET').toUpperCase();
  return answer(`${method} ${event.resource ?? event.path}`, method, event.requestContext?.authorizer);
}

export async function httpApi(event: V2<Record<string, unknown>>): Promise<APIGatewayProxyResult> {
  const method = (event.requestContext?.http?.method ?? 'GET').toUpperCase();
  const route = event.routeKey && event.routeKey !== '$default' ? event.routeKey : `${method} ${event.rawPath}`;
  return answer(route, method, event.requestContext?.authorizer?.lambda);
}

/** One Lambda for both APIs: payload 2.0 events come from the HTTP API. */
export const handler = (event: APIGatewayProxyEvent | V2<Record<string, unknown>>): Promise<APIGatewayProxyResult> =>
  (event as { version?: string }).version === '2.0' ? httpApi(event as V2<Record<string, unknown>>) : rest(event as APIGatewayProxyEvent);
