/**
 * The browser side of the code flow wired in process: the authorization, login, consent and token endpoints over
 * the in-memory stores (or given ones), a frozen clock, a user with real Argon2id hashing, and a tiny cookie jar
 * that plays the browser. For unit-level tests of the flow; the browser tests drive the real local stack.
 */
import { createHash, randomBytes } from 'node:crypto';
import { CachedClientLookup } from '../lib/clients/client-cache';
import { ClientAdmin } from '../lib/clients/client-admin';
import type { AuthorizationDeps } from '../lib/authorization/flow';
import { handleAuthorizeRequest } from '../lib/endpoints/authorize';
import { handleConsentRequest } from '../lib/endpoints/consent';
import { handleLoginRequest } from '../lib/endpoints/login';
import { handleTokenRequest, type TokenEndpointDeps } from '../lib/endpoints/token';
import { parseQueryString, NO_COOKIES, type HttpRequest } from '../lib/http/request';
import type { HttpResponse } from '../lib/http/response';
import { Lockout } from '../lib/lockout/lockout';
import { lockoutPolicy } from '../lib/lockout/policy';
import { UserAdmin } from '../lib/users/user-admin';
import { USER_LOCKOUT } from '../lib/users/user-lockout';
import { lazySignIn } from '../lib/users/lazy-sign-in';
import { testConfig } from './config';
import { FrozenClock } from './frozen-clock';
import { MemoryAuditSink } from './memory-audit-sink';
import { MemoryAuthorizationCodeStore } from './memory/authorization-code-store';
import { MemoryClientStore } from './memory/client-store';
import { MemoryConsentStore } from './memory/consent-store';
import { MemoryLockoutStore } from './memory/lockout-store';
import { MemoryRevocationStore } from './memory/revocation-store';
import { MemoryRefreshFamilyStore } from './memory/refresh-family-store';
import { revokeSubjectFamilies } from '../lib/refresh/revoke-grant';
import { MemorySessionStore } from './memory/session-store';
import { MemorySignInStateReader } from './memory/sign-in-state';
import { MemoryUserStore } from './memory/user-store';
import { staticKeyRing, testSigner } from './token-fixture';

export const ISSUER = 'https://auth.example.test';
export const PASSWORD = 'correct horse battery staple';
export const ROLES = { reader: ['read:data'], writer: ['read:data', 'write:data'] };

/** A PKCE pair (RFC 7636): a random verifier and its S256 challenge. */
export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A browser's cookies: what Set-Cookie stored (Max-Age=0 deletes). */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  take(res: HttpResponse): void {
    for (const c of res.cookies ?? []) {
      const [pair, ...attrs] = c.split('; ');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      if (attrs.some((a) => a === 'Max-Age=0')) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1));
    }
  }
}

export function browserRequest(method: 'GET' | 'POST', path: string, opts: { query?: string; body?: string; jar?: CookieJar } = {}): HttpRequest {
  return {
    method,
    path,
    query: parseQueryString(opts.query ?? ''),
    headers: method === 'POST' ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {},
    cookies: opts.jar ? new Map(opts.jar.cookies) : NO_COOKIES,
    body: opts.body ?? null,
    isBase64Encoded: false,
    sourceIp: '192.0.2.7',
    userAgent: 'jest-browser',
    requestId: 'req-b',
  };
}

/** The hidden fields of the page's form. */
export function formFields(page: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    out[m[1]] = m[2].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#96;/g, '`').replace(/&amp;/g, '&');
  }
  return out;
}

