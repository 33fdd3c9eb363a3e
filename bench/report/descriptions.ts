/** What each figure of latest.json means (for BENCHMARKS.md). */
import type { MeasureKey } from '../results';

export const DESCRIPTIONS: Record<MeasureKey, string> = {
  authorizer_decision_ratio:
    'CPU of one full authorizer decision (bearer parsing, token checks, signature, claims, revocation snapshot check, route and scope, cache-safe policy, audit emit to the CloudWatch Logs sink incl. its batched PutLogEvents), a distinct token each time, ÷ raw `crypto.verify` RS256 of the same tokens.',
  aws_jwt_verify_ratio: 'aws-jwt-verify `verifySync` alone (signature, iss, aud, exp; JWKS cached), ÷ raw `crypto.verify`.',
  jose_ratio: 'jose `jwtVerify` alone (local JWKS set, typ, iss, aud, exp; WebCrypto, so asynchronous), ÷ raw `crypto.verify`.',
  authorizer_repeat_token_ratio: 'The same full decision with one token repeated (verified-token cache hit; revocation, route, policy and audit still run), ÷ raw `crypto.verify`.',
  authorizer_ddb_calls_per_decision:
    'DynamoDB requests per decision counted at the wire. `snapshot` (default mode): decisions over a few seconds of real time, so the background feed refresh (one Query per refresh interval per container, whatever the traffic) is included. `strict`: one consistent BatchGetItem per decision.',
  audit_emit_share: "CPU of the audit sink's `emit` per decision (scrub, serialize, buffer, and its share of the batched PutLogEvents call) ÷ CPU of the full decision.",
  token_issue_ratio:
    'Token endpoint core (form, client authentication against the cached DynamoDB client record, scope, mint, sign with the file key, audit confirmed before the answer as deployed: one PutLogEvents per request), requests/s ÷ raw `crypto.sign`/s of the same algorithm.',
  token_issue_ratio_amortized_audit: 'The same, with the audit sink flushed the way the authorizer flushes it (a batch per 1000 events or per second) instead of before each answer.',
  token_issue_ratio_without_audit: 'The same, with an audit sink that does nothing: the core alone.',
  authorizer_cold_init_ms: '`require` of the bundled, minified authorizer artifact plus its first decision (JWKS fetch and revocation snapshot load over loopback), median of fresh node processes. Node start-up itself is not included.',
  token_cold_init_ms: 'The same for the token function: `require` plus the first token (client lookup, key list, sign, audit write).',
  bundle_bytes: 'Size of the handler file (minified JavaScript) and of the deployment zip, per function.',
  http_token_rps: 'POST /oauth2/token requests/s over loopback (autocannon, bounded in time), through the local stack (serverless-offline + the local gateway). Information only.',
  http_authorized_rps: 'GET /demo/data with a valid token, requests/s, through the local stack (authorizer + demo function). Information only.',
  http_direct_token_rps: 'POST /oauth2/token requests/s against the bundled token function behind a bare node:http server (no serverless-offline).',
  http_direct_authorized_rps: 'GET /demo/data requests/s against the bundled authorizer behind a bare node:http server.',
  code_flow_ms:
    'One authorization code flow with a live SSO session, wall ms (median): GET /oauth2/authorize (→ 302 with the code) then POST /oauth2/token exchanging it (confidential client, PKCE S256), against the bundled authorize and token functions behind a bare node:http server, DynamoDB on dynalite and the audit confirmed to the CloudWatch Logs fake, one flow after the other over loopback.',
  code_flow_ddb_calls:
    'DynamoDB requests per step of that flow counted at the wire (median over the flows, the client and key caches warm): `authorize` = one BatchGetItem (session, user, consent) + one PutItem (the code), plus one UpdateItem when the session is due for keep-alive; `token` = one conditional UpdateItem (the redemption) + one BatchGetItem (user and session).',
  login_post_cpu_ms:
    'CPU of one POST /oauth2/login (form, CSRF, lockout, user lookup, Argon2id verify with m=19456 t=2 p=1, session, code, audit), ms in the function\'s process (every thread: Argon2 runs in libuv\'s pool), median.',
};

export const PROFILE_TITLES: Record<string, string> = {
  authorizer_decision: 'Authorizer decision, distinct tokens (CloudWatch Logs audit sink)',
  audit_emit: 'Audit emit alone (CloudWatch Logs sink, batched PutLogEvents)',
  token_core_RS256: 'Token endpoint core, RS256, audit confirmed per request',
  token_core_ES256: 'Token endpoint core, ES256, audit confirmed per request',
  token_core_no_audit_ES256: 'Token endpoint core, ES256, without audit (what is left besides the audit I/O)',
  authorizer_cold_start: 'Authorizer cold start (`node --cpu-prof`, unminified build of the same bundle; whole process)',
};
