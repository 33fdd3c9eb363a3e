/**
 * Hostile tokens at the authorizer (issue 8; RFC 8725, RFC 9068 §4, RFC 6750 §3.1).
 * Every case goes through the three real entry points (REST TOKEN, REST REQUEST, HTTP API) over one decision
 * core with a strict revocation checker on dynalite: none is allowed, each 401 is exactly `Unauthorized`,
 * each 403 a policy denying the request, and each decision is audited with its stable reason and no token.
 * Unless the attack is about the key, a case is signed with the live key, so the one defect it carries is
 * what gets it refused (the controls prove such a token is otherwise allowed).
 */
import { createHmac, sign } from 'node:crypto';
import type { DenyReason } from '../../lib/authorizer/reasons';
import { createClientAdmin } from '../../lib/composition/client-admin';
import { createRevocationChecker } from '../../lib/composition/revocation';
import { jwksOf, makeKey, mint, PREFIX, type TestKey } from '../../testkit/authorizer-fixtures';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { b64, buildWorld, claimsAt, expectOwnTokenRejected, expectRefused, hmacToken, publicKeyAs, signRaw, startBaitServer, throughEveryEntryPoint, type World } from './hostile-world';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import type { RevocationChecker } from '../../lib/revocation/checker';

let ddb: TestDynamo;
let w: World;
let bait: Awaited<ReturnType<typeof startBaitServer>>;
const K = {} as { rs: TestKey; es: TestKey; evilRs: TestKey; evilEs: TestKey };

beforeAll(async () => {
  K.rs = makeKey('RS256', 'live-rs');
  K.es = makeKey('ES256', 'live-es');
  K.evilRs = makeKey('RS256', 'evil-rs');
  K.evilEs = makeKey('ES256', 'evil-es');
  ddb = await startDynalite();
  bait = await startBaitServer(jwksOf(K.evilRs, K.evilEs));
  w = buildWorld(ddb, jwksOf(K.rs, K.es));
});
afterAll(async () => {
  await bait?.close();
  await ddb?.close();
});

const now = () => w.now();
/** A token as issued, with these claim changes, signed by the live RS256 key (or `key`). */
const good = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, key: TestKey = K.rs) => mint(key, now(), { claims, header });
const without = (...claims: string[]) => mint(K.rs, now(), { omit: claims });
const headerOf = (t: string) => t.split('.')[0];
const payloadOf = (t: string) => t.split('.')[1];
const sigOf = (t: string) => t.split('.')[2];
const withSig = (t: string, sig: string) => `${headerOf(t)}.${payloadOf(t)}.${sig}`;
const unsigned = (alg: unknown) => `${b64({ alg, typ: 'at+jwt', kid: K.rs.kid })}.${b64(claimsAt(now()))}.`;
const payloadText = () => JSON.stringify(claimsAt(now()));
const END = Number.MAX_SAFE_INTEGER;
/** A fresh valid token with `text` inserted into segment `seg` (0 header, 1 payload, 2 signature) at `at` (negative: from the end). */
const insert = (seg: 0 | 1 | 2, at: number, text: string) =>
  good()
    .split('.')
    .map((part, i) => (i === seg ? part.slice(0, at) + text + part.slice(at) : part))
    .join('.');
/** A fresh valid token with its signature rewritten. */
const editSig = (f: (sig: string) => string, t = good()) => withSig(t, f(sigOf(t)));
/** A fresh valid token with its payload JSON rewritten (the original signature kept). */
const editPayload = (f: (json: string) => string, t = good()) => `${headerOf(t)}.${b64(f(Buffer.from(payloadOf(t), 'base64url').toString()))}.${sigOf(t)}`;
const B64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const flipBit = (sig: string) => {
  const bytes = Buffer.from(sig, 'base64url');
  bytes[100] ^= 1;
  return bytes.toString('base64url');
};
/** An ES256 token signed correctly, but with the signature in ASN.1 DER (as KMS returns it) instead of JOSE r || s. */
const derSigned = () => {
  const t = good({}, {}, K.es);
  return withSig(t, sign('sha256', Buffer.from(`${headerOf(t)}.${payloadOf(t)}`), K.es.privateKey).toString('base64url'));
};
const rsHeader = (extra = '') => `{"alg":"RS256","typ":"at+jwt","kid":"live-rs"${extra}}`;
/** P-256 group order n: r = s = n is another classic invalid ECDSA signature. */
const P256_N = 'FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551';

