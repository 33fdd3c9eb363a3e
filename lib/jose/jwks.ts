/**
 * The issuer's JWKS as the authorizer trusts it: fetched from config.jwksUri (https, or http on loopback,
 * which load-config enforces), bounded in time and size, and reduced to the keys we accept.
 * Every key carries an `alg` (inferred from kty/crv when absent), so a token whose `alg`
 * does not match its key is refused by aws-jwt-verify (RFC 8725 §3.1: one algorithm per key).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Fetcher } from 'aws-jwt-verify/https';
import type { Jwk, Jwks } from 'aws-jwt-verify/jwk';
import { JwksValidationError } from 'aws-jwt-verify/error';

const MAX_JWKS_BYTES = 64 * 1024;

function inferAlg(jwk: Record<string, unknown>): string | undefined {
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  return undefined;
}

function usable(jwk: Record<string, unknown>, alg: string): boolean {
  if (typeof jwk.kid !== 'string' || jwk.kid === '') return false;
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  if (alg === 'RS256') return jwk.kty === 'RSA' && typeof jwk.n === 'string' && typeof jwk.e === 'string';
  if (alg === 'ES256') return jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.x === 'string' && typeof jwk.y === 'string';
  return false;
}

/** Keeps only RS256 / ES256 signing keys with a kid; throws if none is left (the previous keys then stay in use). */
export function normalizeJwks(input: unknown): Jwks {
  const keys = (input as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new JwksValidationError('JWKS has no keys array');
  const out: Jwk[] = [];
  for (const raw of keys) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) continue;
    const jwk = raw as Record<string, unknown>;
    const alg = typeof jwk.alg === 'string' ? jwk.alg : inferAlg(jwk);
    if (!alg || !usable(jwk, alg)) continue;
    const clean: Record<string, string> = { kty: jwk.kty as string, kid: jwk.kid as string, alg, use: 'sig' };
    for (const f of ['n', 'e', 'crv', 'x', 'y'] as const) if (typeof jwk[f] === 'string') clean[f] = jwk[f] as string;
    out.push(clean as Jwk);
  }
  if (out.length === 0) throw new JwksValidationError('JWKS has no usable RS256/ES256 signing key');
  return { keys: out };
}

export function parseJwks(body: ArrayBuffer): Jwks {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new JwksValidationError('JWKS is not JSON');
  }
  return normalizeJwks(parsed);
}

/**
 * GET with a timeout (of the whole fetch, so a server that trickles bytes cannot hold it open), no redirects,
 * 200 only, size cap. Plain http only reaches here for loopback URLs.
 * node:https rather than fetch(): the SDK loads it anyway, while the first fetch() initializes undici
 * (≈ 40 ms more on a cold start, bench/analysis.md).
 */
export function createJwksFetcher(timeoutMs: number): Fetcher {
  return {
    fetch: (uri: string) =>
      new Promise<ArrayBuffer>((resolve, reject) => {
        const url = new URL(uri);
        const get = url.protocol === 'https:' ? httpsRequest : httpRequest;
        const deadline = setTimeout(() => req.destroy(new JwksValidationError('JWKS fetch timed out')), timeoutMs);
        const settle = <A extends unknown[]>(f: (...a: A) => void) => (...a: A) => {
          clearTimeout(deadline);
          f(...a);
        };
        resolve = settle(resolve);
        reject = settle(reject);
        const req = get(url, { method: 'GET', headers: { accept: 'application/json' }, timeout: timeoutMs }, (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new JwksValidationError(`JWKS endpoint answered ${res.statusCode}`));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_JWKS_BYTES) {
              req.destroy();
              reject(new JwksValidationError('JWKS is too large'));
            } else chunks.push(c);
          });
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
          });
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new JwksValidationError('JWKS fetch timed out')));
        req.on('error', reject);
        req.end();
      }),
  };
}
