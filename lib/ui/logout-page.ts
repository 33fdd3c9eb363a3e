/**
 * The logout pages (OpenID Connect RP-Initiated Logout 1.0):
 *   confirmation  "Sign out?" with a `<form method="post">`: a CSRF token bound to the session, the client's
 *                 request carried in hidden fields (validated again when posted), and
 *                 `<button type="submit" name="decision" value="logout">` (plus "Stay signed in", value `stay`).
 *   signed out    what the user sees when there is nowhere (registered) to send them back to.
 * No script, every value escaped, the hosted pages' CSP (forms post to us, and a registered post-logout URI's origin).
 */
import type { Branding } from '../config/types';
import { html } from '../http/html';
import type { HttpResponse } from '../http/response';
import { renderPage } from './layout';

export interface LogoutConfirmationInput {
  branding: Branding;
  action: string;
  csrf: string;
  username: string;
  /** The client that asked, when known. */
  clientName?: string;
  /** The request's parameters to carry (client_id, post_logout_redirect_uri, state). */
  carry: Record<string, string>;
  cookies?: string[];
  formTargets?: string[];
  status?: number;
}

export function logoutConfirmationPage(p: LogoutConfirmationInput): HttpResponse {
  const body = html`<h1>Sign out?</h1>
<p class="lead">${p.clientName ? html`<strong>${p.clientName}</strong> asks to sign you out. ` : ''}You are signed in as <strong>${p.username}</strong>. Signing out ends your session here and in every app you signed in to with it.</p>
<form method="post" action="${p.action}">
<input type="hidden" name="csrf" value="${p.csrf}">
${Object.entries(p.carry).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`)}<div class="actions">
<button type="submit" name="decision" value="stay" class="secondary">Stay signed in</button>
<button type="submit" name="decision" value="logout">Sign out</button>
</div>
</form>`;
  return renderPage({ branding: p.branding, title: 'Sign out?', body, cookies: p.cookies, formTargets: p.formTargets, status: p.status });
}

export function signedOutPage(p: { branding: Branding; cookies?: string[]; stayed?: boolean }): HttpResponse {
  const body = p.stayed
    ? html`<h1>You are still signed in</h1>
<p class="lead">Nothing changed. You can close this page.</p>`
    : html`<h1>You are signed out</h1>
<p class="lead" id="signed-out">Your session has ended. You can close this page.</p>`;
  return renderPage({ branding: p.branding, title: p.stayed ? 'Still signed in' : 'Signed out', body, cookies: p.cookies });
}