export async function peopleWorld(opts: { env?: Record<string, string> } = {}) {
  const config = testConfig({
    env: { PORTCULLIS_ISSUER: ISSUER, PORTCULLIS_AUDIENCE: 'https://api.example.test', PORTCULLIS_ROLES: JSON.stringify(ROLES), ...opts.env },
  });
  const clock = new FrozenClock(Date.UTC(2026, 5, 1, 12));
  const audit = new MemoryAuditSink();
  const clients = new MemoryClientStore();
  const users = new MemoryUserStore();
  const sessions = new MemorySessionStore(clock);
  const consents = new MemoryConsentStore();
  const codes = new MemoryAuthorizationCodeStore();
  const revocations = new MemoryRevocationStore(config, clock);
  const signInState = new MemorySignInStateReader({ sessions, users, consents });
  const refreshFamilies = new MemoryRefreshFamilyStore(clock, users, revocations);
  const lookup = new CachedClientLookup(clients, config.clientCacheTtlMs, 100, clock);
  const userLockout = new Lockout(new MemoryLockoutStore(), { policy: lockoutPolicy(config), cacheTtlMs: config.clientCacheTtlMs, clock, audit, kind: USER_LOCKOUT });
  const deps: AuthorizationDeps = { config, clients: lookup, signInState, sessions, codes, consents, users, audit, clock, userLockout };
  const tokenDeps: TokenEndpointDeps = {
    config,
    clients: lookup,
    keyRing: staticKeyRing(testSigner()),
    audit,
    clock,
    grantServices: { codes, signInState, revocations, users, userLockout, signIn: lazySignIn, refreshFamilies },
  };
  const clientAdmin = new ClientAdmin({ config, clients, audit, clock });
  const userAdmin = new UserAdmin({ config, users, consents, audit, clock, revokeSubject: async (sub) => {
    const notBefore = Math.floor(clock.now() / 1000);
    await revocations.revokeSubject(sub, { notBefore });
    await revokeSubjectFamilies(refreshFamilies, sub, { nowSeconds: notBefore, reason: 'subject_revoked' });
    return { notBefore };
  } });
  const alice = await userAdmin.create({ username: 'alice', password: PASSWORD, roles: ['reader'] });
  const redirectUri = 'https://app.example.com/cb';
  const web = await clientAdmin.create({ name: 'Web app', scopes: ['openid', 'read:data', 'write:data'], defaultScopes: ['read:data'], redirectUris: [redirectUri] });

  const authorize = (query: string, jar?: CookieJar) => handleAuthorizeRequest(browserRequest('GET', '/oauth2/authorize', { query, jar }), deps);
  const login = (body: string, jar?: CookieJar) => handleLoginRequest(browserRequest('POST', '/oauth2/login', { body, jar }), deps);
  const consent = (body: string, jar?: CookieJar) => handleConsentRequest(browserRequest('POST', '/oauth2/consent', { body, jar }), deps);
  const token = (body: string, headers: Record<string, string> = {}) =>
    handleTokenRequest({ ...browserRequest('POST', '/oauth2/token', { body }), headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers } }, tokenDeps);

  /** An authorization request's query for the web client (override or drop parameters with undefined). */
  const query = (over: Record<string, string | undefined> = {}, challenge = pkce().challenge) => {
    const p: Record<string, string | undefined> = {
      response_type: 'code',
      client_id: web.client.clientId,
      redirect_uri: redirectUri,
      scope: 'openid read:data',
      state: 'st-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...over,
    };
    return new URLSearchParams(Object.entries(p).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  };

  /** GET authorize then POST the form with these credentials; the jar keeps the cookies. */
  async function signIn(jar: CookieJar, q: string, username = 'alice', password = PASSWORD) {
    const page = await authorize(q, jar);
    jar.take(page);
    const fields = formFields(page.body);
    const res = await login(new URLSearchParams({ ...fields, username, password }).toString(), jar);
    jar.take(res);
    return { page, res };
  }

  /** The code in a redirect answer (and the other parameters). */
  const redirectParams = (res: HttpResponse) => new URL(res.headers.Location).searchParams;

  /** Exchanges a code as the web client (client_secret_basic). */
  const exchange = (code: string, verifier: string, over: Record<string, string> = {}, client = web) =>
    token(new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, ...over }).toString(), {
      Authorization: `Basic ${Buffer.from(`${client.client.clientId}:${client.secret}`).toString('base64')}`,
    });

  return { config, clock, audit, clients, users, userLockout, sessions, consents, codes, revocations, refreshFamilies, signInState, deps, tokenDeps, clientAdmin, userAdmin, alice, web, redirectUri, authorize, login, consent, token, query, signIn, redirectParams, exchange };
}
