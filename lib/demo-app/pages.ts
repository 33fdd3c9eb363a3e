/** The demo app's pages (lib/demo-app/demo-app.ts): no script, every value escaped, the hosted pages' look. */
import type { Config } from '../config/types';
import { html } from '../http/html';
import type { HttpResponse } from '../http/response';
import { renderPage } from '../ui/layout';

const branding = (config: Config) => ({ ...config.branding, productName: `Demo app · signs in with ${config.branding.productName}` });

export function landingPage(config: Config, signIn: string, signedOut = false): HttpResponse {
  const body = html`<h1>Demo app</h1>
${signedOut ? html`<p class="lead" id="signed-out" role="status">You signed out. Your session at ${config.branding.productName} has ended.</p>` : ''}
<p class="lead">A web application of your own would do this: send you to ${config.branding.productName} to sign in (authorization code flow with PKCE), get a token, call an API with it.</p>
<a class="button" href="${signIn}">Sign in</a>
<p class="foot">The local stack printed a demo user and its password when it first started.</p>`;
  return renderPage({ branding: branding(config), title: 'Demo app', body });
}

export function callbackPage(
  config: Config,
  t: {
    header: Record<string, unknown>;
    payload: Record<string, unknown>;
    idClaims: Record<string, unknown>;
    scope: string;
    expiresIn: number;
    api: { status: number; body: string };
    again: string;
    signOut: string;
  },
  cookies: string[],
): HttpResponse {
  const body = html`<h1>Signed in</h1>
<p class="lead">You are <strong>${String(t.payload.sub)}</strong>. The app got an access token for <strong>${t.scope}</strong>, valid ${t.expiresIn} s.</p>
<h2>Token header</h2>
<pre id="token-header">${JSON.stringify(t.header, null, 2)}</pre>
<h2>Token claims</h2>
<pre id="token-claims">${JSON.stringify(t.payload, null, 2)}</pre>
<h2>GET /demo/data with it: ${t.api.status}</h2>
<pre id="api-answer">${t.api.body}</pre>
<h2>id_token claims (checked: signature, issuer, audience, nonce)</h2>
<pre id="id-token-claims">${JSON.stringify(t.idClaims, null, 2)}</pre>
<form method="get" action="${t.signOut}">
<button type="submit">Sign out</button>
</form>
<p class="foot"><a href="${t.again}">Back to the demo app</a></p>`;
  // The sign-out form's GET is redirected to the issuer's end_session_endpoint: CSP form-action must allow its origin.
  return renderPage({ branding: branding(config), title: 'Signed in', body, cookies, wide: true, formTargets: [new URL(config.issuer).origin] });
}

export function problemPage(config: Config, message: string, status: number, cookies?: string[], headers?: Record<string, string>): HttpResponse {
  const body = html`<h1>That did not work</h1>
<p class="lead" role="alert">${message}</p>`;
  return renderPage({ branding: branding(config), title: 'Demo app', body, status, cookies, headers });
}
