/**
 * The page for a request that must not be redirected (RFC 6749 §4.1.2.1: an unknown client, a missing or
 * unregistered redirect_uri): 400 on the issuer's own origin, never a redirect, with a message for people and the
 * stable error code.
 */
import type { Branding } from '../config/types';
import { html } from '../http/html';
import type { HttpResponse } from '../http/response';
import { renderPage } from './layout';

export function errorPage(p: { branding: Branding; title: string; message: string; code: string; status?: number; headers?: Record<string, string> }): HttpResponse {
  const body = html`<h1>${p.title}</h1>
<p class="lead">${p.message}</p>
<p class="foot">Error code: <code>${p.code}</code></p>`;
  return renderPage({ branding: p.branding, title: p.title, body, status: p.status ?? 400, headers: p.headers });
}
