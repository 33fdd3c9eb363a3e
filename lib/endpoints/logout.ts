/**
 * GET|POST /oauth2/logout: OpenID Connect RP-Initiated Logout 1.0 (the discovery documents' `end_session_endpoint`).
 * The request is checked first (lib/oidc/logout-request.ts: a bad hint, an unknown client or an unregistered
 * post_logout_redirect_uri gets a page, never a redirect). Then:
 *   - a valid id_token_hint for the signed-in user → the session ends at once, no page;
 *   - a valid hint and no live session in this browser → the hint's session (its `sid`) ends;
 *   - no hint, or a hint for another user than the one signed in → a confirmation page (lib/ui/logout-page.ts),
 *     whose form (CSRF token bound to the session) ends the session with `decision=logout`;
 *   - nothing signed in and no hint → nothing to end.
 * After the end: 302 (303 after a form) to the registered post_logout_redirect_uri with `state`, else a "signed
 * out" page. Ending a session (lib/sessions/end-session.ts): revocation by sid (its access tokens die at the gateway
 * within the bound, its refresh-token families die), the session record removed (its codes die), the cookie cleared.
 */
import type { AuditEvent, AuditSink } from '../audit/types';
import type { CachedClientLookup } from '../clients/client-cache';
import { redirectOrigin } from '../clients/redirect-uris';
import type { Clock } from '../core/clock';
import { epochSeconds, systemClock } from '../core/clock';
import type { Config } from '../config/types';
import { guardDependency } from '../core/dependency-guard';
import { requestAuditFields } from '../http/audit-fields';
import { readFormBody, type FormParams } from '../http/form';
import { requireMethod } from '../http/method';
import type { HttpRequest } from '../http/request';
import { redirect, type HttpResponse } from '../http/response';
import type { KeyRing } from '../keys/key-ring';
import { LogoutRefused, postLogoutLocation, readLogoutRequest, type LogoutRequest, type ParamReader } from './logout-request';
import { endSession } from '../sessions/end-session';
import { clearSessionCookie, cookieNames, logoutCsrfToken, parseSessionCookie, sameToken, type SessionCookie } from '../sessions/session-cookie';
import { liveSession, type LiveSession } from '../sessions/sessions';
import type { RevocationStore, SessionStore, SignInStateReader } from '../stores/ports';
import { errorPage } from '../ui/error-page';
import { logoutConfirmationPage, signedOutPage } from '../ui/logout-page';
import { unavailablePage } from '../authorization/flow';
import { ENDPOINT_PATHS } from './paths';

export interface LogoutDeps {
  config: Config;
  clients: CachedClientLookup;
  keyRing: KeyRing;
  signInState: SignInStateReader;
  sessions: SessionStore;
  revocations: RevocationStore;
  audit: AuditSink;
  clock?: Clock;
}

export async function handleLogoutRequest(req: HttpRequest, deps: LogoutDeps): Promise<HttpResponse> {
  try {
    return await logout(req, deps);
  } catch (err) {
    return unavailablePage(err, deps);
  } finally {
    await deps.audit.flush();
  }
}

const actionPath = (config: Config) => `${new URL(config.issuer).pathname.replace(/\/+$/, '')}${ENDPOINT_PATHS.logout}`;

function reader(req: HttpRequest, form: FormParams | undefined): ParamReader {
  if (form) return (name) => ({ value: form.get(name), repeated: false });
  return (name) => {
    const v = req.query.get(name);
    return { value: v?.[0], repeated: (v?.length ?? 0) > 1 };
  };
}

interface Browser {
  cookie?: SessionCookie;
  live?: LiveSession;
  /** A session cookie was sent (live or not): the answer clears it. */
  hasCookie: boolean;
}

async function readBrowser(req: HttpRequest, deps: LogoutDeps, now: number): Promise<Browser> {
  const raw = req.cookies.get(cookieNames(deps.config.issuer).session);
  const cookie = parseSessionCookie(raw);
  if (!cookie) return { hasCookie: raw !== undefined };
  const state = await guardDependency(deps.signInState.read({ sid: cookie.sid, sub: cookie.sub }));
  return { cookie, live: liveSession(state, cookie, now), hasCookie: true };
}

