/**
 * `explain`: the signature row. The key is looked up by `kid` in the keys the authorizer trusts (only a
 * lookup key into our own JWKS, RFC 8725 §3.10), its algorithm must be the token's, and the signature is
 * verified with the same node:crypto check as lib/tokens/verify-own.ts (lib/jose/verify-signature.ts). Runs even when an earlier
 * check failed (so "expired, but genuine" can be told from "forged"); the verdict stays the first failure.
 */
import type { Jwk } from 'aws-jwt-verify/jwk';
import { verifyJwsSignature } from '../../../lib/jose/verify-signature';
import type { DecodedToken } from './token-checks';
import { describeKeyState, type KeyView } from './key-view';
import type { ExplainCheck } from './types';

export function signatureCheck(token: string, decoded: DecodedToken, keys: KeyView, nowSeconds: number): ExplainCheck {
  const header = decoded.header;
  const kid = header?.kid;
  if (!header || typeof kid !== 'string' || kid === '' || decoded.signatureChars === 0) {
    return { name: 'signature', status: 'skip', detail: 'not checked: the token has no usable header, kid or signature' };
  }
  const state = describeKeyState(keys.schedule, kid, nowSeconds);
  if (!keys.jwks) {
    // The authorizer has no key to trust either: it denies every token until a JWKS fetch succeeds.
    return {
      name: 'signature',
      status: 'fail',
      reason: 'jwks_unavailable',
      detail: `no trusted keys: the JWKS could not be read and the key store publishes none${state ? ` (the key store knows kid "${kid}" as ${state})` : ''}`,
    };
  }
  const jwk = keys.jwks?.keys.find((k) => k.kid === kid) as (Jwk & { alg?: string }) | undefined;
  if (!jwk) {
    const why = state
      ? `the key store knows it as ${state}`
      : keys.schedule
        ? 'the key store has never held it: the token was signed by another issuer or stage, or forged'
        : 'the key store could not be read to say more';
    return {
      name: 'signature',
      status: 'fail',
      reason: 'unknown_kid',
      detail: `kid "${kid}" is not among the keys the authorizer trusts (${keys.source}); ${why}`,
    };
  }
  const where = `key "${kid}"${state ? `, ${state},` : ''} from ${keys.source}`;
  if (jwk.alg !== header.alg) {
    return { name: 'signature', status: 'fail', reason: 'alg_mismatch', detail: `the token says alg ${String(header.alg)} but ${where} is a ${String(jwk.alg)} key (one algorithm per key)` };
  }
  const [h, p, s] = token.split('.');
  const ok = verifyJwsSignature(jwk as { kid: string; alg?: string }, `${h}.${p}`, s);
  if (!ok) {
    return {
      name: 'signature',
      status: 'fail',
      reason: 'bad_signature',
      detail: `does not verify with ${where}: the token was altered after signing, or signed by a different key with the same kid`,
    };
  }
  return { name: 'signature', status: 'pass', detail: `verifies with ${where}` };
}
