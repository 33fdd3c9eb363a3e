/**
 * application/x-www-form-urlencoded request bodies for the OAuth endpoints (RFC 6749 §3.2, App. B).
 * Parameters without a value are treated as omitted; a parameter sent twice is invalid_request.
 */
import { invalidRequest } from '../core/errors';
import { requireMethod } from './method';
import { getHeader } from './headers';
import type { HttpRequest } from './request';

export type FormParams = Map<string, string>;

const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict form-urlencoded component decoding: `+` is a space, `%XX` must be valid UTF-8. */
export function decodeFormComponent(raw: string): string {
  const s = raw.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(s);
  } catch {
    throw invalidRequest('The request body is not valid form-urlencoded data', 'malformed_body');
  }
}

export function parseForm(body: string): FormParams {
  const params: FormParams = new Map();
  const seen = new Set<string>();
  if (body === '') return params;
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeFormComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decodeFormComponent(pair.slice(eq + 1));
    if (seen.has(name)) throw invalidRequest(`The parameter ${printable(name)} is repeated`, 'repeated_parameter');
    seen.add(name);
    if (value !== '') params.set(name, value);
  }
  return params;
}

/** Keeps user input in an error description short and inside the RFC 6749 §5.2 character set (no double quote, no backslash). */
export function printable(s: string): string {
  const clean = s.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}...` : clean;
}

/** The OAuth endpoints' request: POST only (405 otherwise), then the form body. */
export function readFormRequest(req: HttpRequest, maxBodyBytes: number): FormParams {
  requireMethod(req, ['POST']);
  return readFormBody(req, maxBodyBytes);
}

/** Form content type + size cap + base64 handling, then parse (any method that carries a body). */
export function readFormBody(req: HttpRequest, maxBodyBytes: number): FormParams {
  const contentType = getHeader(req.headers, 'content-type');
  const mediaType = contentType?.split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') {
    throw invalidRequest('The request must be application/x-www-form-urlencoded', 'bad_content_type');
  }
  const raw = req.body ?? '';
  // Quick bound before decoding: base64 is 4/3 of the bytes it carries.
  if (raw.length > (req.isBase64Encoded ? Math.ceil((maxBodyBytes * 4) / 3) + 4 : maxBodyBytes * 4)) {
    throw invalidRequest('The request body is too large', 'body_too_large');
  }
  // API Gateway sends padded standard base64; Node's decoder would skip anything else, so refuse it instead.
  if (req.isBase64Encoded && (raw.length % 4 !== 0 || !BASE64_BODY.test(raw))) throw invalidRequest('The request body is not valid base64', 'malformed_body');
  const bytes = req.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBodyBytes) throw invalidRequest('The request body is too large', 'body_too_large');
  const text = bytes.toString('utf8');
  if (text.includes('\uFFFD') && !raw.includes('\uFFFD')) throw invalidRequest('The request body is not valid UTF-8', 'malformed_body');
  return parseForm(text);
}
