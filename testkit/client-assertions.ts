/**
 * private_key_jwt in tests and benchmarks: client key pairs, their public JWKS, assertions signed with jose, the
 * assertion services wired over in-memory (or any) stores, and a small JWKS server that can be slow, huge,
 * redirecting or down.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { ClientAssertionServices } from '../lib/client-auth/assertion-services';
import { ClientKeyResolver, type ClientKeyResolverOptions } from '../lib/client-auth/client-keys';
import type { ClientAuthServices } from '../lib/client-auth/method';
import { CLIENT_ASSERTION_TYPE } from '../lib/client-auth/private-key-jwt';
import type { Config } from '../lib/config/types';
import type { Clock } from '../lib/core/clock';
import { ENDPOINT_PATHS } from '../lib/endpoints/paths';
import type { AssertionJtiStore } from '../lib/stores/ports';
import { MemoryAssertionJtiStore } from './memory/assertion-jti-store';

export type AssertionAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

export interface ClientKey {
  alg: AssertionAlg;
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

const pairs = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>();
/** A key pair per algorithm and slot, made once per test file (RSA generation is slow). */
export function clientKey(alg: AssertionAlg, kid = `${alg.toLowerCase()}-1`, slot = kid): ClientKey {
  const id = `${alg}#${slot}`;
  let pair = pairs.get(id);
  if (!pair) {
    if (alg === 'RS256' || alg === 'PS256') pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    else if (alg === 'ES256') pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    else pair = generateKeyPairSync('ed25519');
    pairs.set(id, pair);
  }
  const publicJwk = { ...(pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, alg, use: 'sig' };
  return { alg, kid, ...pair, publicJwk };
}

export const jwksOf = (...keys: ClientKey[]) => ({ keys: keys.map((k) => k.publicJwk) });

export const tokenEndpointOf = (config: Pick<Config, 'issuer'>) => `${config.issuer}${ENDPOINT_PATHS.token}`;

export interface AssertionClaims {
  iss?: unknown;
  sub?: unknown;
  aud?: unknown;
  exp?: unknown;
  iat?: unknown;
  nbf?: unknown;
  jti?: unknown;
  [other: string]: unknown;
}

/**
 * An assertion of `clientId` for `audience`, valid at `nowMs` for 60 s, signed by `key` with jose. `claims` override
 * (undefined removes one); `header` overrides the protected header (`kid: undefined` leaves the kid out).
 */
export async function signAssertion(
  key: ClientKey,
  clientId: string,
  audience: string,
  nowMs: number,
  opts: { claims?: AssertionClaims; header?: Record<string, unknown> } = {},
): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  const claims: Record<string, unknown> = { iss: clientId, sub: clientId, aud: audience, iat: now, exp: now + 60, jti: randomUUID(), ...opts.claims };
  for (const k of Object.keys(claims)) if (claims[k] === undefined) delete claims[k];
  const header: Record<string, unknown> = { alg: key.alg, kid: key.kid, ...opts.header };
  for (const k of Object.keys(header)) if (header[k] === undefined) delete header[k];
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
}

/** The form fields of private_key_jwt. */
export const assertionForm = (assertion: string) =>
  `client_assertion_type=${encodeURIComponent(CLIENT_ASSERTION_TYPE)}&client_assertion=${encodeURIComponent(assertion)}`;

/** Client authentication services as lib/composition/client-auth.ts wires them, over the given (default in-memory) stores. */
export function testClientAuthServices(
  config: Config,
  opts: { clock: Clock; jtis?: AssertionJtiStore; keys?: Omit<ClientKeyResolverOptions, 'clock'> } = { clock: { now: Date.now } },
): ClientAuthServices & { assertions: ClientAssertionServices & { jtis: AssertionJtiStore; keys: ClientKeyResolver } } {
  return {
    assertions: {
      issuer: config.issuer,
      tokenEndpoint: tokenEndpointOf(config),
      clockSkewSeconds: config.clockSkewSeconds,
      jtis: opts.jtis ?? new MemoryAssertionJtiStore(),
      keys: new ClientKeyResolver({ ...opts.keys, clock: opts.clock }),
    },
  };
}

export type JwksBehaviour = { kind: 'ok' } | { kind: 'slow'; delayMs: number } | { kind: 'trickle'; intervalMs: number } | { kind: 'huge'; bytes: number } | { kind: 'redirect'; to: string } | { kind: 'status'; status: number };

/** A client's JWKS server on loopback: serves `jwks`, or misbehaves as told; counts requests per path. */
export async function startClientJwksServer(jwks: unknown) {
  let body: unknown = jwks;
  let behaviour: JwksBehaviour = { kind: 'ok' };
  const hits = new Map<string, number>();
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    open.add(res);
    res.on('close', () => open.delete(res));
    const b = behaviour;
    if (b.kind === 'ok' || path === '/elsewhere') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    } else if (b.kind === 'slow') {
      setTimeout(() => {
        if (!res.destroyed) res.end(JSON.stringify(body));
      }, b.delayMs).unref();
      res.writeHead(200, { 'content-type': 'application/json' });
    } else if (b.kind === 'trickle') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const text = JSON.stringify(body);
      let i = 0;
      const t = setInterval(() => {
        if (res.destroyed || i >= text.length) {
          clearInterval(t);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(text[i++]);
      }, b.intervalMs);
      t.unref();
    } else if (b.kind === 'huge') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"keys":[${JSON.stringify((body as { keys: unknown[] }).keys[0])}],"pad":"${'x'.repeat(b.bytes)}"}`);
    } else if (b.kind === 'redirect') {
      res.writeHead(302, { location: b.to });
      res.end();
    } else {
      res.writeHead(b.status, { 'content-type': 'application/json' });
      res.end('{"error":"down"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/jwks.json`,
    base,
    hits: (path = '/jwks.json') => hits.get(path) ?? 0,
    set(next: unknown) {
      body = next;
    },
    behave(b: JwksBehaviour) {
      behaviour = b;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of open) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