interface Case {
  name: string;
  /** The token (sent as `Bearer <token>`), or the whole Authorization header when `header` is set. */
  token?: () => string;
  header?: () => string | undefined;
  reason: DenyReason;
  method?: 'GET' | 'POST';
}

const cases: Case[] = [
  // RFC 8725 §2.1, §3.1: `none` and algorithms outside the allowlist
  ...['none', 'None', 'NONE', 'nOnE'].map((alg): Case => ({ name: `alg "${alg}" with an empty signature`, token: () => unsigned(alg), reason: 'unsupported_alg' })),
  { name: 'alg "none" carrying a real RS256 signature', token: () => withSig(unsigned('none'), sigOf(good())), reason: 'unsupported_alg' },
  { name: 'alg missing', token: () => signRaw(K.rs, '{"typ":"at+jwt","kid":"live-rs"}', payloadText()), reason: 'unsupported_alg' },
  { name: 'alg as an array ["RS256"]', token: () => good({}, { alg: ['RS256'] }), reason: 'unsupported_alg' },
  { name: 'alg PS256 (RSA-PSS, not on the allowlist)', token: () => good({}, { alg: 'PS256' }), reason: 'unsupported_alg' },
  { name: 'alg RS512 (the right key family, not the allowed algorithm)', token: () => good({}, { alg: 'RS512' }), reason: 'unsupported_alg' },
  // RFC 8725 §2.1: key confusion, the public key used as an HMAC secret
  ...(['HS256', 'HS384', 'HS512'] as const).flatMap((alg) =>
    (['PEM', 'DER', 'JWK JSON'] as const).map((form): Case => ({
      name: `${alg} signed with the RS256 public key (${form}) as the secret`,
      token: () => hmacToken(alg, publicKeyAs(K.rs.publicKey)[form], K.rs.kid, now()),
      reason: 'unsupported_alg',
    })),
  ),
  { name: 'HS256 signed with the ES256 public key (PEM) as the secret', token: () => hmacToken('HS256', publicKeyAs(K.es.publicKey).PEM, K.es.kid, now()), reason: 'unsupported_alg' },
  // Attacker keys
  { name: 'attacker RS256 key presenting the live RS256 kid', token: () => mint(K.rs, now(), { signWith: K.evilRs }), reason: 'bad_signature' },
  { name: 'attacker ES256 key presenting the live ES256 kid', token: () => mint(K.es, now(), { signWith: K.evilEs }), reason: 'bad_signature' },
  { name: 'attacker key with its own kid (not in the JWKS)', token: () => mint(K.evilRs, now()), reason: 'unknown_kid' },
  { name: 'RS256 header naming the ES256 kid (one algorithm per key)', token: () => mint(K.es, now(), { header: { alg: 'RS256' }, signWith: K.evilRs }), reason: 'alg_mismatch' },
  { name: 'ES256 header naming the RS256 kid (one algorithm per key)', token: () => mint(K.rs, now(), { header: { alg: 'ES256' }, signWith: K.evilEs }), reason: 'alg_mismatch' },
  // RFC 8725 §3.10: keys are never taken from the token
  { name: 'embedded `jwk` header with the attacker public key and the live kid', token: () => mint(K.rs, now(), { header: { jwk: K.evilRs.jwk }, signWith: K.evilRs }), reason: 'forbidden_header' },
  { name: 'embedded `jwk` header with the attacker kid', token: () => mint(K.evilRs, now(), { header: { jwk: K.evilRs.jwk } }), reason: 'forbidden_header' },
  { name: 'embedded `x5c` certificate chain', token: () => mint(K.evilRs, now(), { header: { x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] } }), reason: 'forbidden_header' },
  { name: '`jku` pointing at a local server that serves the attacker key', token: () => mint(K.evilRs, now(), { header: { jku: `${bait.url}/jwks.json` } }), reason: 'forbidden_header' },
  { name: '`x5u` pointing at a local server', token: () => mint(K.evilRs, now(), { header: { x5u: `${bait.url}/cert.pem` } }), reason: 'forbidden_header' },
  { name: '`jku` on a token signed by the live key', token: () => good({}, { jku: `${bait.url}/jwks.json` }), reason: 'forbidden_header' },
  { name: '`crit` header demanding an extension ["exp"]', token: () => good({}, { crit: ['exp'] }), reason: 'forbidden_header' },
  { name: '`crit` ["b64"] with b64: false (unencoded payload)', token: () => good({}, { crit: ['b64'], b64: false }), reason: 'forbidden_header' },
  // `kid` is an untrusted lookup key, nothing more
  { name: 'kid with path traversal ../../../../etc/passwd', token: () => good({}, { kid: '../../../../etc/passwd' }), reason: 'unknown_kid' },
  { name: 'kid /dev/null', token: () => good({}, { kid: '/dev/null' }), reason: 'unknown_kid' },
  { name: "kid with SQL injection ' OR '1'='1", token: () => good({}, { kid: "' OR '1'='1" }), reason: 'unknown_kid' },
  { name: "kid live-rs' -- (SQL comment)", token: () => good({}, { kid: "live-rs' --" }), reason: 'unknown_kid' },
  { name: 'kid with a NUL byte after the live kid', token: () => good({}, { kid: 'live-rs\u0000' }), reason: 'unknown_kid' },
  { name: 'kid __proto__', token: () => good({}, { kid: '__proto__' }), reason: 'unknown_kid' },
  { name: 'kid in Unicode', token: () => good({}, { kid: 'lïve-rs-🔑' }), reason: 'unknown_kid' },
  { name: 'kid of 300 characters', token: () => good({}, { kid: 'k'.repeat(300) }), reason: 'malformed' },
  { name: 'kid of 5000 characters', token: () => good({}, { kid: 'k'.repeat(5000) }), reason: 'malformed' },
  { name: 'kid as a number', token: () => good({}, { kid: 1 }), reason: 'malformed' },
  { name: 'kid empty', token: () => good({}, { kid: '' }), reason: 'malformed' },
  { name: 'kid missing', token: () => signRaw(K.rs, '{"alg":"RS256","typ":"at+jwt"}', payloadText()), reason: 'malformed' },
  // RFC 8725 §3.11, RFC 9068 §4: explicit typing
  { name: 'typ "JWT"', token: () => good({}, { typ: 'JWT' }), reason: 'wrong_typ' },
  { name: 'typ "id_token"', token: () => good({}, { typ: 'id_token' }), reason: 'wrong_typ' },
  { name: 'typ missing', token: () => signRaw(K.rs, '{"alg":"RS256","kid":"live-rs"}', payloadText()), reason: 'wrong_typ' },
  { name: 'typ "application/jwt"', token: () => good({}, { typ: 'application/jwt' }), reason: 'wrong_typ' },
  { name: 'typ "dpop+jwt"', token: () => good({}, { typ: 'dpop+jwt' }), reason: 'wrong_typ' },
  { name: 'typ "at+jwt " with a trailing space', token: () => good({}, { typ: 'at+jwt ' }), reason: 'wrong_typ' },
  // RFC 8725 §3.8, §3.9: issuer and audience
  { name: 'iss of another issuer', token: () => good({ iss: 'https://evil.example' }), reason: 'wrong_issuer' },
  { name: 'iss with a trailing slash', token: () => good({ iss: 'http://localhost:3000/' }), reason: 'wrong_issuer' },
  { name: 'iss in another case', token: () => good({ iss: 'HTTP://LOCALHOST:3000' }), reason: 'wrong_issuer' },
  { name: 'iss missing', token: () => without('iss'), reason: 'missing_claim' },
  { name: 'iss as an array', token: () => good({ iss: ['http://localhost:3000'] }), reason: 'missing_claim' },
  { name: 'aud of another API', token: () => good({ aud: 'https://other-api.example' }), reason: 'wrong_audience' },
  { name: 'aud missing', token: () => without('aud'), reason: 'missing_claim' },
  { name: 'aud null', token: () => good({ aud: null }), reason: 'wrong_audience' },
  { name: 'aud = the issuer (a token for the authorization server itself)', token: () => good({ aud: 'http://localhost:3000' }), reason: 'wrong_audience' },
  { name: 'aud as an array of other APIs', token: () => good({ aud: ['https://a.example', 'https://b.example'] }), reason: 'wrong_audience' },
  // Time
  { name: 'expired (exp just past the clock skew)', token: () => good({ iat: now() - 400, exp: now() - 31 }), reason: 'expired' },
  { name: 'expired a day ago', token: () => good({ iat: now() - 86_400, exp: now() - 86_000 }), reason: 'expired' },
  { name: 'exp negative', token: () => good({ exp: -1 }), reason: 'expired' },
  { name: 'nbf an hour in the future', token: () => good({ nbf: now() + 3600, exp: now() + 7200 }), reason: 'not_yet_valid' },
  { name: 'iat a day in the future', token: () => good({ iat: now() + 86_400, exp: now() + 90_000 }), reason: 'iat_in_future' },
  // RFC 9068 §2.2: required claims and their types
  ...['jti', 'exp', 'client_id', 'sub', 'iat', 'scope'].map((c): Case => ({ name: `${c} missing`, token: () => without(c), reason: 'missing_claim' })),
  { name: 'jti empty', token: () => good({ jti: '' }), reason: 'missing_claim' },
  { name: 'client_id as a number', token: () => good({ client_id: 42 }), reason: 'missing_claim' },
  { name: 'exp as a string', token: () => good({ exp: String(now() + 300) }), reason: 'missing_claim' },
  { name: 'exp as a float', token: () => good({ exp: now() + 300.5 }), reason: 'missing_claim' },
  { name: 'exp huge (1e300)', token: () => good({ exp: 1e300 }), reason: 'missing_claim' },
  { name: 'exp past 2^53 (not an exact integer)', token: () => good({ exp: 2 ** 53 + 2 }), reason: 'missing_claim' },
  { name: 'nbf as a string', token: () => good({ nbf: String(now()) }), reason: 'missing_claim' },
  { name: 'scope as an array', token: () => good({ scope: ['read:data', 'write:data'] }), reason: 'missing_claim' },
  { name: 'scope as an object', token: () => good({ scope: { 'write:data': true } }), reason: 'missing_claim' },
  { name: 'scope only under __proto__ (no prototype pollution)', token: () => signRaw(K.rs, rsHeader(), payloadText().replace('"scope":"read:data"', '"__proto__":{"scope":"write:data"}')), reason: 'missing_claim' },
  // RFC 6749 §3.3: scope is space-delimited and case-sensitive; odd spacing never widens it
  { name: 'scope with extra spaces around read:data, at a write route', token: () => good({ scope: '   read:data    ' }), reason: 'insufficient_scope', method: 'POST' },
  { name: 'scope joined by a tab instead of a space', token: () => good({ scope: 'read:data\twrite:data' }), reason: 'insufficient_scope', method: 'POST' },
  { name: 'scope joined by a comma', token: () => good({ scope: 'read:data,write:data' }), reason: 'insufficient_scope', method: 'POST' },
  { name: 'scope with a non-breaking space', token: () => good({ scope: 'read:data\u00a0write:data' }), reason: 'insufficient_scope', method: 'POST' },
  { name: 'scope with a Cyrillic look-alike of write:data', token: () => good({ scope: 'wr\u0456te:data' }), reason: 'insufficient_scope', method: 'POST' },
  { name: 'scope "*"', token: () => good({ scope: '*' }), reason: 'insufficient_scope' },
  { name: 'scope in another case (READ:DATA)', token: () => good({ scope: 'READ:DATA' }), reason: 'insufficient_scope' },
  // RFC 7515 §4, RFC 7519 §4: duplicate member names (the last one counts, and the signature covers the text)
  { name: 'duplicate alg in the header, the last one "none"', token: () => signRaw(K.rs, rsHeader(',"alg":"none"'), payloadText()), reason: 'unsupported_alg' },
  { name: 'duplicate alg in the header ("none" then RS256), attacker-signed', token: () => signRaw(K.evilRs, '{"alg":"none","typ":"at+jwt","kid":"live-rs","alg":"RS256"}', payloadText()), reason: 'bad_signature' },
  { name: 'duplicate kid in the header (live, then the attacker kid)', token: () => signRaw(K.evilRs, rsHeader(',"kid":"evil-rs"'), payloadText()), reason: 'unknown_kid' },
  { name: 'duplicate scope appended to a real token payload', token: () => editPayload((p) => p.replace(/}$/, ',"scope":"write:data"}')), reason: 'bad_signature' },
  { name: 'duplicate exp in the payload, the last one expired', token: () => signRaw(K.rs, rsHeader(), payloadText().replace(/}$/, `,"exp":${now() - 3600}}`)), reason: 'expired' },
  // Encoding (RFC 7515 §2: unpadded base64url)
  { name: 'a "+" in the header segment', token: () => insert(0, 5, '+'), reason: 'malformed' },
  { name: 'padding on the header segment', token: () => insert(0, END, '=='), reason: 'malformed' },
  { name: 'a "*" in the signature of a real token', token: () => insert(2, 10, '*'), reason: 'malformed' },
  { name: 'padding on the signature of a real token', token: () => `${good()}==`, reason: 'malformed' },
  { name: 'standard base64 (+ and /) in the signature of a real token', token: () => editSig((s) => Buffer.from(s, 'base64url').toString('base64').replace(/=+$/, '').replace(/[A-Za-z0-9]$/, '/')), reason: 'malformed' },
  { name: 'non-zero unused bits in the last signature character', token: () => editSig((s) => s.slice(0, -1) + B64URL_ALPHABET[B64URL_ALPHABET.indexOf(s.at(-1)!) | 1]), reason: 'malformed' },
  { name: 'a "!" in the payload segment of a real token', token: () => insert(1, 20, '!'), reason: 'bad_signature' },
  { name: 'padding on the payload segment of a real token', token: () => insert(1, END, '='), reason: 'bad_signature' },
  { name: 'a space inside the token', token: () => insert(2, -20, ' '), reason: 'malformed' },
  { name: 'a line feed inside the token', token: () => insert(2, -20, '\n'), reason: 'malformed' },
  // Structure
  { name: 'an extra (fourth) segment', token: () => `${good()}.${sigOf(good())}`, reason: 'malformed' },
  { name: 'JWE compact serialization (5 parts)', token: () => `${b64({ alg: 'RSA-OAEP', enc: 'A256GCM', typ: 'at+jwt', kid: 'live-rs' })}.${b64('k'.repeat(256))}.${b64('iv-iv-iv-iv')}.${b64(payloadText())}.${b64('tag-tag-tag-tag1')}`, reason: 'malformed' },
  { name: 'two segments only', token: () => good().split('.').slice(0, 2).join('.'), reason: 'malformed' },
  { name: 'nested JWT (cty: JWT, the payload is a signed token)', token: () => signRaw(K.rs, rsHeader(',"cty":"JWT"'), good()), reason: 'malformed' },
  { name: 'header that is a JSON array', token: () => `${b64('["RS256"]')}.${payloadOf(good())}.${sigOf(good())}`, reason: 'malformed' },
  { name: 'header that is JSON null', token: () => `${b64('null')}.${payloadOf(good())}.${sigOf(good())}`, reason: 'malformed' },
  { name: 'payload that is a JSON array', token: () => signRaw(K.rs, rsHeader(), '[1,2,3]'), reason: 'malformed' },
  { name: 'payload that is not JSON', token: () => signRaw(K.rs, rsHeader(), 'read:data please'), reason: 'malformed' },
  { name: 'just dots', token: () => '..', reason: 'malformed' },
  // Size
  { name: '20 KB token', token: () => good({ pad: 'x'.repeat(20 * 1024) }), reason: 'malformed' },
  { name: '1 MB token', token: () => good({ pad: 'x'.repeat(1024 * 1024) }), reason: 'malformed' },
  { name: 'one character over the 8 KB cap', token: () => 'a'.repeat(8193), reason: 'malformed' },
  // The Authorization header itself (RFC 6750 §2.1, §3.1)
  { name: 'no Authorization header', header: () => undefined, reason: 'missing' },
  { name: 'empty Authorization header', header: () => '', reason: 'missing' },
  { name: 'empty token ("Bearer ")', header: () => 'Bearer ', reason: 'malformed' },
  { name: 'scheme only ("Bearer")', header: () => 'Bearer', reason: 'malformed' },
  { name: 'Basic scheme', header: () => `Basic ${Buffer.from('pc_client1:secret').toString('base64')}`, reason: 'malformed' },
  { name: 'Cyrillic look-alike of "Bearer"', header: () => `B\u0435arer ${good()}`, reason: 'malformed' },
  { name: 'a real token with no scheme', header: () => good(), reason: 'malformed' },
  // Unicode
  { name: 'Unicode letters in the header segment', token: () => `ë${good().slice(1)}`, reason: 'malformed' },
  { name: 'a zero-width space in the signature', token: () => insert(2, -10, '\u200b'), reason: 'malformed' },
  // ECDSA (CVE-2022-21449 "psychic signatures") and other broken signatures
  { name: 'ES256 zero signature (r = s = 0)', token: () => withSig(good({}, {}, K.es), Buffer.alloc(64).toString('base64url')), reason: 'bad_signature' },
  { name: 'ES256 signature r = s = n (the group order)', token: () => withSig(good({}, {}, K.es), Buffer.from(P256_N + P256_N, 'hex').toString('base64url')), reason: 'bad_signature' },
  { name: 'ES256 signature in DER instead of r || s', token: derSigned, reason: 'bad_signature' },
  { name: 'RS256 signature of all zero bytes', token: () => withSig(good(), Buffer.alloc(256).toString('base64url')), reason: 'bad_signature' },
  { name: 'RS256 signature truncated', token: () => editSig((s) => s.slice(0, 256)), reason: 'bad_signature' },
  { name: 'RS256 signature with one bit flipped', token: () => editSig(flipBit), reason: 'bad_signature' },
  { name: 'the signature of another valid token', token: () => withSig(good({ scope: 'read:data write:data' }), sigOf(good())), reason: 'bad_signature' },
  { name: 'signature stripped', token: () => withSig(good(), ''), reason: 'malformed' },
];

