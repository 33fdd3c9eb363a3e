/**
 * The frame of every hosted page: a card with the product name, no script, one hashed inline stylesheet, every value
 * escaped by the `html` tag (lib/http/html.ts). The security headers come with htmlPage (lib/http/response.ts).
 */
import type { Branding } from '../config/types';
import { html, SafeHtml } from '../http/html';
import { htmlPage, type HttpResponse } from '../http/response';
import { themeFor } from './theme';

export interface PageOptions {
  branding: Branding;
  /** The <title>, after the product name. */
  title: string;
  body: SafeHtml;
  status?: number;
  cookies?: string[];
  headers?: Record<string, string>;
  /** Origins a form on the page may lead to after its POST (the client's redirect URI): CSP form-action. */
  formTargets?: string[];
  /** A wider card (pages that show data, like the demo app's token). */
  wide?: boolean;
}

export function renderPage(opts: PageOptions): HttpResponse {
  const theme = themeFor(opts.branding);
  const doc = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${opts.title} · ${opts.branding.productName}</title>
<style>${new SafeHtml(theme.css)}</style>
</head>
<body>
<main${opts.wide ? html` class="wide"` : ''}>
<div class="card">
<p class="brand"><span class="mark" aria-hidden="true"></span>${opts.branding.productName}</p>
${opts.body}
</div>
</main>
</body>
</html>
`;
  const res = htmlPage(opts.status ?? 200, doc.text, { styleHashes: [theme.styleHash], cookies: opts.cookies, formTargets: opts.formTargets });
  return opts.headers ? { ...res, headers: { ...res.headers, ...opts.headers } } : res;
}
