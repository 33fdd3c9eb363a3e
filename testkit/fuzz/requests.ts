/**
 * The fuzzer's building blocks (fast-check): hostile values, form bodies (parameter combinations, duplicates,
 * encodings, sizes, unicode), content types, credentials, header casing, cookies; and the raw HTTP sender
 * (node:http, so header names keep the case the generator chose and a header may be sent twice).
 */
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';

export interface FuzzRequest {
  method: string;
  /** Path and query, as sent. */
  target: string;
  /** Header name (any case) → one value, or several (sent as repeated header lines). */
  headers: Record<string, string | string[]>;
  body?: string;
}

export interface FuzzAnswer {
  status: number;
  /** Lower-case names; repeated headers joined with ", " except Set-Cookie (setCookies). */
  headers: Record<string, string>;
  setCookies: string[];
  body: string;
}

/** Values that have broken parsers somewhere: empties, controls, encodings, injections, huge and odd unicode. */
export const hostileValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '', ' ', '%', '%zz', '%C3%28', '%00', '\u0000', '\r\n', '\t', '\uFEFF', '\u202E', '\uD800', 'é', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '🦄',
      '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' OR '1'='1", '../../etc/passwd', '${jndi:ldap://x}', '{{7*7}}',
      '__proto__', 'constructor', 'null', '[]', '{}', 'true', '-1', '1e309', 'Infinity',
      'a'.repeat(257), 'x'.repeat(4096), 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'Bearer', 'Basic',
    ),
  },
);

/** One parameter: absent, one value, or repeated (RFC 6749 §3.1: a repeated parameter is invalid). */
export type ParamChoice = string | undefined | string[];
export const param = (valid: fc.Arbitrary<string>): fc.Arbitrary<ParamChoice> =>
  fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 2, arbitrary: hostileValue },
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.tuple(fc.oneof(valid, hostileValue), fc.oneof(valid, hostileValue)).map(([a, b]) => [a, b]) },
  );

