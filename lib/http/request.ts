/**
 * What the domain needs of an HTTP request, from either API Gateway payload version (REST v1, HTTP API v2):
 * method, path, query, headers, cookies, body. Header names keep their case (REST, serverless-offline);
 * look them up with getHeader.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { getHeader } from './headers';
import { parseCookieHeader } from './cookies';

/** Query parameters with every value in request order (RFC 6749 §3.1: a repeated parameter is an error). */
export type QueryParams = ReadonlyMap<string, readonly string[]>;

export interface HttpRequest {
  method: string;
  /** The resource path as requested, without the stage (`/oauth2/authorize`). */
  path: string;
  query: QueryParams;
  headers: Record<string, string | undefined>;
  /** Request cookies by name; the first of several with one name wins. */
  cookies: ReadonlyMap<string, string>;
  body: string | null;
  isBase64Encoded: boolean;
  sourceIp?: string;
  userAgent?: string;
  requestId?: string;
}

export const NO_QUERY: QueryParams = new Map();
export const NO_COOKIES: ReadonlyMap<string, string> = new Map();

function queryFromMultiValue(multi: Record<string, string[] | undefined> | null | undefined, single: Record<string, string | undefined> | null | undefined): QueryParams {
  const out = new Map<string, string[]>();
  for (const [k, v] of Object.entries(multi ?? {})) if (v) out.set(k, [...v]);
  for (const [k, v] of Object.entries(single ?? {})) if (v !== undefined && !out.has(k)) out.set(k, [v]);
  return out;
}

/** `a=1&b=2&a=3` (form-urlencoded rules: `+` is a space); undecodable pairs are kept raw so they fail validation later. */
export function parseQueryString(raw: string | undefined): QueryParams {
  const out = new Map<string, string[]>();
  if (!raw) return out;
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    const name = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    const list = out.get(name);
    if (list) list.push(value);
    else out.set(name, [value]);
  }
  return out;
}

export function fromApiGateway(event: APIGatewayProxyEvent | APIGatewayProxyEventV2): HttpRequest {
  const headers = (event.headers ?? {}) as Record<string, string | undefined>;
  if ('requestContext' in event && event.requestContext && 'http' in event.requestContext) {
    const v2 = event as APIGatewayProxyEventV2;
    return {
      method: v2.requestContext.http.method.toUpperCase(),
      path: v2.rawPath ?? v2.requestContext.http.path ?? '/',
      query: parseQueryString(v2.rawQueryString),
      headers,
      cookies: parseCookieHeader((v2.cookies ?? []).join('; ')),
      body: v2.body ?? null,
      isBase64Encoded: Boolean(v2.isBase64Encoded),
      sourceIp: v2.requestContext.http.sourceIp,
      userAgent: v2.requestContext.http.userAgent,
      requestId: v2.requestContext.requestId,
    };
  }
  const v1 = event as APIGatewayProxyEvent;
  const cookieHeaders = v1.multiValueHeaders ? Object.entries(v1.multiValueHeaders).filter(([k]) => k.toLowerCase() === 'cookie').flatMap(([, v]) => v ?? []) : [];
  return {
    method: (v1.httpMethod ?? 'GET').toUpperCase(),
    path: v1.path ?? '/',
    query: queryFromMultiValue(v1.multiValueQueryStringParameters, v1.queryStringParameters),
    headers,
    cookies: parseCookieHeader(cookieHeaders.length ? cookieHeaders.join('; ') : getHeader(headers, 'cookie')),
    body: v1.body ?? null,
    isBase64Encoded: Boolean(v1.isBase64Encoded),
    sourceIp: v1.requestContext?.identity?.sourceIp,
    userAgent: v1.requestContext?.identity?.userAgent ?? getHeader(headers, 'user-agent'),
    requestId: v1.requestContext?.requestId,
  };
}
