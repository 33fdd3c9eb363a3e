/**
 * `explain`: the key-free checks of lib/jose/precheck.ts with the access-token expectations (lib/tokens/access-token-claims.ts), one row each, in the same
 * order and with the same rules and reason codes, told in plain words. Decodes without trusting anything.
 * Unlike precheck it does not stop at the first failure: later rows are still evaluated where the token
 * can be decoded, so the reader sees everything that is wrong (the verdict is the first failure).
 */
import { ES256_SIGNATURE_CHARS, OWN_TOKEN_ALGS as ALLOWED_ALGS } from '../../../lib/jose/algs';
import { FORBIDDEN_HEADERS, isExpired } from '../../../lib/jose/precheck';
import { B64URL, hasOwn, isCanonicalB64url, MAX_KID_CHARS, MAX_TOKEN_CHARS, nonEmptyString, parseJson } from '../../../lib/jose/segments';
import { isAtJwt, type Expectations } from '../../../lib/tokens/access-token-claims';
import { humanDuration, isoSeconds, relative } from './durations';
import type { ExplainCheck } from './types';

export interface DecodedToken {
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
  /** Characters of the signature part (the signature itself is never kept). */
  signatureChars: number;
}

/** The access-token expectations, and what explain knows besides to tell why an audience is wrong (RFC 8707). */
export interface ExplainExpectations extends Expectations {
  /** The default audience (tokens requested without `resource`). */
  defaultAudience?: string;
  /** The declared resources: identifier → its scopes. */
  resources?: Readonly<Record<string, readonly string[]>>;
}

export interface TokenCheckResult {
  decoded: DecodedToken;
  checks: ExplainCheck[];
}

const show = (v: unknown): string => (typeof v === 'string' ? `"${v.length > 80 ? `${v.slice(0, 77)}...` : v}"` : JSON.stringify(v) ?? String(v));


const skipped = (name: string, why: string): ExplainCheck => ({ name, status: 'skip', detail: `not checked: ${why}` });

function structure(token: string): { check: ExplainCheck; parts?: [string, string, string]; header?: Record<string, unknown> } {
  const fail = (detail: string): { check: ExplainCheck } => ({ check: { name: 'structure', status: 'fail', reason: 'malformed', detail } });
  if (token.length > MAX_TOKEN_CHARS) return fail(`${token.length} characters: longer than the ${MAX_TOKEN_CHARS} the authorizer accepts`);
  const parts = token.split('.');
  if (parts.length !== 3) return fail(`a JWS compact token has three dot-separated parts; this one has ${parts.length} (an opaque or encrypted token?)`);
  const [h] = parts;
  if (!B64URL.test(h)) return fail('the header part is not base64url');
  const header = parseJson(h);
  if (!header) return fail('the header part does not decode to a JSON object');
  return { check: { name: 'structure', status: 'pass', detail: `three dot-separated parts, ${token.length} characters; the header is JSON` }, parts: parts as [string, string, string], header };
}

function headerCheck(header: Record<string, unknown>): ExplainCheck {
  const alg = header.alg;
  const seen = `alg ${show(alg)}, typ ${show(header.typ)}, kid ${show(header.kid)}`;
  if (typeof alg !== 'string' || !ALLOWED_ALGS.has(alg)) {
    return {
      name: 'header',
      status: 'fail',
      reason: 'unsupported_alg',
      detail: `${seen}: alg ${show(alg)} is not accepted (only ${[...ALLOWED_ALGS].join(', ')}; never none, HMAC or PS*)`,
    };
  }
  if (!isAtJwt(header.typ)) {
    return {
      name: 'header',
      status: 'fail',
      reason: 'wrong_typ',
      detail: `${seen}: typ must be "at+jwt" (RFC 9068 access token); ${header.typ === undefined ? 'it is missing' : `${show(header.typ)} is another kind of token (an ID token?)`}`,
    };
  }
  const forbidden = FORBIDDEN_HEADERS.filter((n) => hasOwn(header, n));
  if (forbidden.length) {
    return {
      name: 'header',
      status: 'fail',
      reason: 'forbidden_header',
      detail: `${seen}: the header carries ${forbidden.join(', ')}; tokens that point at their own keys or demand extensions are refused (RFC 8725 §3.10)`,
    };
  }
  if (!nonEmptyString(header.kid) || header.kid.length > MAX_KID_CHARS) {
    return { name: 'header', status: 'fail', reason: 'malformed', detail: `${seen}: kid ${header.kid === undefined ? 'is missing' : 'is not a usable key id'}; the authorizer needs it to pick the key` };
  }
  return { name: 'header', status: 'pass', detail: `${seen}` };
}

