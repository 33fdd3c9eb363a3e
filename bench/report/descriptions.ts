/** What each figure of latest.json means (for BENCHMARKS.md). */
import type { MeasureKey } from '../results';

export const DESCRIPTIONS: Record<MeasureKey, string> = {
  authorizer_decision_ratio:
    'CPU of one full authorizer decision (bearer parsing, token checks, signature, claims, revocation snapshot check, route and scope, cache-safe policy, the audit line written to stdout: one synchronous write to a pipe), a distinct token each time, ÷ raw `crypto.verify` RS256 of the same tokens.',
  aws_jwt_verify_ratio: 'aws-jwt-verify `verifySync` alone (signature, iss, aud, exp; JWKS cached), ÷ raw `crypto.verify`.',
  jose_ratio: 'jose `jwtVerify` alone (local JWKS set, typ, iss, aud, exp; WebCrypto, so asynchronous), ÷ raw `crypto.verify`.',
  authorizer_repeat_token_ratio: 'The same full decision with one token repeated (verified-token cache hit; revocation, route, policy and audit still run), ÷ raw `crypto.verify`.',
  authorizer_ddb_calls_per_decision:
    'DynamoDB requests per decision counted at the wire. `snapshot` (default mode): decisions over a few seconds of real time, so the background feed refresh (one Query per refresh interval per container, whatever the traffic) is included. `strict`: one consistent BatchGetItem per decision.',
  audit_emit_share: "CPU of the audit sink's `emit` per decision (scrub, serialize, and the synchronous write(2) of the line to a pipe) ÷ CPU of the full decision.",
  token_issue_ratio:
    'Token endpoint core (form, client authentication against the cached DynamoDB client record, scope, mint, sign with the file key, the audit line written to stdout before the answer, as deployed), requests/s ÷ raw `crypto.sign`/s of the same algorithm.',
  token_issue_ratio_without_audit: 'The same, with an audit sink that does nothing: the core alone.',
  private_key_jwt_issue_ratio:
    'Token endpoint core as in `token_issue_ratio` (audit confirmed per request), but the client authenticates with `private_key_jwt` instead of a secret: an ES256 client assertion (signed beforehand, one per request) checked by the jose layer (precheck, signature with the client\'s inline key) and its jti claimed with one conditional PutItem; requests/s ÷ raw `crypto.sign`/s of the token\'s algorithm.',
  private_key_jwt_ddb_calls_per_request:
    'DynamoDB requests per steady-state `private_key_jwt` token request, counted at the wire (client record, lockout state and key list cached): the jti write only.',
  refresh_issue_ratio:
    'Token endpoint core as in `token_issue_ratio` (client_secret_basic, audit confirmed per request), but `grant_type=refresh_token` along a rotation chain (each request exchanges the refresh token the previous one returned): the family, user and revocation records in one BatchGetItem, one conditional UpdateItem rotating the family, a new 256-bit token and its SHA-256, the access token signed; requests/s ÷ raw `crypto.sign`/s of the same algorithm. DynamoDB is on dynalite in another process, so its CPU is not counted.',
  refresh_ddb_calls:
    'DynamoDB requests per steady-state refresh (client record and key list cached), counted at the wire: one BatchGetItem (the family, the user, the grant\'s and the session\'s revocation records) and one conditional UpdateItem (the rotation).',
  authorizer_cold_init_ms: '`require` of the bundled, minified authorizer artifact plus its first decision (JWKS fetch and revocation snapshot load over loopback), median of fresh node processes. Node start-up itself is not included.',
  token_cold_init_ms: 'The same for the token function: `require` plus the first token (client lookup, key list, sign, audit line).',
  bundle_bytes: 'Size of the handler file (minified JavaScript) and of the deployment zip, per function.',
  http_token_rps: 'POST /oauth2/token requests/s over loopback (autocannon, bounded in time), through the local stack (serverless-offline + the local gateway). Information only.',
  http_authorized_rps: 'GET /demo/data with a valid token, requests/s, through the local stack (authorizer + demo function). Information only.',
  http_direct_token_rps: 'POST /oauth2/token requests/s against the bundled token function behind a bare node:http server (no serverless-offline).',
  http_direct_authorized_rps: 'GET /demo/data requests/s against the bundled authorizer behind a bare node:http server.',
  peak_rss_mib:
    'Peak resident memory (getrusage maxrss, MiB) of each bundled function alone in its own node process, as in its own Lambda container: cold start, then the HTTP load above (tokens issued; decisions). Node itself is about 40 MiB of it. `npm run bench:load` prints the same for the local stack.',
  code_flow_ms:
    'One authorization code flow with a live SSO session, wall ms (median): GET /oauth2/authorize (→ 302 with the code) then POST /oauth2/token exchanging it (confidential client, PKCE S256), against the bundled authorize and token functions behind a bare node:http server, DynamoDB on dynalite, the audit lines written to stdout, one flow after the other over loopback.',
  code_flow_ddb_calls:
    'DynamoDB requests per step of that flow counted at the wire (median over the flows, the client and key caches warm): `authorize` = one BatchGetItem (session, user, consent) + one PutItem (the code), plus one UpdateItem when the session is due for keep-alive; `token` = one conditional UpdateItem (the redemption) + one BatchGetItem (user and session).',
  login_post_cpu_ms:
    'CPU of one POST /oauth2/login (form, CSRF, lockout, user lookup, Argon2id verify with m=19456 t=2 p=1, session, code, audit), ms in the function\'s process (every thread: Argon2 runs in libuv\'s pool), median.',
};

export const PROFILE_TITLES: Record<string, string> = {
  authorizer_decision: 'Authorizer decision, distinct tokens (audit line to stdout)',
  authorizer_repeat_token: 'Authorizer decision, one token repeated (verified-token cache hit; audit line to stdout)',
  audit_emit: 'Audit emit alone (scrub, serialize, one synchronous write to a pipe)',
  token_core_RS256: 'Token endpoint core, RS256, audit line written before the answer',
  token_core_ES256: 'Token endpoint core, ES256, audit line written before the answer',
  token_core_no_audit_ES256: 'Token endpoint core, ES256, without audit',
  authorizer_cold_start: 'Authorizer cold start (`node --cpu-prof`, unminified build of the same bundle; whole process)',
};
