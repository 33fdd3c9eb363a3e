/** Shared by test/authorizer-*.test.ts: keys made at test time, token minting, config, events, a JWKS server. */
import { createHmac, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayRequestAuthorizerEvent, APIGatewayRequestAuthorizerEventV2, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import type { Config } from '../lib/config/types';
import { Authorizer, type AuthorizerDeps } from '../lib/authorizer/decide';
import type { PolicyDocument } from '../lib/authorizer/policy';
import { MemoryAuditSink } from './memory-audit-sink';
import { FrozenClock } from './frozen-clock';

export { AUDIENCE, ISSUER } from './config';
import { AUDIENCE, ISSUER, testConfig } from './config';
import type { RevocationChecker } from '../lib/revocation/checker';
import type { TokenFacts } from '../lib/models/revocation';
export const PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:abc123/dev/';

export interface TestKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: Record<string, string>;
}

export function makeKey(alg: 'RS256' | 'ES256', kid = `${alg.toLowerCase()}-${randomBytes(4).toString('hex')}`): TestKey {
  const { privateKey, publicKey } = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, string>), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, jwk };
}

export const jwksOf = (...keys: TestKey[]) => ({ keys: keys.map((k) => k.jwk) });

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

export interface MintOptions {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  /** Remove these claims. */
  omit?: string[];
  /** Sign with this key but keep the header (alg, kid) as given. */
  signWith?: TestKey;
}

/** A token as the portcullis token endpoint issues it (RFC 9068), relative to `nowSeconds`. */
export function mint(key: TestKey, nowSeconds: number, opts: MintOptions = {}): string {
  const header = { alg: key.alg, typ: 'at+jwt', kid: key.kid, ...opts.header };
  const claims: Record<string, unknown> = {
    iss: ISSUER,
    sub: 'pc_client1',
    aud: AUDIENCE,
    client_id: 'pc_client1',
    scope: 'read:data',
    iat: nowSeconds,
    exp: nowSeconds + 300,
    jti: randomBytes(16).toString('base64url'),
    ...opts.claims,
  };
  for (const c of opts.omit ?? []) delete claims[c];
  const input = `${b64(header)}.${b64(claims)}`;
  const signer = opts.signWith ?? key;
  const sig =
    signer.alg === 'RS256'
      ? sign('sha256', Buffer.from(input), signer.privateKey)
      : sign('sha256', Buffer.from(input), { key: signer.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

/** `alg: none`, empty signature. */
export const unsignedToken = (nowSeconds: number, kid: string) =>
  `${b64({ alg: 'none', typ: 'at+jwt', kid })}.${b64({ iss: ISSUER, sub: 's', aud: AUDIENCE, client_id: 's', scope: 'read:data', iat: nowSeconds, exp: nowSeconds + 300, jti: 'j' })}.`;

/** The classic key-confusion forgery: HS256 keyed with the RSA public key PEM. */
export function hs256WithPublicKey(key: TestKey, nowSeconds: number): string {
  const input = `${b64({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })}.${b64({
    iss: ISSUER,
    sub: 'attacker',
    aud: AUDIENCE,
    client_id: 'attacker',
    scope: 'read:data write:data',
    iat: nowSeconds,
    exp: nowSeconds + 300,
    jti: 'forged',
  })}`;
  const pem = key.publicKey.export({ format: 'pem', type: 'spki' });
  return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
}

export { DEMO_ROUTES, DEMO_SCOPES, testConfig } from './config';

/**
 * An independent reading of how API Gateway evaluates an authorizer policy on a request's execute-api ARN, as IAM
 * matches resources: explicit Deny wins, then any Allow; `*` is any run of characters, `/` included, `?` is one
 * character; matching is case-sensitive.
 */
export function iamAllows(policy: PolicyDocument, arn: string): boolean {
  const matches = (pattern: string) =>
    new RegExp(`^${pattern.split('*').map((p) => p.split('?').map((q) => q.replace(/[.+^${}()|[\]\\/]/g, '\\$&')).join('.')).join('.*')}$`, 's').test(arn);
  if (policy.Statement.some((s) => s.Effect === 'Deny' && s.Resource.some(matches))) return false;
  return policy.Statement.some((s) => s.Effect === 'Allow' && s.Resource.some(matches));
}

/** Frozen at (about) the real time: aws-jwt-verify checks exp against Date.now() as well. */
export const realNowClock = () => new FrozenClock(Math.floor(Date.now() / 1000) * 1000);
export const seconds = (clock: FrozenClock) => Math.floor(clock.now() / 1000);

/** Records every check; answers from a map of jti → reason. */
export class RecordingRevocation implements RevocationChecker {
  readonly checked: TokenFacts[] = [];
  readonly revoked = new Map<string, 'revoked' | 'client_revoked'>();
  check(token: TokenFacts) {
    this.checked.push(token);
    return this.revoked.get(token.jti) ?? null;
  }
}

export interface Harness {
  authorizer: Authorizer;
  audit: MemoryAuditSink;
  revocation: RecordingRevocation;
  clock: FrozenClock;
  key: TestKey;
  now: () => number;
}

export function harness(opts: { config?: Config; keys?: TestKey[]; deps?: Partial<AuthorizerDeps> } = {}): Harness {
  const key = opts.keys?.[0] ?? makeKey('RS256');
  const clock = realNowClock();
  const audit = new MemoryAuditSink();
  const revocation = new RecordingRevocation();
  const authorizer = new Authorizer(opts.config ?? testConfig(), {
    audit,
    revocation,
    clock,
    jwks: jwksOf(...(opts.keys ?? [key])),
    log: () => {},
    ...opts.deps,
  });
  return { authorizer, audit, revocation, clock, key, now: () => seconds(clock) };
}

export const tokenEvent = (authorization: string | undefined, method = 'GET', path = '/demo/data'): APIGatewayTokenAuthorizerEvent => ({
  type: 'TOKEN',
  authorizationToken: authorization as string,
  methodArn: `${PREFIX}${method}${path}`,
});

export function requestEvent(headers: Record<string, string>, method = 'GET', resource = '/demo/data', path = resource): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: `${PREFIX}${method}${path}`,
    resource,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: null,
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: { requestId: 'req-1', identity: { sourceIp: '203.0.113.9', userAgent: 'jest' } } as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}

export function httpApiEvent(headers: Record<string, string>, method = 'GET', template = '/v2/demo/data', path = template): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:us-east-1:123456789012:http456/$default/${method}${path}`,
    identitySource: [headers.authorization ?? ''],
    routeKey: `${method} ${template}`,
    rawPath: path,
    rawQueryString: '',
    cookies: [],
    headers,
    requestContext: {
      requestId: 'req-2',
      routeKey: `${method} ${template}`,
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'jest' },
    } as APIGatewayRequestAuthorizerEventV2['requestContext'],
  };
}

/** A JWKS endpoint on 127.0.0.1 that counts its requests; `respond` decides each answer. */
export async function startJwksServer(initial: unknown): Promise<{ url: string; hits: () => number; set(jwks: unknown): void; fail(status?: number): void; close(): Promise<void> }> {
  let body: unknown = initial;
  let status = 200;
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(status === 200 ? JSON.stringify(body) : '{"error":"down"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  return {
    url,
    hits: () => hits,
    set(jwks) {
      body = jwks;
      status = 200;
    },
    fail(s = 500) {
      status = s;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

