/**
 * functions/authorize.ts and functions/consent.ts (functions/login.ts: lib/composition/login.ts, the one function
 * that carries the native Argon2 module): the browser side of the authorization code flow.
 */
import { handleAuthorizeRequest } from '../endpoints/authorize';
import { handleConsentRequest } from '../endpoints/consent';
import type { AuthorizationDeps } from '../authorization/flow';
import type { HttpRequest } from '../http/request';
import type { HttpResponse } from '../http/response';
import { getConfig } from '../config/load-config';
import { parseBranding } from '../config/sections/people';
import { errorPage } from '../ui/error-page';
import { lambdaContainer, type Container } from './container';

export const authorizationDeps = (c: Container): AuthorizationDeps => ({
  config: c.config,
  clients: c.clientLookup(),
  signInState: c.signInState(),
  sessions: c.sessionStore(),
  codes: c.codeStore(),
  consents: c.consentStore(),
  users: c.userStore(),
  audit: c.audit(),
  userLockout: c.userLockout(),
  clock: c.clock,
});

export const handleAuthorize = (req: HttpRequest) => handleAuthorizeRequest(req, authorizationDeps(lambdaContainer()));
export const handleConsent = (req: HttpRequest) => handleConsentRequest(req, authorizationDeps(lambdaContainer()));

/** What a browser sees when something escaped the endpoint (a configuration error at cold start, a bug): a page, no detail. */
export function renderBrowserError(): HttpResponse {
  let branding;
  try {
    branding = getConfig().branding;
  } catch {
    branding = parseBranding({});
  }
  return errorPage({ branding, title: 'Something went wrong', message: 'The sign-in service could not handle this request. Please try again later.', code: 'server_error', status: 500 });
}
