/**
 * The authorizer as deployed, for hostile-input tests: the real decision core behind the real handlers,
 * a real (strict) revocation checker over dynalite, a JWKS fetcher that records every URI it is asked for,
 * a local HTTP server that attacker `jku` / `x5u` headers point at (it must never be contacted),
 * and forging helpers. Keys are generated at test time.
 */
import { createHmac, sign, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Fetcher } from 'aws-jwt-verify/https';
import { type AuditEvent } from '../../lib/audit/types';
import { Authorizer } from '../../lib/authorizer/decide';
import { createAuthorizerHandlers, UNAUTHORIZED, type AuthorizerHandlers } from '../../lib/authorizer/handlers';
import type { DenyReason } from '../../lib/authorizer/reasons';
import type { Config } from '../../lib/config/types';
import type { KeyRing } from '../../lib/keys/key-ring';
import { createRevocationChecker, createRevocationStore } from '../../lib/composition/revocation';
import { DocTable } from '../../lib/stores/dynamo/doc-table';
import { verifyOwnToken } from '../../lib/tokens/verify-own';
import { httpApiEvent, realNowClock, requestEvent, seconds, tokenEvent, type TestKey } from '../../testkit/authorizer-fixtures';
import type { TestDynamo } from '../../testkit/dynalite';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import type { FrozenClock } from '../../testkit/frozen-clock';
import { AUDIENCE, ISSUER, testConfig } from '../../testkit/config';
import type { RevocationChecker } from '../../lib/revocation/checker';
import type { RevocationStore } from '../../lib/stores/ports';

export const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** The claims the token endpoint issues (RFC 9068 §2.2), relative to `now`. */
export const claimsAt = (now: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: ISSUER,
  sub: 'pc_client1',
  aud: AUDIENCE,
  client_id: 'pc_client1',
  scope: 'read:data',
  iat: now,
  exp: now + 300,
  jti: `jti-${Math.random().toString(36).slice(2)}`,
  ...extra,
});

/** JWS signature over the exact header and payload texts (so duplicate JSON keys survive), with the key's own algorithm. */
export function signRaw(key: TestKey, headerText: string, payloadText: string): string {
  const input = `${b64(headerText)}.${b64(payloadText)}`;
  const sig =
    key.alg === 'RS256'
      ? sign('sha256', Buffer.from(input), key.privateKey)
      : sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

/** An HMAC-signed token keyed with `secret` (the key-confusion forgery of RFC 8725 §2.1). */
export function hmacToken(alg: 'HS256' | 'HS384' | 'HS512', secret: string | Buffer, kid: string, now: number): string {
  const input = `${b64({ alg, typ: 'at+jwt', kid })}.${b64(claimsAt(now, { scope: 'read:data write:data' }))}`;
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg];
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
}

/** The three forms a public key could take as an HMAC secret. */
export const publicKeyAs = (k: KeyObject) => ({
  PEM: k.export({ format: 'pem', type: 'spki' }) as string,
  DER: k.export({ format: 'der', type: 'spki' }),
  'JWK JSON': JSON.stringify(k.export({ format: 'jwk' })),
});

/** A local server attacker headers point at; counts every request. */
export async function startBaitServer(body: unknown): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface World {
  config: Config;
  clock: FrozenClock;
  now: () => number;
  audit: MemoryAuditSink;
  authorizer: Authorizer;
  handlers: AuthorizerHandlers;
  revocations: RevocationStore;
  table: DocTable;
  /** Every URI the authorizer asked its JWKS fetcher for. */
  fetched: string[];
  /** What the JWKS endpoint serves from now on. */
  publish(jwks: unknown): void;
  keyRing: KeyRing;
}

