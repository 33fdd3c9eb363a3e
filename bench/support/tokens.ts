/** Signing keys made at run time (never committed) and RFC 9068 access tokens minted with them. */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

export type Alg = 'RS256' | 'ES256';

export interface BenchKey {
  alg: Alg;
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Public JWK with kid, alg and use. */
  jwk: Record<string, string>;
}

export function makeKey(alg: Alg): BenchKey {
  const { privateKey, publicKey } =
    alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = `bench-${alg.toLowerCase()}-${randomBytes(4).toString('hex')}`;
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, string>), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicKey, jwk };
}

export const jwksOf = (...keys: BenchKey[]) => ({ keys: keys.map((k) => k.jwk) });

/** What node:crypto signs with for a JWS algorithm (ES256: r || s, not DER). */
export const signKey = (key: BenchKey) => (key.alg === 'ES256' ? { key: key.privateKey, dsaEncoding: 'ieee-p1363' as const } : key.privateKey);
export const verifyKey = (key: BenchKey) => (key.alg === 'ES256' ? { key: key.publicKey, dsaEncoding: 'ieee-p1363' as const } : key.publicKey);

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export interface TokenClaims {
  issuer: string;
  audience: string;
  clientId: string;
  scope: string;
  lifetimeSeconds: number;
}

/** A token shaped exactly like the token endpoint's (header alg/typ/kid; iss, sub, aud, client_id, scope, iat, exp, jti). */
export function mintToken(key: BenchKey, c: TokenClaims, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const header = { alg: key.alg, typ: 'at+jwt', kid: key.kid };
  const claims = {
    iss: c.issuer,
    sub: c.clientId,
    aud: c.audience,
    client_id: c.clientId,
    scope: c.scope,
    iat: nowSeconds,
    exp: nowSeconds + c.lifetimeSeconds,
    jti: randomBytes(16).toString('base64url'),
  };
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), signKey(key)).toString('base64url')}`;
}

/** Distinct tokens, minted before any timing; each consumer walks it with its own cursor. */
export class TokenPool {
  readonly tokens: string[];

  constructor(key: BenchKey, claims: TokenClaims, size: number) {
    const now = Math.floor(Date.now() / 1000);
    this.tokens = Array.from({ length: size }, () => mintToken(key, claims, now));
  }

  /** A cursor that hands out each token once, and fails loudly if the pool was sized too small. */
  cursor(): () => string {
    let i = 0;
    return () => {
      if (i >= this.tokens.length) throw new Error(`token pool exhausted after ${i} tokens: the benchmark sized it wrong`);
      return this.tokens[i++];
    };
  }
}

/** Signing input and signature bytes of a JWS, for the raw crypto.verify baseline. */
export function splitJws(token: string): { input: Buffer; signature: Buffer } {
  const dot = token.lastIndexOf('.');
  return { input: Buffer.from(token.slice(0, dot)), signature: Buffer.from(token.slice(dot + 1), 'base64url') };
}
