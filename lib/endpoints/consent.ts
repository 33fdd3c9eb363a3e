/**
 * POST /oauth2/consent: the consent form (lib/ui/consent-page.ts), for third-party clients. Needs the live session
 * (else the sign-in form again) and its CSRF token (derived from the session's secret: bound to the session).
 * `decision=deny` → redirect with error=access_denied; `decision=allow` → the consent is remembered for this user,
 * client and scopes (until `users revoke-consent`) and the code is issued.
 */
import { epochSeconds, systemClock } from '../core/clock';
import { guardDependency } from '../core/dependency-guard';
import { readFormBody } from '../http/form';
import { requireMethod } from '../http/method';
import { parseQueryString, type HttpRequest } from '../http/request';
import type { HttpResponse } from '../http/response';
import { act, auditContext, consentResponse, loginResponse, readBrowser, refusal, unavailablePage, type AuthorizationDeps } from '../authorization/flow';
import { validateAuthorizationRequest, type AuthorizationRequest } from '../authorization/request';
import { errorRedirect } from '../authorization/responses';
import { consentCsrfToken, sameToken } from '../sessions/session-cookie';
import { capByRoles } from '../users/roles';

export async function handleConsentRequest(req: HttpRequest, deps: AuthorizationDeps): Promise<HttpResponse> {
  try {
    return await consent(req, deps);
  } catch (err) {
    return unavailablePage(err, deps);
  } finally {
    await deps.audit.flush();
  }
}

async function consent(req: HttpRequest, deps: AuthorizationDeps): Promise<HttpResponse> {
  requireMethod(req, ['POST']);
  const params = readFormBody(req, deps.config.maxBodyBytes);
  let request: AuthorizationRequest;
  try {
    request = await validateAuthorizationRequest(parseQueryString(params.get('auth_request') ?? ''), deps);
  } catch (err) {
    return refusal(err, req, deps, 303);
  }
  const now = epochSeconds(deps.clock ?? systemClock);
  const browser = await readBrowser(req, deps, request, now);
  const live = browser.live;
  if (!live) return loginResponse(req, request, deps, { error: 'Your session has ended. Please sign in again.', status: 400 });
  const context = { ...auditContext(req, request), sub: live.user.sub };
  const scopes = capByRoles(request.scopes, live.user.roles, deps.config);
  const answer = { status: 303 as const, cookies: [], audit: auditContext(req, request) };
  if (scopes.length === 0) return act({ kind: 'error', code: 'access_denied', description: 'The user has none of the requested scopes', reason: 'no_scope_for_user' }, { req, request, live, deps, answer });
  const decision = params.get('decision');
  if (!sameToken(params.get('csrf'), consentCsrfToken(browser.cookie!.secret)) || (decision !== 'allow' && decision !== 'deny')) {
    deps.audit.emit({ ...context, event: 'consent.denied', outcome: 'failure', reason: decision === 'allow' || decision === 'deny' ? 'csrf' : 'bad_decision' });
    return { ...consentResponse(request, live, browser.cookie!.secret, scopes, deps, []), statusCode: 400 };
  }
  if (decision === 'deny') {
    deps.audit.emit({ ...context, event: 'consent.denied', outcome: 'success', reason: 'user_denied', scopes_requested: scopes });
    return errorRedirect(request, 'access_denied', 'The user denied the request', deps.config.issuer, 303);
  }
  await guardDependency(deps.consents.grant(live.user.sub, request.client.clientId, scopes, now));
  deps.audit.emit({ ...context, event: 'consent.granted', outcome: 'success', scopes_granted: scopes });
  return act({ kind: 'code', scopes }, { req, request, live, deps, answer });
}
