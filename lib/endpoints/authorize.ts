/**
 * GET /oauth2/authorize (RFC 6749 §4.1.1, RFC 7636, RFC 9207): the authorization code flow starts here.
 * Validates the request (lib/authorization/request.ts: an unknown client or unregistered redirect_uri is a 400 page,
 * other errors are redirected with error, state and iss), reads the browser's session, its user and (third-party
 * clients) the user's consent in one BatchGetItem, then: the sign-in form, the consent page, an error redirect, or a
 * code (one PutItem; plus, at most once per touch interval, one write pushing the session's idle deadline).
 */
import { requireMethod } from '../http/method';
import type { HttpRequest } from '../http/request';
import type { HttpResponse } from '../http/response';
import { epochSeconds, systemClock } from '../core/clock';
import { decide } from '../authorization/decide';
import { act, auditContext, namesOf, readBrowser, refusal, sessionsOf, unavailablePage, type AuthorizationDeps } from '../authorization/flow';
import { clearSessionCookie } from '../sessions/session-cookie';
import { validateAuthorizationRequest, type AuthorizationRequest } from '../authorization/request';
import { guardDependency } from '../core/dependency-guard';

export async function handleAuthorizeRequest(req: HttpRequest, deps: AuthorizationDeps): Promise<HttpResponse> {
  try {
    return await authorize(req, deps);
  } catch (err) {
    return unavailablePage(err, deps);
  } finally {
    await deps.audit.flush();
  }
}

async function authorize(req: HttpRequest, deps: AuthorizationDeps): Promise<HttpResponse> {
  requireMethod(req, ['GET']);
  let request: AuthorizationRequest;
  try {
    request = await validateAuthorizationRequest(req.query, deps);
  } catch (err) {
    return refusal(err, req, deps, 302);
  }
  const now = epochSeconds(deps.clock ?? systemClock);
  const browser = await readBrowser(req, deps, request, now);
  const decision = decide(request, browser, now, deps.config);
  if (decision.kind === 'code') await guardDependency(sessionsOf(deps).keepAlive(browser.live!.session, now));
  const cookies = browser.staleCookie ? [clearSessionCookie(namesOf(deps.config))] : [];
  return act(decision, { req, request, live: browser.live, secret: browser.cookie?.secret, deps, answer: { status: 302, cookies, audit: auditContext(req, request) } });
}