describe('controls: a well-formed token is allowed (so each case below is refused for its own defect)', () => {
  test.each([
    ['RS256', () => K.rs],
    ['ES256', () => K.es],
  ])('%s token from the live key', async (_alg, key) => {
    const { answers, events } = await throughEveryEntryPoint(w, `Bearer ${good({ scope: 'read:data write:data' }, {}, key())}`, 'POST');
    expect(answers.map((a) => a.thrown)).toEqual([undefined, undefined, undefined]);
    expect(events.map((e) => e.reason)).toEqual(['allowed', 'allowed', 'allowed']);
  });

  test('the forging helpers produce tokens that verify when nothing is wrong', async () => {
    const raw = signRaw(K.rs, rsHeader(), payloadText());
    expect((await throughEveryEntryPoint(w, `Bearer ${raw}`)).events.map((e) => e.reason)).toEqual(['allowed', 'allowed', 'allowed']);
    const hs = hmacToken('HS256', 'k', K.rs.kid, now()).split('.');
    expect(hs[2]).toBe(createHmac('sha256', 'k').update(`${hs[0]}.${hs[1]}`).digest('base64url'));
  });
});

describe('hostile tokens: never allowed, never a 5xx', () => {
  test('there are at least 60 named cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const token = c.token?.();
    const authorization = c.header ? c.header() : `Bearer ${token}`;
    await expectRefused(w, authorization, c.reason, c.method);
    if (token !== undefined && c.reason !== 'insufficient_scope') await expectOwnTokenRejected(w, token);
  });

  test('jku / x5u servers were never contacted; the only JWKS ever fetched is the configured one', async () => {
    await w.authorizer.ready();
    expect(bait.hits()).toBe(0);
    expect(w.fetched.length).toBeGreaterThan(0); // the unknown kids above did trigger a (rate-limited) refetch
    expect(new Set(w.fetched)).toEqual(new Set([w.config.jwksUri]));
  });
});

