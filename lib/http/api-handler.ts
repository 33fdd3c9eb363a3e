/**
 * Wraps an HTTP Lambda handler: adapts the API Gateway event, and turns anything thrown outside
 * the endpoint's own error handling (a configuration error at cold start, a bug) into a logged
 * `server_error` answer with no detail — never a stack trace or an API Gateway 502.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { getConfig } from '../config/load-config';
import { DEFAULTS } from '../config/defaults';
import { getLogger } from '../observability/logger';
import { fromApiGateway, type HttpRequest } from './request';
import { errorResponse, type HttpResponse } from './response';

export function apiHandler(
  endpoint: string,
  handle: (req: HttpRequest) => Promise<HttpResponse>,
): (event: APIGatewayProxyEvent, context?: Context) => Promise<APIGatewayProxyResult> {
  return async (event, context) => {
    if (context) logger().addContext(context);
    try {
      const res = await handle(fromApiGateway(event));
      if (res.statusCode >= 500) logger().warn('endpoint answered with a server-side error', { endpoint, status: res.statusCode, request_id: context?.awsRequestId });
      return res;
    } catch (err) {
      logger().error('unhandled error', { endpoint, error: (err as Error)?.name, message: (err as Error)?.message, request_id: context?.awsRequestId });
      return errorResponse(err);
    }
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