/** How a form body or query string is spelled. */
export const ENCODINGS = ['standard', 'percent-all', 'raw', 'plus-spaces', 'broken-percent', 'encoded-names'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export function encodePairs(pairs: Array<[string, string]>, encoding: Encoding): string {
  const pct = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  // encodeURIComponent throws on a lone surrogate; Buffer encodes it as U+FFFD, as a browser would.
  const encodeURIComponent = (s: string) => {
    try {
      return globalThis.encodeURIComponent(s);
    } catch {
      return pct(s);
    }
  };
  switch (encoding) {
    case 'standard':
      return new URLSearchParams(pairs).toString();
    case 'percent-all':
      return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${pct(v)}`).join('&');
    case 'raw':
      return pairs.map(([k, v]) => `${k}=${v}`).join('&');
    case 'plus-spaces':
      return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v).replace(/%20/g, '+')}`).join('&');
    case 'broken-percent':
      return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}%`).join('&');
    case 'encoded-names':
      return pairs.map(([k, v]) => `${pct(k)}=${encodeURIComponent(v)}`).join('&');
  }
}

/**
 * A form (or query) from named parameters, plus unknown extra ones, in a random order and spelling.
 * `fields`: name → the parameter's choice.
 */
export function formOf(fields: Record<string, fc.Arbitrary<ParamChoice>>): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.record(fields),
      fc.array(fc.tuple(fc.oneof(fc.constantFrom('foo', 'scope[]', 'grant_type ', 'GRANT_TYPE', '', '=', '&'), fc.string({ maxLength: 8 })), hostileValue), { maxLength: 3 }),
      fc.constantFrom(...ENCODINGS),
      fc.boolean(),
    )
    .map(([chosen, extra, encoding, reverse]) => {
      const pairs: Array<[string, string]> = [];
      for (const [k, v] of Object.entries(chosen)) {
        if (v === undefined) continue;
        for (const one of Array.isArray(v) ? v : [v]) pairs.push([k, one]);
      }
      pairs.push(...extra);
      if (reverse) pairs.reverse();
      return encodePairs(pairs, encoding);
    });
}

/** A body of some size: usually the form, sometimes padded past the 16 KiB cap, sometimes not a form at all. */
export const bodyOf = (form: fc.Arbitrary<string>): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    { weight: 8, arbitrary: form },
    { weight: 1, arbitrary: form.map((f) => `${f}&pad=${'a'.repeat(17_000)}`) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, '', '{"grant_type":"client_credentials"}', '\u0000\u0001\u0002', '&&&', '=', 'a=1&a=2&a=3') },
  );

export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/x-www-form-urlencoded') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/x-www-form-urlencoded; charset=UTF-8', 'APPLICATION/X-WWW-FORM-URLENCODED', 'application/x-www-form-urlencoded; charset=ISO-8859-1',
      'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded, application/json', '', undefined,
    ),
  },
);

/** A header name in some casing (HTTP header names are case-insensitive; API Gateway keeps the case). */
export const casing = (name: string): fc.Arbitrary<string> =>
  fc.constantFrom(name.toLowerCase(), name.toUpperCase(), name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase()), name.replace(/[a-z]/g, (c, i: number) => (i % 2 ? c.toUpperCase() : c)));

/** Basic credentials: right, wrong, malformed, for a client of the context or a decoy. */
export function basicCredentials(clientId: string, secret: string, decoy: string): fc.Arbitrary<string | string[] | undefined> {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.constant(`Basic ${b64(`${clientId}:${secret}`)}`) },
    { weight: 2, arbitrary: hostileValue.map((s) => `Basic ${b64(`${decoy}:${s}`)}`) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'Basic', 'Basic ', 'Basic !!!', `basic ${b64(`${clientId}:${secret}`)}`, `Basic ${b64(`${clientId}`)}`, `Basic ${b64(`${clientId}:`)}`,
        `Basic ${b64(`${decoy}:a:b`)}`, `Bearer ${secret}`, `Basic ${b64(`${decoy}%zz:x`)}`, `Basic ${b64(`${clientId}:${secret}`)}, Basic ${b64('a:b')}`,
      ),
    },
    { weight: 1, arbitrary: fc.constant<string[]>([`Basic ${b64(`${clientId}:${secret}`)}`, `Basic ${b64(`${decoy}:x`)}`]) },
  );
}

/** Cookies a browser endpoint may get: none, junk, forged session values, many, huge. */
export function cookieHeader(names: string[], real: Record<string, string> = {}): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constant(Object.entries(real).map(([k, v]) => `${k}=${v}`).join('; ') || undefined) },
    {
      weight: 3,
      arbitrary: fc
        .array(fc.tuple(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 10 })), hostileValue), { maxLength: 4 })
        .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('; ')),
    },
    { weight: 1, arbitrary: fc.constantFrom(`${names[0]}=a.b`, `${names[0]}="x"`, `${names[0]}=${'a'.repeat(9000)}`, `${names[0]}=1; ${names[0]}=2`, ';;;=;') },
  );
}

/** Drops header values that node:http refuses to send (controls, non-latin1): the fuzzer cannot put them on the wire. */
function sendable(headers: FuzzRequest['headers']): Record<string, string | string[]> {
  const ok = (v: string) => /^[\t\x20-\x7e\x80-\xff]*$/.test(v);
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    const vals = (Array.isArray(v) ? v : [v]).filter((x) => x !== undefined && ok(x));
    if (vals.length) out[k] = vals.length === 1 ? vals[0] : vals;
  }
  return out;
}

/** A query string that node:http accepts on the request line (no spaces or controls: percent-encode them). */
export const safeTarget = (path: string, query?: string) => {
  const q = query?.replace(/[^\x21-\x7e]/gu, (c) => [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
  return q ? `${path}?${q}` : path;
};

export function send(base: string, req: FuzzRequest, timeoutMs = 15_000): Promise<FuzzAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const r = request(
      { host: url.hostname, port: url.port, method: req.method, path: req.target, headers: sendable({ ...req.headers, ...(req.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(req.body)) } : {}) }), timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (k !== 'set-cookie' && v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          let raw = Buffer.concat(chunks);
          try {
            const enc = headers['content-encoding'];
            if (raw.length && enc === 'gzip') raw = gunzipSync(raw);
            else if (raw.length && enc === 'br') raw = brotliDecompressSync(raw);
            else if (raw.length && enc === 'deflate') raw = inflateSync(raw);
          } catch (err) {
            reject(new Error(`a ${headers['content-encoding']} body that does not decode: ${(err as Error).message}`));
            return;
          }
          resolve({ status: res.statusCode ?? 0, headers, setCookies: res.headers['set-cookie'] ?? [], body: raw.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on('error', reject);
    r.end(req.body);
  });
}
