/** A token endpoint wired with in-memory pieces and a key generated at test time. */
import { generateKeyPairSync } from 'node:crypto';
import { CachedClientLookup } from '../lib/clients/client-cache';
import { ClientAdmin } from '../lib/clients/client-admin';
import { testConfig } from './config';
import type { Config } from '../lib/config/types';
import { FileSigner } from '../lib/keys/file-signer';
import type { KeyRing } from '../lib/keys/key-ring';
import { MemoryClientStore } from './memory/client-store';
import { handleTokenRequest, type TokenEndpointDeps } from '../lib/endpoints/token';
import { NO_COOKIES, NO_QUERY, type HttpRequest } from '../lib/http/request';
import { MemoryAuditSink } from './memory-audit-sink';
import { FrozenClock } from './frozen-clock';

/** The token endpoint's tests use their own issuer and audience. */
export const tokenTestConfig = (env: Record<string, string> = {}): Config =>
  testConfig({ env: { PORTCULLIS_ISSUER: 'https://auth.example.test', PORTCULLIS_AUDIENCE: 'https://api.example.test', ...env } });

const signers = new Map<string, FileSigner>();
/** One key per algorithm per test file (RSA generation is slow). */
export function testSigner(alg: 'RS256' | 'ES256' = 'RS256'): FileSigner {
  let signer = signers.get(alg);
  if (!signer) {
    const { privateKey } = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
    signer = new FileSigner(privateKey);
    signers.set(alg, signer);
  }
  return signer;
}

export const staticKeyRing = (signer: FileSigner): KeyRing => ({
  activeSigner: async () => signer,
  jwks: async () => ({ keys: [await signer.publicJwk()] }),
});

export async function tokenFixture(opts: { alg?: 'RS256' | 'ES256'; env?: Record<string, string> } = {}) {
  const config = tokenTestConfig(opts.env);
  const clock = new FrozenClock(Date.UTC(2026, 5, 1, 12));
  const store = new MemoryClientStore();
  const audit = new MemoryAuditSink();
  const signer = testSigner(opts.alg);
  const admin = new ClientAdmin({ config, clients: store, audit, clock });
  const deps: TokenEndpointDeps = {
    config,
    clients: new CachedClientLookup(store, config.clientCacheTtlMs, 100, clock),
    keyRing: staticKeyRing(signer),
    audit,
    clock,
  };
  return { config, clock, store, audit, signer, admin, deps };
}

export function formRequest(body: string, headers: Record<string, string> = {}, extra: Partial<HttpRequest> = {}): HttpRequest {
  return {
    method: 'POST',
    path: '/oauth2/token',
    query: NO_QUERY,
    cookies: NO_COOKIES,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body,
    isBase64Encoded: false,
    sourceIp: '192.0.2.1',
    userAgent: 'jest',
    requestId: 'req-1',
    ...extra,
  };
}

export const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** A token endpoint over the fixture, with one client (`read:data write:data`, default `read:data`) and its secret. */
export async function tokenEndpointWorld(opts: Parameters<typeof tokenFixture>[0] = {}) {
  const f = await tokenFixture(opts);
  const { client, secret } = await f.admin.create({ name: 'app', scopes: ['read:data', 'write:data'], defaultScopes: ['read:data'] });
  const call = (body: string, headers: Record<string, string> = {}, extra: Partial<HttpRequest> = {}) => handleTokenRequest(formRequest(body, headers, extra), f.deps);
  return { ...f, client, secret, call };
}

/** The JSON body of an answer. */
export const responseBody = (res: { body: string }) => JSON.parse(res.body);
