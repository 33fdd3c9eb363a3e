/**
 * POST /oauth2/login: the sign-in form (lib/ui/login-page.ts). Checks, in order: the form, the authorization request
 * it carries (validated again), the CSRF token (double submit of the pre-session cookie), the lockout, the password
 * (Argon2id; an unknown user costs the same). A failure shows the form again with one message, whatever the reason;
 * during a lock, 429 with Retry-After. A success starts a new SSO session (new id: no fixation) and continues the
 * authorization request: the consent page, or a 303 to the client with the code.
 */
import { epochSeconds, systemClock } from '../core/clock';
import { readFormBody } from '../http/form';
import { requireMethod } from '../http/method';
import { parseQueryString, type HttpRequest } from '../http/request';
import type { HttpResponse } from '../http/response';
import { guardDependency } from '../core/dependency-guard';
import { decide } from '../authorization/decide';
import { act, auditContext, loginResponse, namesOf, refusal, sessionsOf, unavailablePage, type AuthorizationDeps } from '../authorization/flow';
import { validateAuthorizationRequest, type AuthorizationRequest } from '../authorization/request';
import { parseSessionCookie, sameToken, setSessionCookie } from '../sessions/session-cookie';
import { signIn } from '../users/sign-in';
import { isUserLocked } from '../users/user-lockout';

export const MESSAGES = {
  badCredentials: 'The username or password is incorrect.',
  missing: 'Enter your username and password.',
  expiredForm: 'This sign-in form has expired. Please try again.',
  locked: (seconds: string) => `Too many failed sign-ins. Try again in ${seconds} second${seconds === '1' ? '' : 's'}.`,
} as const;

export async function handleLoginRequest(req: HttpRequest, deps: AuthorizationDeps): Promise<HttpResponse> {
  try {
    return await login(req, deps);
  } catch (err) {
    return unavailablePage(err, deps);
  } finally {
    await deps.audit.flush();
  }
}

async function login(req: HttpRequest, deps: AuthorizationDeps): Promise<HttpResponse> {
  requireMethod(req, ['POST']);
  const params = readFormBody(req, deps.config.maxBodyBytes);
  let request: AuthorizationRequest;
  try {
    request = await validateAuthorizationRequest(parseQueryString(params.get('auth_request') ?? ''), deps);
  } catch (err) {
    return refusal(err, req, deps, 303);
  }
  const context = auditContext(req, request);
  const username = params.get('username') ?? '';
  const password = params.get('password') ?? '';
  if (!sameToken(params.get('csrf'), req.cookies.get(namesOf(deps.config).csrf))) {
    deps.audit.emit({ ...context, event: 'login.failed', outcome: 'failure', reason: 'csrf' });
    return loginResponse(req, request, deps, { error: MESSAGES.expiredForm, status: 400, username, newCsrf: true });
  }
  if (!username || !password) return loginResponse(req, request, deps, { error: MESSAGES.missing, status: 400, username });
  let result;
  try {
    result = await signIn(username, password, { users: deps.users, lockout: deps.userLockout }, context);
  } catch (err) {
    if (!isUserLocked(err)) throw err;
    deps.audit.emit({ ...context, event: 'login.failed', outcome: 'failure', reason: 'locked_out' });
    const retry = err.headers['Retry-After'];
    return loginResponse(req, request, deps, { error: MESSAGES.locked(retry), status: 429, username, headers: { 'Retry-After': retry } });
  }
  if (!result.ok) {
    deps.audit.emit({ ...context, event: 'login.failed', outcome: 'failure', reason: result.reason, sub: result.sub });
    return loginResponse(req, request, deps, { error: MESSAGES.badCredentials, status: 400, username });
  }
  const now = epochSeconds(deps.clock ?? systemClock);
  const { session, cookie } = await guardDependency(sessionsOf(deps).start(result.user, now));
  deps.audit.emit({ ...context, event: 'login.succeeded', outcome: 'success', sub: result.user.sub, detail: { sid: session.sid, amr: 'pwd' } });
  const live = { session, user: result.user };
  const consent = request.client.thirdParty ? await guardDependency(deps.consents.get(result.user.sub, request.client.clientId)) : undefined;
  const decision = decide(request, { live, consent, freshLogin: true }, now, deps.config);
  const cookies = [setSessionCookie(namesOf(deps.config), cookie, session.absoluteExpiresAt - now)];
  return act(decision, { req, request, live, secret: parseSessionCookie(cookie)!.secret, deps, answer: { status: 303, cookies, audit: context } });
}