function encodingCheck(alg: unknown, parts: [string, string, string]): { check: ExplainCheck; payload?: Record<string, unknown> } {
  const [, p, s] = parts;
  if (s.length === 0) return { check: { name: 'encoding', status: 'fail', reason: 'malformed', detail: 'the signature part is empty (an unsigned token)' } };
  if (!isCanonicalB64url(s)) {
    return { check: { name: 'encoding', status: 'fail', reason: 'malformed', detail: 'the signature part is not canonical base64url (altered in transit?)' } };
  }
  if (alg === 'ES256' && s.length !== ES256_SIGNATURE_CHARS) {
    return {
      check: { name: 'encoding', status: 'fail', reason: 'bad_signature', detail: `an ES256 signature is 64 bytes (${ES256_SIGNATURE_CHARS} characters); this one has ${s.length} characters, so it cannot verify` },
    };
  }
  const payload = parseJson(p);
  if (!payload) return { check: { name: 'encoding', status: 'fail', reason: 'malformed', detail: 'the payload part does not decode to a JSON object' } };
  return { check: { name: 'encoding', status: 'pass', detail: 'the payload is a JSON object; a signature is present' }, payload };
}

function claimsCheck(p: Record<string, unknown>): ExplainCheck {
  const problems: string[] = [];
  for (const name of ['iss', 'sub', 'client_id', 'jti'] as const) {
    if (!nonEmptyString(p[name])) problems.push(p[name] === undefined ? `${name} is missing` : `${name} must be a non-empty string`);
  }
  if (typeof p.scope !== 'string') problems.push(p.scope === undefined ? 'scope is missing' : 'scope must be a string');
  if (p.aud === undefined) problems.push('aud is missing');
  for (const name of ['exp', 'iat'] as const) {
    if (!Number.isSafeInteger(p[name])) problems.push(p[name] === undefined ? `${name} is missing` : `${name} must be whole epoch seconds`);
  }
  if (p.nbf !== undefined && !Number.isSafeInteger(p.nbf)) problems.push('nbf must be whole epoch seconds');
  if (problems.length) return { name: 'claims', status: 'fail', reason: 'missing_claim', detail: `${problems.join('; ')} (RFC 9068 §2.2)` };
  return { name: 'claims', status: 'pass', detail: 'iss, sub, aud, client_id, scope, jti, iat and exp are present' };
}

function issuerCheck(p: Record<string, unknown>, expect: Expectations, issuerKnown: boolean): ExplainCheck {
  const iss = p.iss;
  if (!issuerKnown) {
    return {
      name: 'issuer',
      status: 'warn',
      detail: `the token says ${show(iss)}; this stage's issuer is not known here, so it was not compared (pass --issuer URL, the deployed PORTCULLIS_ISSUER)`,
    };
  }
  if (iss === expect.issuer) return { name: 'issuer', status: 'pass', detail: `${show(iss)}, the issuer the authorizer expects` };
  let hint = '';
  if (typeof iss === 'string') {
    if (iss.replace(/\/+$/, '') === expect.issuer) hint = ' (differs only by a trailing slash: the comparison is exact)';
    else if (iss.replace(/^http:/, 'https:') === expect.issuer.replace(/^http:/, 'https:')) hint = ' (differs only by http/https)';
    else hint = ' (a token from another issuer or stage?)';
  }
  return { name: 'issuer', status: 'fail', reason: 'wrong_issuer', detail: `${show(iss)}; the authorizer expects exactly "${expect.issuer}"${hint}` };
}

/** What an audience of this issuer is: the default one, or a declared resource with its scopes. */
function audienceKind(aud: string, expect: ExplainExpectations): string | undefined {
  if (expect.resources && Object.prototype.hasOwnProperty.call(expect.resources, aud)) return `the resource ${show(aud)}, scopes ${expect.resources[aud].join(' ')}`;
  if (aud === expect.defaultAudience) return 'the default audience, for tokens requested without resource=';
  return undefined;
}

