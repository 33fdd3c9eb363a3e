/**
 * The consent page (third-party clients only): the scopes the client asks for, each with its catalogue description,
 * and a `<form method="post">` with `<button type="submit" name="decision" value="allow">` and `value="deny"`.
 * Deny comes first, so pressing Enter denies.
 */
import type { Branding } from '../config/types';
import { html } from '../http/html';
import type { HttpResponse } from '../http/response';
import { renderPage } from './layout';

export interface ConsentPageInput {
  branding: Branding;
  action: string;
  clientName: string;
  username: string;
  /** Scope name and its description (custom.portcullis.scopes). */
  scopes: Array<{ name: string; description: string }>;
  csrf: string;
  authRequest: string;
  cookies?: string[];
  formTargets?: string[];
}

export function consentPage(p: ConsentPageInput): HttpResponse {
  const body = html`<h1>Allow access?</h1>
<p class="lead"><strong>${p.clientName}</strong> is asking to:</p>
<ul class="scopes" aria-label="Requested permissions">
${p.scopes.map((s) => html`<li>${s.description}<span class="name">${s.name}</span></li>`)}
</ul>
<p class="who">Signed in as <strong>${p.username}</strong>. You can take this back later by asking your administrator.</p>
<form method="post" action="${p.action}">
<input type="hidden" name="csrf" value="${p.csrf}">
<input type="hidden" name="auth_request" value="${p.authRequest}">
<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
<button type="submit" name="decision" value="allow">Allow</button>
</div>
</form>`;
  return renderPage({ branding: p.branding, title: 'Allow access?', body, cookies: p.cookies, formTargets: p.formTargets });
}