export function buildWorld(ddb: TestDynamo, jwks: { keys: Record<string, string>[] }, opts: { env?: Record<string, string>; revocation?: (config: Config, table: DocTable, clock: FrozenClock) => RevocationChecker } = {}): World {
  const clock = realNowClock();
  const base = testConfig({ env: opts.env });
  const config: Config = { ...base, tableName: ddb.tableName, dynamoEndpoint: ddb.endpoint, revocation: { ...base.revocation, mode: 'strict' } };
  const table = new DocTable(ddb.table.client, ddb.tableName, clock);
  const revocation = opts.revocation?.(config, table, clock) ?? createRevocationChecker(config, { table, clock });
  let served: unknown = jwks;
  const fetched: string[] = [];
  const fetcher: Fetcher = {
    fetch: async (uri: string) => {
      fetched.push(uri);
      return new TextEncoder().encode(JSON.stringify(served)).buffer as ArrayBuffer;
    },
  };
  const audit = new MemoryAuditSink();
  const authorizer = new Authorizer(config, { audit, revocation, clock, jwks, fetcher, log: () => {} });
  return {
    config,
    clock,
    now: () => seconds(clock),
    audit,
    authorizer,
    handlers: createAuthorizerHandlers({ authorizer: () => authorizer }),
    revocations: createRevocationStore(config, { table, clock }),
    table,
    fetched,
    publish: (next) => (served = next),
    keyRing: { activeSigner: () => Promise.reject(new Error('not used')), jwks: async () => jwks } as unknown as KeyRing,
  };
}

/** What API Gateway would see from each of the three entry points, plus the audit reasons they recorded. */
export async function throughEveryEntryPoint(w: World, authorization: string | undefined, method: 'GET' | 'POST' = 'GET') {
  const headers: Record<string, string> = authorization === undefined ? {} : { Authorization: authorization };
  const lower: Record<string, string> = authorization === undefined ? {} : { authorization };
  const calls: Array<[string, () => Promise<unknown>]> = [
    ['TOKEN', () => w.handlers.token(tokenEvent(authorization, method))],
    ['REQUEST', () => w.handlers.request(requestEvent(headers, method))],
    ['HTTP API', () => w.handlers.httpApiSimple(httpApiEvent(lower, method))],
  ];
  const answers: Array<{ entry: string; thrown?: unknown; result?: unknown }> = [];
  const before = w.audit.events.length;
  for (const [entry, call] of calls) {
    try {
      answers.push({ entry, result: await call() });
    } catch (thrown) {
      answers.push({ entry, thrown });
    }
  }
  return { answers, events: w.audit.events.slice(before) };
}

/**
 * The hostile request is refused by every entry point the way API Gateway needs it (401: the exact
 * `Unauthorized` error; 403: a policy denying this very request), never allowed, never another error,
 * and each decision is audited with `reason` and without the token.
 */
export async function expectRefused(w: World, authorization: string | undefined, reason: DenyReason, method: 'GET' | 'POST' = 'GET'): Promise<AuditEvent[]> {
  const { answers, events } = await throughEveryEntryPoint(w, authorization, method);
  for (const a of answers) {
    if (a.thrown !== undefined) {
      expect({ entry: a.entry, thrown: a.thrown instanceof Error ? a.thrown.message : String(a.thrown) }).toEqual({ entry: a.entry, thrown: UNAUTHORIZED });
      continue;
    }
    // Only a 403 may answer with a result, and that result must deny.
    expect({ entry: a.entry, reason }).toEqual({ entry: a.entry, reason: expect.stringMatching(/^(insufficient_scope|route_not_declared)$/) });
    const r = a.result as { isAuthorized?: boolean; policyDocument?: { Statement: Array<{ Effect: string; Resource: string[] }> } };
    if (a.entry === 'HTTP API') expect(r.isAuthorized).toBe(false);
    else expect(r.policyDocument!.Statement.some((s) => s.Effect === 'Deny' && s.Resource.some((res) => res.endsWith(`/${method}/demo/data`)))).toBe(true);
  }
  expect(events.map((e) => [e.event, e.outcome, e.reason])).toEqual(Array(3).fill(['authz.denied', 'failure', reason]));
  const token = authorization?.replace(/^\S+\s+/, '') ?? '';
  const secretPart = token.split('.')[2] ?? '';
  const text = JSON.stringify(events);
  if (token.length >= 16) expect(text.includes(token)).toBe(false);
  if (secretPart.length >= 16) expect(text.includes(secretPart)).toBe(false);
  return events;
}

/** The revocation and introspection endpoints share the structural checks: they must not accept it either. */
export async function expectOwnTokenRejected(w: World, token: string): Promise<void> {
  const r = await verifyOwnToken(token, { config: w.config, keyRing: w.keyRing, clock: w.clock, clockSkewSeconds: w.config.clockSkewSeconds });
  expect(r.claims).toBeUndefined();
}

