/**
 * Pages the local stack serves beside the functions (never deployed): `GET /openapi.yaml`, the API description, and
 * `GET /docs`, that description rendered for people on the server (no script, no CDN; a hashed stylesheet under the
 * same CSP as the hosted pages). External scanners (OWASP ZAP's OpenAPI scan) read the first: see README "Security audits".
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { html, SafeHtml } from '../../lib/http/html';
import { htmlSecurityHeaders, NO_STORE } from '../../lib/http/response';
import { REPO_ROOT } from '../serverless-config';

export const OPENAPI_PATH = '/openapi.yaml';
export const DOCS_PATH = '/docs';
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

const CSS = `body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f4f6fa;color:#1f2430}main{max-width:980px;margin:0 auto;padding:24px}
h1{margin:0 0 4px}h2{margin:32px 0 8px;font-family:ui-monospace,monospace;font-size:18px}section.op{background:#fff;border:1px solid #d8dde8;border-radius:8px;padding:12px 16px;margin:10px 0}
.m{display:inline-block;min-width:56px;font:600 13px ui-monospace,monospace;color:#fff;background:#2f5bd3;border-radius:4px;padding:2px 6px;text-align:center}
.m.get{background:#2b8a3e}table{border-collapse:collapse;width:100%;font-size:14px}td,th{border-top:1px solid #e6e9f0;padding:4px 8px;text-align:left;vertical-align:top}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f7f8fb;padding:8px;overflow:auto}.tag{color:#5b6478;font-size:13px}`;
const STYLE_HASH = `sha256-${createHash('sha256').update(CSS, 'utf8').digest('base64')}`;

type Json = Record<string, unknown>;

/** The page: each path, its operations (summary, parameters, request body, responses with error codes), the schemas. */
export function renderDocsPage(yamlText: string): string {
  const doc = load(yamlText) as Json;
  const info = (doc.info ?? {}) as Json;
  const resolve = (n: unknown): Json => {
    let node = (n ?? {}) as Json;
    for (let i = 0; typeof node.$ref === 'string' && i < 10; i++) node = (node.$ref as string).slice(2).split('/').reduce((o: Json, k) => (o?.[k] ?? {}) as Json, doc);
    return node;
  };
  const refName = (n: unknown) => (n && typeof (n as Json).$ref === 'string' ? String((n as Json).$ref).split('/').pop() : undefined);
  const paths = Object.entries((doc.paths ?? {}) as Record<string, Json>).map(([path, item]) => {
    const stages = (item['x-stages'] as string[] | undefined)?.join(', ') ?? 'every stage';
    const any = item['x-any-method'] as { allow: string } | undefined;
    const ops = METHODS.filter((m) => item[m]).map((m) => {
      const op = item[m] as Json;
      const params = ((op.parameters ?? []) as unknown[]).map(resolve);
      const body = resolve(op.requestBody);
      const bodyTypes = Object.entries((body.content ?? {}) as Record<string, Json>).map(([type, c]) => html`<code>${type}</code> ${refName(c.schema) ?? ''}`);
      const responses = Object.entries((op.responses ?? {}) as Record<string, unknown>).map(([status, r]) => {
        const res = resolve(r);
        const codes = (res['x-error-codes'] as string[] | undefined) ?? [];
        const headers = Object.keys((res.headers ?? {}) as Json);
        return html`<tr><td><code>${status}</code></td><td>${String(res.description ?? '')}${codes.length ? html`<br>errors: <code>${codes.join(', ')}</code>` : ''}${headers.length ? html`<br>headers: <code>${headers.join(', ')}</code>` : ''}</td></tr>`;
      });
      const security = ((op.security ?? []) as Json[]).map((s) => Object.keys(s)[0] ?? 'none (client_id in the body)');
      return html`<section class="op"><p><span class="m ${m}">${m.toUpperCase()}</span> <code>${path}</code> — ${String(op.summary ?? '')}</p>
${op.description ? html`<p>${String(op.description)}</p>` : ''}
${security.length ? html`<p>Authentication: <code>${security.join(' | ')}</code></p>` : ''}
${params.length ? html`<table><tr><th>parameter</th><th>in</th><th>required</th></tr>${params.map((p) => html`<tr><td><code>${String(p.name)}</code></td><td>${String(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td></tr>`)}</table>` : ''}
${bodyTypes.length ? html`<p>Body: ${bodyTypes}</p>` : ''}
<table><tr><th>status</th><th>answer</th></tr>${responses}</table></section>`;
    });
    return html`<h2 id="${path}">${path}</h2><p class="tag">${String(item['x-api'] ?? 'rest')} API · ${stages}${any ? html` · any other method: 405 with <code>Allow: ${any.allow}</code>` : ''}</p>${ops}`;
  });
  const schemas = Object.entries(((doc.components as Json | undefined)?.schemas ?? {}) as Json).map(
    ([name, s]) => html`<h3 id="schema-${name}">${name}</h3><pre>${JSON.stringify(s, null, 2)}</pre>`,
  );
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">
<title>${String(info.title ?? 'API')} — API description</title><style>${new SafeHtml(CSS)}</style></head>
<body><main><h1>${String(info.title ?? 'API')} ${String(info.version ?? '')}</h1><p>${String(info.summary ?? '')}</p>
<p>The machine-readable description: <a href="${OPENAPI_PATH}">${OPENAPI_PATH}</a> (OpenAPI ${String(doc.openapi)}).</p>
${paths}<h2>Schemas</h2>${schemas}</main></body></html>
`.text;
}

/** Answers the local pages; false: not one of them (the gateway forwards the request). */
export function serveLocalPage(req: IncomingMessage, res: ServerResponse, file = join(REPO_ROOT, 'openapi.yaml')): boolean {
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  if (path !== OPENAPI_PATH && path !== DOCS_PATH) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain;charset=UTF-8', 'X-Content-Type-Options': 'nosniff', ...NO_STORE });
    res.end('Method Not Allowed\n');
    return true;
  }
  const text = readFileSync(file, 'utf8');
  const body = path === OPENAPI_PATH ? text : renderDocsPage(text);
  const headers =
    path === OPENAPI_PATH
      ? { 'Content-Type': 'application/yaml;charset=UTF-8', 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'", 'Referrer-Policy': 'no-referrer', ...NO_STORE }
      : { ...htmlSecurityHeaders([STYLE_HASH]), 'Content-Security-Policy': `default-src 'none'; style-src '${STYLE_HASH}'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'` };
  res.writeHead(200, { ...headers, 'Content-Length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
