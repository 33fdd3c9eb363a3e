/**
 * API Gateway Lambda authorizer. Entry points, one decision core (lib/composition/authorizer.ts):
 *   token          REST API, type TOKEN   (identity source: method.request.header.Authorization)
 *   request        REST API, type REQUEST (knows the matched resource template: preferred)
 *   httpApi        HTTP API, payload 2.0, IAM policy responses (cache-safe)
 *   httpApiSimple  HTTP API, payload 2.0, enableSimpleResponses: true (not route-aware under caching)
 */
import { authorizerEntryPoints } from '../lib/composition/authorizer';

// Cold start: built during the init phase so the JWKS fetch overlaps it.
const entryPoints = authorizerEntryPoints();

export const token = entryPoints.token;
export const request = entryPoints.request;
export const httpApi = entryPoints.httpApi;
export const httpApiSimple = entryPoints.httpApiSimple;