async function logout(req: HttpRequest, deps: LogoutDeps): Promise<HttpResponse> {
  requireMethod(req, ['GET', 'POST']);
  const { config } = deps;
  const clock = deps.clock ?? systemClock;
  const form = req.method === 'POST' ? readFormBody(req, config.maxBodyBytes) : undefined;
  const context: Partial<AuditEvent> = requestAuditFields(req);
  let request: LogoutRequest;
  try {
    request = await readLogoutRequest(reader(req, form), { config, clients: deps.clients, keyRing: deps.keyRing, clock });
  } catch (err) {
    if (!(err instanceof LogoutRefused)) throw err;
    deps.audit.emit({ ...context, event: 'session.ended', outcome: 'failure', reason: err.reason, client_id: err.clientId?.slice(0, 128) });
    return errorPage({ branding: config.branding, title: 'This sign-out request is not valid', message: err.userMessage, code: 'invalid_request' });
  }
  const audit = { ...context, ...(request.client ? { client_id: request.client.clientId } : {}) };
  const now = epochSeconds(clock);
  const browser = await readBrowser(req, deps, now);
  const cookies = browser.hasCookie ? [clearSessionCookie(cookieNames(config.issuer))] : [];
  const ending = { sessions: deps.sessions, revocations: deps.revocations, audit: deps.audit, clock };
  const finish = (status: 302 | 303): HttpResponse =>
    request.redirectUri ? redirect(postLogoutLocation(request.redirectUri, request.state), { status, cookies }) : signedOutPage({ branding: config.branding, cookies });
  const confirm = (live: LiveSession, cookie: SessionCookie, status = 200) =>
    logoutConfirmationPage({
      branding: config.branding,
      action: actionPath(config),
      csrf: logoutCsrfToken(cookie.secret),
      username: live.user.username,
      clientName: request.client?.name,
      carry: {
        ...(request.client ? { client_id: request.client.clientId } : {}),
        ...(request.redirectUri ? { post_logout_redirect_uri: request.redirectUri } : {}),
        ...(request.state !== undefined ? { state: request.state } : {}),
      },
      formTargets: request.redirectUri ? [redirectOrigin(request.redirectUri)].filter((o): o is string => o !== undefined) : [],
      status,
    });

  const decision = form?.get('decision');
  if (decision !== undefined) {
    // The confirmation form.
    if (decision !== 'logout' && decision !== 'stay') {
      deps.audit.emit({ ...audit, event: 'session.ended', outcome: 'failure', reason: 'bad_decision' });
      return errorPage({ branding: config.branding, title: 'This sign-out request is not valid', message: 'The form could not be read.', code: 'invalid_request' });
    }
    const { live, cookie } = browser;
    if (!live || !cookie) return finish(303);
    if (!sameToken(form!.get('csrf'), logoutCsrfToken(cookie.secret))) {
      deps.audit.emit({ ...audit, event: 'session.ended', outcome: 'failure', reason: 'csrf', sub: live.user.sub, detail: { sid: live.session.sid } });
      return confirm(live, cookie, 400);
    }
    if (decision === 'stay') return signedOutPage({ branding: config.branding, stayed: true });
    await endSession({ sid: live.session.sid, sub: live.user.sub }, 'logout', ending, { ...audit, detail: { confirmed: true } });
    return finish(303);
  }

  const status = req.method === 'POST' ? 303 : 302;
  const { hint } = request;
  const { live, cookie } = browser;
  if (hint && live && live.user.sub === hint.sub) {
    await endSession({ sid: live.session.sid, sub: live.user.sub }, 'logout', ending, audit);
    // The hint names an earlier session of the same user (signed in again since): that one ends too.
    if (hint.sid && hint.sid !== live.session.sid) await endHintSession(hint.sid, hint.sub, deps, ending, audit);
    return finish(status);
  }
  if (hint && !live) {
    if (hint.sid) await endHintSession(hint.sid, hint.sub, deps, ending, audit);
    return finish(status);
  }
  if (live && cookie) return confirm(live, cookie);
  return finish(status);
}

/** The session a hint names, when it is (or was) that user's: its record is checked before it is removed. */
async function endHintSession(sid: string, sub: string, deps: LogoutDeps, ending: Parameters<typeof endSession>[2], audit: Partial<AuditEvent>): Promise<void> {
  const session = await guardDependency(deps.sessions.get(sid));
  if (session && session.sub !== sub) return;
  await endSession({ sid, sub }, 'logout', ending, { ...audit, detail: { via: 'id_token_hint' } });
}
