/**
 * Someone else's public JWKs (a client's, for `private_key_jwt`) as verification keys: each key bound to the
 * algorithms it may verify (RFC 8725 §3.1), never to one the token names on its own. Accepted: RSA of at least
 * 2048 bits (RS256, PS256), EC P-256 (ES256), OKP Ed25519 / Ed448 (EdDSA). Refused: symmetric keys, anything
 * carrying private key material, keys whose `use` or `key_ops` say they are not for verifying signatures.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { CLIENT_ASSERTION_ALGS } from './algs';
import { MAX_KID_CHARS } from './segments';

export interface VerificationKey {
  kid?: string;
  /** The algorithms this key may verify. */
  algs: ReadonlySet<string>;
  key: KeyObject;
}

export class JwkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwkError';
  }
}

/** Members that only a private (or symmetric) JWK has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** More keys than anyone rotates through at once. */
export const MAX_JWKS_KEYS = 10;

const RSA_ALGS: ReadonlySet<string> = new Set(['RS256', 'PS256']);
const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function keyAlgs(kty: string, crv: unknown): ReadonlySet<string> {
  if (kty === 'RSA') return RSA_ALGS;
  if (kty === 'EC') {
    if (crv !== 'P-256') throw new JwkError(`EC keys must be on P-256 (ES256), not ${String(crv)}`);
    return new Set(['ES256']);
  }
  if (kty === 'OKP') {
    if (crv !== 'Ed25519' && crv !== 'Ed448') throw new JwkError(`OKP keys must be Ed25519 or Ed448 (EdDSA), not ${String(crv)}`);
    return new Set(['EdDSA']);
  }
  throw new JwkError(kty === 'oct' ? 'symmetric (oct) keys are refused: only public keys' : `unsupported key type ${kty}`);
}

/** One public JWK → its verification key; throws JwkError saying why it cannot be one. */
export function importVerificationJwk(raw: unknown): VerificationKey {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new JwkError('a key is not a JSON object');
  const jwk = raw as Record<string, unknown>;
  const secret = PRIVATE_MEMBERS.filter((m) => m in jwk);
  if (secret.length) throw new JwkError(`a key holds private key material (${secret.join(', ')}): register the PUBLIC keys only`);
  if (!str(jwk.kty)) throw new JwkError('a key has no kty');
  if (jwk.use !== undefined && jwk.use !== 'sig') throw new JwkError(`a key has use "${String(jwk.use)}"; signing keys only ("sig")`);
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) throw new JwkError('a key\'s key_ops do not include "verify"');
  if (jwk.kid !== undefined && (!str(jwk.kid) || jwk.kid.length > MAX_KID_CHARS)) throw new JwkError(`a kid must be a non-empty string of at most ${MAX_KID_CHARS} characters`);
  let algs = keyAlgs(jwk.kty, jwk.crv);
  if (jwk.alg !== undefined) {
    if (typeof jwk.alg !== 'string' || !CLIENT_ASSERTION_ALGS.has(jwk.alg) || !algs.has(jwk.alg)) {
      throw new JwkError(`alg "${String(jwk.alg)}" is not allowed for a ${jwk.kty} key (allowed: ${[...algs].join(', ')})`);
    }
    algs = new Set([jwk.alg]);
  }
  const members: Record<string, unknown> = { kty: jwk.kty };
  for (const m of jwk.kty === 'RSA' ? ['n', 'e'] : ['crv', 'x', 'y']) if (jwk[m] !== undefined) members[m] = jwk[m];
  let key: KeyObject;
  try {
    key = createPublicKey({ key: members as never, format: 'jwk' });
  } catch {
    throw new JwkError(`a ${jwk.kty} key is not a valid public key`);
  }
  if (jwk.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new JwkError('RSA keys must have at least 2048 bits');
  return { kid: jwk.kid as string | undefined, algs, key };
}

/**
 * A JWKS → its verification keys. `strict` (registration): every key must be a usable public signing key, and
 * with more than one key each has a distinct kid. Not strict (a client's remote JWKS): unusable keys (encryption
 * keys, other curves …) are skipped, and so is a second key with a kid already seen. Throws JwkError when no key is left.
 */
export function importVerificationJwks(input: unknown, opts: { strict: boolean }): VerificationKey[] {
  const list = (input as { keys?: unknown } | null)?.keys;
  if (input === null || typeof input !== 'object' || !Array.isArray(list)) throw new JwkError('a JWKS is a JSON object with a "keys" array');
  if (opts.strict && list.length > MAX_JWKS_KEYS) throw new JwkError(`at most ${MAX_JWKS_KEYS} keys`);
  const out: VerificationKey[] = [];
  const kids = new Set<string>();
  for (const raw of list) {
    let k: VerificationKey;
    try {
      k = importVerificationJwk(raw);
    } catch (err) {
      if (opts.strict) throw err;
      continue;
    }
    if (k.kid !== undefined) {
      if (kids.has(k.kid)) {
        if (opts.strict) throw new JwkError(`two keys have the kid "${k.kid}"`);
        continue;
      }
      kids.add(k.kid);
    } else if (opts.strict && list.length > 1) throw new JwkError('with more than one key, every key needs a kid');
    out.push(k);
    if (out.length === MAX_JWKS_KEYS) break;
  }
  if (out.length === 0) throw new JwkError('no usable public signing key (RSA ≥ 2048 bits, EC P-256, Ed25519/Ed448)');
  return out;
}

/** The key a JWS header names: by kid, or without a kid the one key that may verify its alg. */
export function selectVerificationKey(keys: readonly VerificationKey[], kid: unknown, alg: string): VerificationKey | 'unknown_kid' | 'alg_mismatch' {
  if (typeof kid === 'string') {
    const k = keys.find((x) => x.kid === kid);
    if (!k) return 'unknown_kid';
    return k.algs.has(alg) ? k : 'alg_mismatch';
  }
  const fit = keys.filter((x) => x.algs.has(alg));
  if (fit.length === 1) return fit[0];
  return fit.length === 0 && keys.length > 0 ? 'alg_mismatch' : 'unknown_kid';
}
