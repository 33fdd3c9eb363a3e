/**
 * private_key_jwt (RFC 7523 §2.2 and §3, RFC 7521 §4.2, OIDC Core §9): the client proves who it is with a JWT it
 * signed with its own private key; the server holds only the public keys (`--jwks` or `--jwks-uri`).
 *
 * The request: `client_assertion_type` exactly `urn:ietf:params:oauth:client-assertion-type:jwt-bearer` and
 * `client_assertion`; `client_id` is optional and, when sent, must be the assertion's `sub`.
 * The assertion, with the jose layer's precheck (lib/jose/precheck.ts, expectations in assertion-claims.ts), then
 * the signature (lib/jose/verify-signature.ts): an allowed algorithm (RS256, PS256, ES256, EdDSA; never `none` or
 * HS*), `iss` = `sub` = the client id, `aud` the issuer or the token endpoint URL, `exp` within 5 minutes (plus the
 * skew), `nbf`/`iat` honoured with the skew, signed by a key of the client's JWKS bound to that algorithm; last,
 * the `jti` is claimed with one conditional write (lib/stores: kept until exp + skew), so a replay fails.
 * Every failure is `invalid_client`; the reason (`assertion_expired`, `assertion_replayed` …) goes to the audit
 * event only. An assertion costs no DynamoDB read (the client record and its keys are cached) and one write.
 */
import { epochSeconds } from '../core/clock';
import { guardDependency } from '../core/dependency-guard';
import { precheck, type Prechecked } from '../jose/precheck';
import { selectVerificationKey, type VerificationKey } from '../jose/public-keys';
import { MAX_TOKEN_CHARS, nonEmptyString, parseJson, splitCompact } from '../jose/segments';
import { verifyJwsWithKey } from '../jose/verify-signature';
import { DEFAULTS } from '../config/defaults';
import type { ClientRecord } from '../models/client';
import { retention } from '../stores/keyspace';
import { clientAssertionExpectations, type ClientAssertionClaims } from './assertion-claims';
import type { ClientAssertionServices } from './assertion-services';
import { ClientKeysUnavailable } from './client-keys';
import { invalidClient, type ClientAuthMethod } from './method';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The assertion's `sub`, read without trusting anything: only to find the client (and its lockout) by. */
function claimedClientId(assertion: string): string | undefined {
  if (assertion.length > MAX_TOKEN_CHARS) return undefined;
  const parts = splitCompact(assertion);
  const sub = parts && parseJson(parts[1])?.sub;
  return nonEmptyString(sub) ? sub : undefined;
}

async function verificationKey(client: ClientRecord, pre: Prechecked<ClientAssertionClaims>, svc: ClientAssertionServices): Promise<VerificationKey> {
  const { kid } = pre.decomposed.header;
  const alg = String(pre.decomposed.header.alg); // precheck: one of the allowed algorithms
  const pick = (keys: readonly VerificationKey[]) => selectVerificationKey(keys, kid, alg);
  let found: ReturnType<typeof pick>;
  try {
    found = pick(await svc.keys.keys(client));
    // A kid the cached keys lack: the client may have rotated; one refetch at most per interval (client-keys.ts).
    if (found === 'unknown_kid' && (await svc.keys.refresh(client))) found = pick(await svc.keys.keys(client));
  } catch (err) {
    if (err instanceof ClientKeysUnavailable) throw invalidClient(err.reason);
    throw err;
  }
  if (typeof found === 'string') throw invalidClient(`assertion_${found}`);
  return found;
}

export const privateKeyJwt: ClientAuthMethod = {
  name: 'private_key_jwt',
  presented: (_req, params) => params.has('client_assertion') || params.has('client_assertion_type'),
  read(_req, params) {
    const type = params.get('client_assertion_type');
    if (type !== CLIENT_ASSERTION_TYPE) throw invalidClient(type === undefined ? 'missing_assertion_type' : 'unsupported_assertion_type');
    const assertion = params.get('client_assertion');
    if (assertion === undefined) throw invalidClient('missing_credentials');
    const clientId = claimedClientId(assertion);
    if (clientId === undefined) throw invalidClient('assertion_malformed');
    const postId = params.get('client_id');
    if (postId !== undefined && postId !== clientId) throw invalidClient('assertion_client_id_mismatch');
    return { clientId, secret: '', method: 'private_key_jwt', assertion };
  },
  async verify(client, creds, clock, services) {
    const svc = services?.assertions;
    if (!svc) throw invalidClient('method_unavailable');
    if (!client) throw invalidClient('unknown_client');
    if (client.tokenEndpointAuthMethod !== 'private_key_jwt') throw invalidClient('auth_method_not_registered');
    const skew = svc.clockSkewSeconds;
    const now = clock.now() / 1000;
    const pre = precheck(creds.assertion ?? '', clientAssertionExpectations(client.clientId, svc, skew), now);
    if (typeof pre === 'string') throw invalidClient(`assertion_${pre}`);
    const claims = pre.claims;
    if (claims.sub !== client.clientId) throw invalidClient('assertion_sub_mismatch');
    if (claims.exp > now + DEFAULTS.clientAssertionMaxLifetimeSeconds + skew) throw invalidClient('assertion_exp_too_far');
    const key = await verificationKey(client, pre, svc);
    const { headerB64, payloadB64, signatureB64, header } = pre.decomposed;
    if (!verifyJwsWithKey(key.key, String(header.alg), `${headerB64}.${payloadB64}`, signatureB64)) throw invalidClient('assertion_bad_signature');
    if (client.status !== 'active') throw invalidClient('client_disabled');
    const first = await guardDependency(svc.jtis.claim(client.clientId, claims.jti, { expiresAt: retention.assertionJti(claims.exp, skew), nowSeconds: epochSeconds(clock) }));
    if (!first) throw invalidClient('assertion_replayed');
    return client;
  },
};
