/**
 * What the authorization, login and consent endpoints share: their dependencies, reading the signed-in browser (one
 * BatchGetItem), the pages they answer with, and carrying out a decision (lib/authorization/decide.ts).
 */
import type { AuditEvent, AuditSink } from '../audit/types';
import type { CachedClientLookup } from '../clients/client-cache';
import { redirectOrigin } from '../clients/redirect-uris';
import type { Clock } from '../core/clock';
import { epochSeconds, systemClock } from '../core/clock';
import type { Config } from '../config/types';
import { guardDependency } from '../core/dependency-guard';
import { OAuthError } from '../core/errors';
import { requestAuditFields } from '../http/audit-fields';
import type { HttpRequest } from '../http/request';
import type { HttpResponse } from '../http/response';
import type { Lockout } from '../lockout/lockout';
import type { ConsentRecord } from '../models/consent';
import {
  consentCsrfToken,
  cookieNames,
  newCsrfToken,
  parseSessionCookie,
  setCsrfCookie,
  type CookieNames,
  type SessionCookie,
} from '../sessions/session-cookie';
import { liveSession, Sessions, type LiveSession } from '../sessions/sessions';
import type { AuthorizationCodeStore, ConsentStore, SessionStore, SignInStateReader, UserStore } from '../stores/ports';
import { consentPage } from '../ui/consent-page';
import { errorPage } from '../ui/error-page';
import { loginPage } from '../ui/login-page';
import { issueCode } from './codes';
import type { Decision } from './decide';
import { RedirectableError, UnredirectableError, type AuthorizationRequest } from './request';
import { codeRedirect, errorRedirect } from './responses';

export interface AuthorizationDeps {
  config: Config;
  clients: CachedClientLookup;
  signInState: SignInStateReader;
  sessions: SessionStore;
  codes: AuthorizationCodeStore;
  consents: ConsentStore;
  users: UserStore;
  audit: AuditSink;
  /** Brute force at the sign-in form; none when absent (unit tests). */
  userLockout?: Lockout;
  clock?: Clock;
}

/** An endpoint's path below the issuer (the issuer may have a path: the execute-api stage). */
export const pathBelowIssuer = (config: Config, path: string) => `${new URL(config.issuer).pathname.replace(/\/+$/, '')}${path}`;

export const namesOf = (config: Config): CookieNames => cookieNames(config.issuer);

/** The signed-in browser, if any: its cookie, its live session and user, and its consent to the request's client. */
export interface Browser {
  cookie?: SessionCookie;
  live?: LiveSession;
  consent?: ConsentRecord;
  /** A session cookie that names no live session: cleared in the answer. */
  staleCookie: boolean;
}

export async function readBrowser(req: HttpRequest, deps: AuthorizationDeps, request: AuthorizationRequest | undefined, nowSeconds: number): Promise<Browser> {
  const raw = req.cookies.get(namesOf(deps.config).session);
  const cookie = parseSessionCookie(raw);
  if (!cookie) return { staleCookie: raw !== undefined };
  const consentClientId = request?.client.thirdParty ? request.client.clientId : undefined;
  const state = await guardDependency(deps.signInState.read({ sid: cookie.sid, sub: cookie.sub, consentClientId }));
  const live = liveSession(state, cookie, nowSeconds);
  return { cookie, live, consent: live ? state.consent : undefined, staleCookie: !live };
}

export interface Answer {
  /** 302 after the GET of the authorization endpoint, 303 after a form POST. */
  status: 302 | 303;
  cookies: string[];
  audit: Partial<AuditEvent>;
}

export function auditContext(req: HttpRequest, request?: { client: { clientId: string } }): Partial<AuditEvent> {
  return { ...requestAuditFields(req), ...(request ? { client_id: request.client.clientId } : {}) };
}

/** The sign-in form for this request, with a CSRF cookie (the one the browser has, or a new one). */
export function loginResponse(
  req: HttpRequest,
  request: AuthorizationRequest,
  deps: AuthorizationDeps,
  opts: { error?: string; status?: number; username?: string; cookies?: string[]; headers?: Record<string, string>; newCsrf?: boolean } = {},
): HttpResponse {
  const names = namesOf(deps.config);
  const existing = req.cookies.get(names.csrf);
  const csrf = !opts.newCsrf && existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : newCsrfToken();
  const cookies = [...(opts.cookies ?? []), ...(csrf === existing ? [] : [setCsrfCookie(names, csrf)])];
  return loginPage({
    branding: deps.config.branding,
    action: pathBelowIssuer(deps.config, '/oauth2/login'),
    clientName: request.client.name,
    csrf,
    authRequest: request.serialized,
    username: opts.username,
    error: opts.error,
    status: opts.status,
    cookies,
    headers: opts.headers,
    formTargets: formTargets(request),
  });
}

