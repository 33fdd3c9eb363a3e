import { serializeError } from '../core/errors';

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Every OAuth endpoint answer carries these, errors included (RFC 6749 §5.1). */
export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json;charset=UTF-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function noStoreJson(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return json(statusCode, body, { ...NO_STORE, ...headers });
}

export function empty(statusCode: number, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { ...NO_STORE, ...headers }, body: '' };
}

/** The one place an error becomes an HTTP answer. */
export function errorResponse(err: unknown): HttpResponse {
  const s = serializeError(err);
  return noStoreJson(s.status, s.body, s.headers);
}
