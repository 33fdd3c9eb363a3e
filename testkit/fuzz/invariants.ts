/**
 * What every answer the fuzzer gets must satisfy: no 5xx; no stack trace or internal name; an answer openapi.yaml
 * describes for that path, method and status, with its required headers; an error body matching the described schema,
 * with one of the RFC codes listed for that answer (x-error-codes), on redirects too; no-store on every token-bearing
 * answer; the browser headers and cookie flags on every HTML page and redirect.
 */
import { browserHeaderProblems } from '../browser-headers';
import { deref, describedResponse, schemaProblems, type OpenApiDoc } from '../openapi';
import type { FuzzAnswer, FuzzRequest } from './requests';

/** What must never reach a client: stack frames, exception names, paths, the names of the machinery behind. */
export const LEAKS: RegExp[] = [
  /\bat [\w$.<>]+ \(?[^)\s]*:\d+:\d+\)?/,
  /\b(TypeError|ReferenceError|SyntaxError|RangeError|ValidationException|ConditionalCheckFailed\w*|ResourceNotFoundException|UnrecognizedClientException)\b/,
  /node_modules|\/work\/|\/home\/|\/var\/task|\.ts:\d+|\.js:\d+/,
  /[Ss]erverless-offline|dynalite|ECONNREFUSED|ETIMEDOUT|EPIPE|errorMessage|errorType|"stack"/,
  /Internal server error|Unhandled|\bundefined\b|\[object Object\]|\bNaN\b/,
];

/**
 * serverless-offline's web framework (hapi) refuses a few requests before any function sees them, where API Gateway
 * would pass them on: a Content-Type or Cookie header it cannot parse, an OPTIONS request without CORS headers on a
 * `method: any` route. Those answers say nothing about portcullis: only the no-5xx and no-leak invariants apply.
 * (The functions' own handling of such content types is covered in process: test/security/malformed-requests.test.ts.)
 */
export const EMULATOR_REFUSAL = /^\{"statusCode":(400|404),"error":"(Bad Request|Not Found)","message":"(Invalid content-type header|Invalid cookie value|Invalid cookie header|CORS error: Missing Access-Control-Request-Method header)"\}$/;

/** Too large to be read at all (413, 414, 431): refused before any function, as API Gateway does past its limits. */
export const TRANSPORT_LIMITS = [413, 414, 431];

/** API Gateway's own answer to a method or path no function declares. */
const GATEWAY_NO_ROUTE = /^\{"message":"(Missing Authentication Token|Not Found)"\}$/;

export function answerProblems(doc: OpenApiDoc, path: string, req: FuzzRequest, ans: FuzzAnswer): string[] {
  const out: string[] = [];
  if (ans.status >= 500) out.push(`a ${ans.status}`);
  for (const re of LEAKS) if (re.test(ans.body)) out.push(`the body leaks ${re.exec(ans.body)![0]}`);
  const type = ans.headers['content-type'] ?? '';
  let json: unknown;
  if (/json/.test(type) && ans.body) {
    try {
      json = JSON.parse(ans.body);
    } catch {
      out.push('a JSON content type with a body that is not JSON');
    }
  }
  // A JSON answer carries a token as a member (the discovery documents name the grant and `id_token_signing_…` as
  // values and keys of their own); any other answer (an HTML page showing a token) by the word.
  const bearsToken = json !== undefined ? /"(access_token|id_token|refresh_token)"\s*:/.test(ans.body) : /access_token|id_token|refresh_token/.test(ans.body);
  if (bearsToken && !/(^|,\s*)no-store\b/.test(ans.headers['cache-control'] ?? '')) out.push('a token-bearing answer without Cache-Control: no-store');

  if (EMULATOR_REFUSAL.test(ans.body)) return out;
  // A request line or headers past the server's limits (API Gateway has its own: 10,240 characters of URL, 10 MB).
  if (TRANSPORT_LIMITS.includes(ans.status)) return out;
  const described = describedResponse(doc, path, req.method, ans.status);
  if (!described) {
    const noRoute = (ans.status === 403 || ans.status === 404) && (GATEWAY_NO_ROUTE.test(ans.body) || (req.method.toUpperCase() === 'HEAD' && ans.body === ''));
    if (!noRoute) out.push(`an answer openapi.yaml does not describe: ${req.method} ${path} ${ans.status}`);
    return out.concat(browserHeaderProblems(ans, { secure: false }));
  }
  for (const [name, h] of Object.entries(described.headers ?? {})) {
    const header = deref(doc, h);
    const got = ans.headers[name.toLowerCase()];
    if (header.required && got === undefined && !(name === 'Set-Cookie')) out.push(`no ${name} header`);
    if (got !== undefined && header.schema?.const !== undefined && got !== header.schema.const) out.push(`${name}: ${got}, not ${String(header.schema.const)}`);
  }
  if (described['x-token-bearing'] && !/(^|,\s*)no-store\b/.test(ans.headers['cache-control'] ?? '')) out.push('a token-bearing answer without Cache-Control: no-store');
  const schema = described.content?.['application/json']?.schema;
  if (schema && json !== undefined && ans.status >= 400) out.push(...schemaProblems(doc, schema, json).map((p) => `the error body: ${p}`));
  const codes = described['x-error-codes'];
  const code = (json as { error?: unknown } | undefined)?.error;
  if (codes && ans.status >= 400 && /json/.test(type) && typeof code === 'string' && !codes.includes(code)) out.push(`error ${code} is not one of ${codes.join(', ')}`);
  const location = ans.headers.location;
  if (location && ans.status >= 300 && ans.status < 400) {
    const err = new URL(location, 'http://x').searchParams.get('error');
    if (err !== null && !(codes ?? []).includes(err)) out.push(`redirect error ${err} is not one of ${(codes ?? []).join(', ')}`);
  }
  return out.concat(browserHeaderProblems(ans, { secure: false }));
}
