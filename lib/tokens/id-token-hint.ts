/**
 * The `id_token_hint` of RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2): an id_token this server
 * issued, presented back by the client it was issued to. Verified like any of our tokens (lib/jose/precheck.ts with
 * id_token expectations: our algorithms, `typ: JWT`, exactly our issuer, `sub` and a string `aud`, then the signature
 * against our own published keys), with ONE difference: an expired hint is accepted (§2: "the OP SHOULD accept
 * [id_token_hint] even when the exp time has passed"), because RPs log users out long after the id_token's short
 * life. Its signature still must be ours, so an expired hint proves what a fresh one does: this client was issued
 * an id_token for this user and session. How long ago is bounded (MAX_EXPIRED_HINT_AGE: no session outlives its
 * absolute timeout, so an older hint names nothing that can still be ended). A forged hint, one of another issuer,
 * an access token (`typ: at+jwt`) or one signed by a key no longer published is refused.
 */
import type { Clock } from '../core/clock';
import { epochSeconds } from '../core/clock';
import type { Config } from '../config/types';
import { OWN_TOKEN_ALGS } from '../jose/algs';
import { precheck, type JwtExpectations, type TimedClaims } from '../jose/precheck';
import type { TokenReason } from '../jose/reasons';
import { nonEmptyString, parseJson, splitCompact } from '../jose/segments';
import { verifyJwsSignature } from '../jose/verify-signature';
import type { KeyRing } from '../keys/key-ring';
import { ID_TOKEN_TYP } from './id-token';

export interface IdTokenHint {
  sub: string;
  /** The client it was issued to. */
  clientId: string;
  sid?: string;
  /** Past its exp (accepted: see above). */
  expired: boolean;
}

export type HintResult = { hint: IdTokenHint; reason?: undefined } | { hint?: undefined; reason: TokenReason | 'too_old' };

interface HintClaims extends TimedClaims {
  sub: string;
  aud: string;
  sid?: string;
}

const isJwtTyp = (typ: unknown) => typeof typ === 'string' && typ.toUpperCase() === ID_TOKEN_TYP;

function expectations(config: Config): JwtExpectations<HintClaims> {
  return {
    algs: OWN_TOKEN_ALGS,
    typ: isJwtTyp,
    claims: (p) => nonEmptyString(p.sub) && (p.sid === undefined || nonEmptyString(p.sid)),
    issuer: config.issuer,
    // Our id_tokens have one audience, the client (a string).
    audience: (aud) => nonEmptyString(aud),
    clockSkewSeconds: config.clockSkewSeconds,
  };
}

export async function verifyIdTokenHint(token: string, deps: { config: Config; keyRing: KeyRing; clock: Clock }): Promise<HintResult> {
  const expect = expectations(deps.config);
  const now = epochSeconds(deps.clock);
  let checked = precheck(token, expect, now);
  let expired = false;
  if (checked === 'expired') {
    // Every other check again, as of the moment before it expired (still all ours: typ, issuer, claims, signature below).
    const exp = parseJson(splitCompact(token)![1])!.exp as number;
    if (now - exp > maxExpiredHintAgeSeconds(deps.config)) return { reason: 'too_old' };
    checked = precheck(token, expect, exp - 1);
    expired = true;
  }
  if (typeof checked === 'string') return { reason: checked };
  const { header, headerB64, payloadB64, signatureB64 } = checked.decomposed;
  const jwk = (await deps.keyRing.jwks()).keys.find((k) => k.kid === header.kid);
  if (!jwk) return { reason: 'unknown_kid' };
  if (jwk.alg !== header.alg) return { reason: 'alg_mismatch' };
  if (!verifyJwsSignature(jwk, `${headerB64}.${payloadB64}`, signatureB64)) return { reason: 'bad_signature' };
  const c = checked.claims;
  return { hint: { sub: c.sub, clientId: c.aud, ...(c.sid ? { sid: c.sid } : {}), expired } };
}

/** How long after its exp a hint is still accepted: a session's absolute timeout (no session lives longer). */
export const maxExpiredHintAgeSeconds = (config: Pick<Config, 'sessions'>) => config.sessions.absoluteTimeoutSeconds;
