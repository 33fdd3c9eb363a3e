/**
 * Wraps an HTTP Lambda handler: adapts the API Gateway event (REST v1 or HTTP API v2) to an HttpRequest and
 * the HttpResponse back (Set-Cookie values as multi-value headers for REST, `cookies` for HTTP API), and turns
 * anything thrown outside the endpoint's own error handling (a configuration error at cold start, a bug) into a
 * logged `server_error` answer with no detail — never a stack trace or an API Gateway 502. Endpoints that
 * answer browsers pass their own `renderError` (an HTML page instead of JSON).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { getConfig } from '../config/load-config';
import { DEFAULTS } from '../config/defaults';
import { getLogger } from '../observability/logger';
import { fromApiGateway, type HttpRequest } from './request';
import { errorResponse, type HttpResponse } from './response';

type AnyEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;
type AnyResult = APIGatewayProxyResult & APIGatewayProxyStructuredResultV2;

export interface ApiHandlerOptions {
  /** How an error thrown by `handle` is answered (default: RFC 6749 §5.2 JSON). */
  renderError?: (err: unknown, req: HttpRequest | undefined) => HttpResponse;
}

const isV2 = (event: AnyEvent): event is APIGatewayProxyEventV2 => (event as { version?: string }).version === '2.0';

/** The API Gateway answer for either payload version. */
export function toApiGateway(res: HttpResponse, v2: boolean): AnyResult {
  const base = { statusCode: res.statusCode, headers: res.headers, body: res.body };
  if (!res.cookies?.length) return base as AnyResult;
  return (v2 ? { ...base, cookies: res.cookies } : { ...base, multiValueHeaders: { 'Set-Cookie': res.cookies } }) as AnyResult;
}

export function apiHandler(
  endpoint: string,
  handle: (req: HttpRequest) => Promise<HttpResponse>,
  opts: ApiHandlerOptions = {},
): (event: AnyEvent, context?: Context) => Promise<AnyResult> {
  const renderError = opts.renderError ?? ((err: unknown) => errorResponse(err));
  return async (event, context) => {
    if (context) logger().addContext(context);
    let req: HttpRequest | undefined;
    let res: HttpResponse;
    try {
      req = fromApiGateway(event);
      res = await handle(req);
      if (res.statusCode >= 500) logger().warn('endpoint answered with a server-side error', { endpoint, status: res.statusCode, request_id: context?.awsRequestId });
    } catch (err) {
      logger().error('unhandled error', { endpoint, error: (err as Error)?.name, message: (err as Error)?.message, request_id: context?.awsRequestId });
      res = renderError(err, req);
    }
    return toApiGateway(res, isV2(event));
  };
}

function logger() {
  try {
    return getLogger(getConfig());
  } catch {
    // The configuration itself is what failed.
    return getLogger({ service: DEFAULTS.service, stage: process.env.PORTCULLIS_STAGE || 'unknown' });
  }
}