function audienceCheck(p: Record<string, unknown>, expect: ExplainExpectations): ExplainCheck {
  const aud = p.aud;
  if (aud === expect.audience) {
    const kind = typeof aud === 'string' && expect.resources ? audienceKind(aud, expect) : undefined;
    return { name: 'audience', status: 'pass', detail: `${show(aud)}, the audience the authorizer expects${kind ? ` (${kind})` : ''}` };
  }
  const kind = typeof aud === 'string' ? audienceKind(aud, expect) : undefined;
  let detail: string;
  if (kind) {
    // RFC 8707: a token for another API of this issuer; each API's authorizer requires its own audience.
    const how = expect.audience === expect.defaultAudience ? 'request it without resource=' : `request it with resource=${expect.audience}`;
    detail = `${show(aud)} is another API of this issuer (${kind}); this authorizer protects "${expect.audience}", so the token was issued for a different API: ${how}`;
  } else if (Array.isArray(aud)) detail = `aud is a list ${show(aud)}; the authorizer requires exactly the string "${expect.audience}"`;
  else detail = `${show(aud)}; the authorizer expects exactly "${expect.audience}" (a token meant for another API?)`;
  return { name: 'audience', status: 'fail', reason: 'wrong_audience', detail };
}

function timesCheck(p: Record<string, unknown>, expect: Expectations, now: number): ExplainCheck {
  const skew = expect.clockSkewSeconds;
  const exp = p.exp as number;
  const iat = p.iat as number;
  const nbf = p.nbf as number | undefined;
  const tolerance = `the authorizer tolerates ${skew} s of clock skew`;
  const nowS = Math.floor(now);
  const notes = [`issued ${relative(iat, nowS)} (${isoSeconds(iat)}), expires ${relative(exp, nowS)} (${isoSeconds(exp)}); lifetime ${humanDuration(exp - iat)}`];
  if (isExpired(exp, skew, now)) {
    return { name: 'times', status: 'fail', reason: 'expired', detail: `expired ${humanDuration(nowS - exp)} ago, at ${isoSeconds(exp)} (${tolerance}); get a new token`, notes };
  }
  if (nbf !== undefined && nbf - skew > now) {
    return { name: 'times', status: 'fail', reason: 'not_yet_valid', detail: `not valid for another ${humanDuration(nbf - nowS)} (nbf ${isoSeconds(nbf)}; ${tolerance})`, notes };
  }
  if (iat - skew > now) {
    return {
      name: 'times',
      status: 'fail',
      reason: 'iat_in_future',
      detail: `issued ${humanDuration(iat - nowS)} in the future (iat ${isoSeconds(iat)}): the issuer's clock or this machine's is wrong (${tolerance})`,
      notes,
    };
  }
  if (now >= exp) notes.push(`expired by this machine's clock, still accepted for ${humanDuration(exp + skew - nowS)} (clock skew tolerance)`);
  if (iat > now) notes.push(`iat is ${humanDuration(iat - nowS)} ahead of this machine's clock (within the tolerance)`);
  return { name: 'times', status: 'pass', detail: `valid: expires ${relative(exp, nowS)}${nbf !== undefined ? `, valid since ${isoSeconds(nbf)}` : ''}`, notes };
}

/**
 * Every key-free check, in precheck's order. `issuerKnown` false: the stage's issuer is not known here
 * (a deployed stage without --issuer), so the issuer row is a warning instead of a comparison.
 */
export function tokenChecks(token: string, expect: ExplainExpectations, nowSeconds: number, issuerKnown = true): TokenCheckResult {
  const s = structure(token);
  const decoded: DecodedToken = { header: s.header, signatureChars: s.parts?.[2].length ?? 0 };
  const names = ['header', 'encoding', 'claims', 'issuer', 'audience', 'times'];
  if (!s.parts || !s.header) return { decoded, checks: [s.check, ...names.map((n) => skipped(n, 'the token could not be decoded'))] };
  const checks: ExplainCheck[] = [s.check, headerCheck(s.header)];
  const enc = encodingCheck(s.header.alg, s.parts);
  checks.push(enc.check);
  // The payload is decoded for the later rows even when the signature part is unusable.
  const payload = enc.payload ?? parseJson(s.parts[1]);
  decoded.payload = payload;
  if (!payload) return { decoded, checks: [...checks, ...names.slice(2).map((n) => skipped(n, 'the payload could not be decoded'))] };
  const claims = claimsCheck(payload);
  checks.push(claims, issuerCheck(payload, expect, issuerKnown), audienceCheck(payload, expect));
  if (!Number.isSafeInteger(payload.exp) || !Number.isSafeInteger(payload.iat) || (payload.nbf !== undefined && !Number.isSafeInteger(payload.nbf))) {
    checks.push(skipped('times', 'exp / iat / nbf are not usable epoch seconds'));
  } else checks.push(timesCheck(payload, expect, nowSeconds));
  return { decoded, checks };
}
