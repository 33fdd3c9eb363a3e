/**
 * The sign-in page: `<form method="post">` with `username`, `password` (type=password) and a submit button, a CSRF
 * token and the authorization request it continues (re-validated when posted). Labelled fields, no script.
 * A failed sign-in shows it again with one message, whatever the reason (no hint whether the user exists).
 */
import type { Branding } from '../config/types';
import { html } from '../http/html';
import type { HttpResponse } from '../http/response';
import { renderPage } from './layout';

export interface LoginPageInput {
  branding: Branding;
  /** Where the form posts (the login endpoint's path below the issuer). */
  action: string;
  clientName: string;
  csrf: string;
  /** The authorization request, as a query string. */
  authRequest: string;
  username?: string;
  error?: string;
  status?: number;
  cookies?: string[];
  headers?: Record<string, string>;
  formTargets?: string[];
}

export function loginPage(p: LoginPageInput): HttpResponse {
  const body = html`<h1>Sign in</h1>
<p class="lead">to continue to <strong>${p.clientName}</strong></p>
${p.error ? html`<div class="alert" role="alert" id="form-error">${p.error}</div>` : ''}
<form method="post" action="${p.action}">
<input type="hidden" name="csrf" value="${p.csrf}">
<input type="hidden" name="auth_request" value="${p.authRequest}">
<label for="username">Username</label>
<input type="text" id="username" name="username" value="${p.username ?? ''}" autocomplete="username" autocapitalize="none" spellcheck="false" required${p.error ? html` aria-describedby="form-error"` : ''}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`;
  return renderPage({ branding: p.branding, title: 'Sign in', body, status: p.status, cookies: p.cookies, headers: p.headers, formTargets: p.formTargets });
}