describe('valid signatures that must no longer open the door: revoked, disabled, retired', () => {
  /** A token of its own client and subject, checked to be allowed first (so the refusal is the revocation's doing). */
  async function allowedToken(world: World, id: string, key: TestKey = K.rs): Promise<string> {
    const t = mint(key, world.now(), { claims: { client_id: id, sub: id } });
    expect((await throughEveryEntryPoint(world, `Bearer ${t}`)).events.map((e) => e.reason)).toEqual(['allowed', 'allowed', 'allowed']);
    return t;
  }
  const claimsOf = (t: string) => JSON.parse(Buffer.from(payloadOf(t), 'base64url').toString()) as { jti: string; client_id: string; sub: string; exp: number };

  test('a token its client revoked (RFC 7009, by jti)', async () => {
    const t = await allowedToken(w, 'pc_sec_jti');
    const c = claimsOf(t);
    await w.revocations.revokeToken({ jti: c.jti, client_id: c.client_id, sub: c.sub, exp: c.exp, by: `client:${c.client_id}` });
    await expectRefused(w, `Bearer ${t}`, 'revoked');
  });

  test('a token of a revoked client (admin revoke --client)', async () => {
    const t = await allowedToken(w, 'pc_sec_revoked');
    const other = await allowedToken(w, 'pc_sec_bystander');
    await w.revocations.revokeClient('pc_sec_revoked', { notBefore: w.now(), reason: 'revoked', by: 'security-test' });
    await expectRefused(w, `Bearer ${t}`, 'client_revoked');
    expect((await throughEveryEntryPoint(w, `Bearer ${other}`)).events.map((e) => e.reason)).toEqual(['allowed', 'allowed', 'allowed']);
  });

  test('a token of a disabled client (admin clients disable, through the client admin)', async () => {
    const admin = createClientAdmin(w.config, w.table, new MemoryAuditSink(), 'security-test', w.clock);
    const { client } = await admin.create({ name: 'soon-disabled', scopes: ['read:data'] });
    const t = await allowedToken(w, client.clientId);
    await admin.setStatus(client.clientId, 'disabled');
    await expectRefused(w, `Bearer ${t}`, 'client_disabled');
  });

  test('a token of a revoked subject (admin revoke --sub)', async () => {
    const t = await allowedToken(w, 'pc_sec_subject');
    await w.revocations.revokeSubject('pc_sec_subject', { notBefore: w.now(), by: 'security-test' });
    await expectRefused(w, `Bearer ${t}`, 'subject_revoked');
  });

  test('snapshot mode (the default): a revoked client is refused once the snapshot has refreshed', async () => {
    let checker: RevocationChecker | undefined;
    const snap = buildWorld(ddb, jwksOf(K.rs), {
      revocation: (config, table, clock) => (checker = createRevocationChecker({ ...config, revocation: { ...config.revocation, mode: 'snapshot' } }, { table, clock })),
    });
    expect(await checker!.ready!()).toBe(true);
    const t = await allowedToken(snap, 'pc_sec_snapshot');
    await snap.revocations.revokeClient('pc_sec_snapshot', { notBefore: snap.now(), reason: 'revoked' });
    expect(await checker!.ready!()).toBe(true); // one refresh, as the next decision past refreshMs would start
    await expectRefused(snap, `Bearer ${t}`, 'client_revoked');
  });

  test('a token signed by a retired key: refused once the key has left the JWKS, even though it was verified (and cached) before', async () => {
    const retired = makeKey('RS256', 'retired-rs');
    const rot = buildWorld(ddb, jwksOf(K.rs, retired), { env: { PORTCULLIS_JWKS_CACHE_SECONDS: '1' } });
    const old = await allowedToken(rot, 'pc_sec_rotation', retired);
    rot.publish(jwksOf(K.rs)); // the issuer retires the key
    rot.clock.advance(1_000); // the JWKS max-age has passed: the next decision refreshes the keys in the background
    await rot.authorizer.decide({ authorization: `Bearer ${mint(K.rs, rot.now())}`, arn: `${PREFIX}GET/demo/data` });
    await rot.authorizer.ready();
    await expectRefused(rot, `Bearer ${old}`, 'unknown_kid');
    await expectRefused(rot, `Bearer ${mint(retired, rot.now(), { claims: { client_id: 'pc_sec_rotation', sub: 'pc_sec_rotation' } })}`, 'unknown_kid');
    await allowedToken(rot, 'pc_sec_rotation', K.rs);
    expect(new Set(rot.fetched)).toEqual(new Set([rot.config.jwksUri]));
  });
});