const formTargets = (request: AuthorizationRequest) => [redirectOrigin(request.redirectUri)].filter((o): o is string => o !== undefined);

export function consentResponse(request: AuthorizationRequest, live: LiveSession, secret: string, scopes: string[], deps: AuthorizationDeps, cookies: string[]): HttpResponse {
  return consentPage({
    branding: deps.config.branding,
    action: pathBelowIssuer(deps.config, '/oauth2/consent'),
    clientName: request.client.name,
    username: live.user.username,
    scopes: scopes.map((name) => ({ name, description: deps.config.scopes[name] ?? name })),
    csrf: consentCsrfToken(secret),
    authRequest: request.serialized,
    cookies,
    formTargets: formTargets(request),
  });
}

/** Carries out a decision for a signed-in user (or shows the sign-in form). */
export async function act(
  decision: Decision,
  ctx: { req: HttpRequest; request: AuthorizationRequest; live?: LiveSession; secret?: string; deps: AuthorizationDeps; answer: Answer },
): Promise<HttpResponse> {
  const { req, request, live, deps, answer } = ctx;
  const clock = deps.clock ?? systemClock;
  switch (decision.kind) {
    case 'login':
      // Signing in again (prompt=login, max_age): the same user, most likely.
      return loginResponse(req, request, deps, { cookies: answer.cookies, username: live?.user.username ?? request.loginHint });
    case 'consent':
      return consentResponse(request, live!, ctx.secret!, decision.scopes, deps, answer.cookies);
    case 'error':
      deps.audit.emit({ ...answer.audit, event: 'authorization.denied', outcome: 'failure', reason: decision.reason, sub: live?.user.sub, detail: { error: decision.code } });
      return errorRedirect(request, decision.code, decision.description, deps.config.issuer, answer.status, answer.cookies);
    case 'code': {
      const now = epochSeconds(clock);
      const code = await issueCode({ request, user: live!.user, session: live!.session, scopes: decision.scopes, nowSeconds: now }, deps, answer.audit);
      return codeRedirect(request, code, deps.config.issuer, answer.status, answer.cookies);
    }
  }
}

/** A session started by a successful sign-in. */
export const sessionsOf = (deps: AuthorizationDeps) => new Sessions(deps.sessions, deps.config);

/** The answer to a request that failed validation: a page (never a redirect) or a redirect to the client. */
export function refusal(err: unknown, req: HttpRequest, deps: AuthorizationDeps, status: 302 | 303): HttpResponse {
  const context = requestAuditFields(req);
  if (err instanceof UnredirectableError) {
    deps.audit.emit({ ...context, event: 'authorization.denied', outcome: 'failure', reason: err.reason, client_id: err.clientId?.slice(0, 128), detail: { error: err.code } });
    return errorPage({ branding: deps.config.branding, title: err.title, message: err.userMessage, code: err.code });
  }
  if (err instanceof RedirectableError) {
    deps.audit.emit({ ...context, event: 'authorization.denied', outcome: 'failure', reason: err.reason, client_id: err.target.client.clientId, detail: { error: err.code } });
    return errorRedirect(err.target, err.code, err.description, deps.config.issuer, status);
  }
  throw err;
}

/** A dependency failure (503) or a bad form on our own pages: a page, never JSON. */
export function unavailablePage(err: unknown, deps: Pick<AuthorizationDeps, 'config'>): HttpResponse {
  if (err instanceof OAuthError && err.code === 'temporarily_unavailable') {
    return errorPage({
      branding: deps.config.branding,
      title: 'Please try again in a moment',
      message: 'The sign-in service is temporarily unavailable.',
      code: 'temporarily_unavailable',
      status: 503,
      headers: err.headers,
    });
  }
  if (err instanceof OAuthError && err.status < 500) {
    return errorPage({ branding: deps.config.branding, title: 'This request is not valid', message: err.description ?? 'The request could not be read.', code: err.code === 'method_not_allowed' ? 'invalid_request' : err.code, status: err.status, headers: err.headers });
  }
  throw err;
}

